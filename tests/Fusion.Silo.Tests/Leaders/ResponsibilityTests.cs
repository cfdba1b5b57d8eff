using System.Net;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Leaders;

/// <summary>
/// Responsibility over time through the real host: a leader reassigned from a date, the warnings' recipients and the
/// area scoping following the assignment in force, who answered for an enterprise at a moment, visits, the duty report.
/// </summary>
public sealed class ResponsibilityTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;   // 2026-11-28 12:00 in Beijing

    static HttpClient As(FusionApp app, string person, string role = Roles.Leader) => app.ClientAsPerson(person, role);

    static async Task<JsonElement> WaitForAsync(HttpClient http, string url, Func<JsonElement, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var answer = await http.GetJsonAsync(url);
            if (until(answer)) return answer;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: still {answer}");
            await Task.Delay(100);
        }
    }

    static string[] Recipients(JsonElement warning) => [.. warning.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("recipientId").GetString()!)];

    [Fact]
    public async Task GivenALeaderReassignedFromADate_ThenWarningsScopingAndTheRecordFollowTheAssignmentInForce_AndTheDutyReportTellsTheYear()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Warnings:TickEvery"] = "00:00:00.2" });
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi() with { Commissioners = [new("COMM-01", "Commissioner Guo", "GOLMUD")] })).EnsureSuccessStatusCode();

        // Before the move: the Potash warning goes to Golmud's leader, who acknowledges it five minutes later; a finding opens a case.
        (await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
            { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-3)), Alarm("A-3", "CAM-POTASH-1", T0.AddHours(-1)) })).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
        {
            new { findingId = "I-G", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Tailings seepage", severity = "high",
                  rectifyBy = "2026-12-31", recordedBy = "Inspector Li", recordedAt = T0.AddHours(-2) },
        })).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();
        var first = Assert.Single((await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).EnumerateArray());
        var firstId = first.GetProperty("id").GetString()!;
        Assert.Equal(["L-GOLMUD"], Recipients(first));
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var golmudLeader = As(app, "L-GOLMUD");
        Assert.Equal(HttpStatusCode.OK, (await golmudLeader.PostJsonAsync($"/api/warnings/{firstId}/acknowledge", new { note = "on my way" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await golmudLeader.PostJsonAsync($"/api/warnings/{firstId}/resolve", new { note = "outfall sealed" })).StatusCode);

        // The move, recorded today, takes effect tomorrow: Golmud's leader goes to Delingha and a new leader takes Golmud.
        var moved = await (await http.PostJsonAsync("/api/master-data", new MasterDataDocument(Leaders:
        [
            new("L-GOLMUD", "Test Leader", "Mayor", "DELINGHA", From: "2026-11-29"),
            new("L-NEW", "New Leader", "Mayor", "GOLMUD", From: "2026-11-29"),
        ]))).JsonAsync();
        Assert.Equal(2, moved.GetProperty("accepted").GetInt32());
        var again = await (await http.PostJsonAsync("/api/master-data", Haixi())).JsonAsync();
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());   // the original document again moves nobody back
        var today = await http.GetJsonAsync("/api/leaders/L-GOLMUD");
        Assert.Equal("GOLMUD", today.GetProperty("areaId").GetString());
        Assert.Equal(["GOLMUD", "DELINGHA"], today.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("areaId").GetString()));

        app.Time.Advance(TimeSpan.FromDays(1));
        var tomorrow = await http.GetJsonAsync("/api/leaders/L-GOLMUD");
        Assert.Equal(("DELINGHA", "Region"), (tomorrow.GetProperty("areaId").GetString(), tomorrow.GetProperty("level").GetString()));
        var assignments = tomorrow.GetProperty("assignments").EnumerateArray().ToList();
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.FromHours(8)), assignments[0].GetProperty("until").GetDateTimeOffset());
        Assert.Equal(assignments[0].GetProperty("until").GetDateTimeOffset(), assignments[1].GetProperty("from").GetDateTimeOffset());

        // Who answered for the enterprise: one answer for each moment.
        Assert.Equal(["L-GOLMUD"], (await http.GetJsonAsync($"/api/enterprises/{Potash}/responsible?at=2026-11-28T12:00:00%2B08:00"))
            .GetProperty("areaLeaders").EnumerateArray().Select(r => r.GetProperty("recipientId").GetString()));
        var now = await http.GetJsonAsync($"/api/enterprises/{Potash}/responsible");
        Assert.Equal(["L-NEW"], now.GetProperty("areaLeaders").EnumerateArray().Select(r => r.GetProperty("recipientId").GetString()));
        Assert.Equal(["COMM-01"], now.GetProperty("commissioners").EnumerateArray().Select(r => r.GetProperty("recipientId").GetString()));

        // The reassigned leader's scope is their new area: Golmud's warnings are no longer theirs to read or act on.
        Assert.Equal(HttpStatusCode.Forbidden, (await golmudLeader.GetAsync($"/api/warnings/{firstId}")).StatusCode);
        Assert.Equal(0, (await golmudLeader.GetJsonAsync("/api/warnings")).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await As(app, "L-NEW").GetAsync($"/api/warnings/{firstId}")).StatusCode);

        // A new warning at Potash goes to the leader in force now.
        (await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
        {
            Alarm("A-4", "CAM-POTASH-1", T0.AddHours(20)), Alarm("A-5", "CAM-POTASH-1", T0.AddHours(21)), Alarm("A-6", "CAM-POTASH-1", T0.AddHours(22)),
        })).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();
        var second = await WaitForAsync(http, "/api/warnings?rule=repeated-discharge-alarms&status=open", w => w.GetArrayLength() == 1, "the second warning");
        Assert.Equal(["L-NEW"], Recipients(second[0]));

        // Visits: the leader logs a stay (蹲点) in the new area; the same again is no change; nobody logs another's.
        var stay = new { visitId = "V-1", kind = "stay", from = "2026-11-29", enterpriseId = SodaAsh, purpose = "蹲点: slag yard cover" };
        var logged = await golmudLeader.PostJsonAsync("/api/leaders/L-GOLMUD/visits", stay);
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        Assert.True((await logged.JsonAsync()).GetProperty("inOwnArea").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await golmudLeader.PostJsonAsync("/api/leaders/L-GOLMUD/visits", stay)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(app, "L-NEW").PostJsonAsync("/api/leaders/L-GOLMUD/visits", stay)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await golmudLeader.PostJsonAsync("/api/leaders/L-GOLMUD/visits", new { visitId = "V-1", kind = "inspection", from = "2026-11-29", enterpriseId = SodaAsh, purpose = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await golmudLeader.PostJsonAsync("/api/leaders/L-GOLMUD/visits", new { visitId = "V-2", kind = "picnic", from = "2026-11-29", enterpriseId = SodaAsh, purpose = "x" })).StatusCode);
        Assert.Single((await http.GetJsonAsync("/api/leaders/L-GOLMUD")).GetProperty("visits").EnumerateArray());

        // The duty report: both areas, the warning received and acknowledged in five minutes, the case opened under them, the stay.
        var report = await http.GetJsonAsync("/api/leaders/L-GOLMUD/duty-report?year=2026");
        Assert.Equal(["GOLMUD", "DELINGHA"], report.GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("areaId").GetString()));
        // (The shipped rules may raise more than the discharge warning for Potash, a level warning say: each that reached him counts.)
        var warnings = report.GetProperty("warnings");
        var received = warnings.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(received.Count, warnings.GetProperty("received").GetInt32());
        Assert.Equal(1, warnings.GetProperty("acknowledged").GetInt32());
        var acknowledged = received.Single(w => w.GetProperty("warningId").GetString() == firstId);
        Assert.Equal(5.0 / 60, acknowledged.GetProperty("hoursToAcknowledge").GetDouble(), 2);
        Assert.Equal(5.0 / 60, warnings.GetProperty("medianHoursToAcknowledge").GetDouble(), 2);
        Assert.DoesNotContain(received, w => w.GetProperty("warningId").GetString() == second[0].GetProperty("id").GetString());
        Assert.Equal(["finding-I-G"], report.GetProperty("cases").GetProperty("openedIds").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal((1, 1), (report.GetProperty("visits").GetProperty("stays").GetInt32(), report.GetProperty("visits").GetProperty("stayDays").GetInt32()));
        var newLeader = await http.GetJsonAsync("/api/leaders/L-NEW/duty-report?year=2026");
        Assert.Contains(newLeader.GetProperty("warnings").GetProperty("items").EnumerateArray(), w => w.GetProperty("warningId").GetString() == second[0].GetProperty("id").GetString());
        Assert.DoesNotContain(newLeader.GetProperty("warnings").GetProperty("items").EnumerateArray(), w => w.GetProperty("warningId").GetString() == firstId);
        Assert.Equal(0, newLeader.GetProperty("cases").GetProperty("opened").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/leaders/L-GOLMUD/duty-report?year=2031")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/leaders/NOBODY/duty-report")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As(app, "L-NEW").GetAsync("/api/leaders/L-GOLMUD/duty-report?year=2026")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/leaders/L-GOLMUD")).StatusCode);
    }
}
