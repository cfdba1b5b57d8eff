using System.Net;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Risk;

/// <summary>
/// Decisions judged by what was known (measure 13), through the real host: live answers recorded at moments, then the
/// same reads as of those moments give the same answers; an officer's act carries the view it was taken on.
/// </summary>
public sealed class AsOfTests
{
    sealed record Moment(DateTimeOffset At, JsonElement Risk, JsonElement? Warning, JsonElement? Case);

    static string Query(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    /// <summary>A risk answer without what only an as-of answer carries.</summary>
    static string Answer(JsonElement risk) =>
        JsonSerializer.Serialize(risk.EnumerateObject().Where(p => p.Name != "seenThrough").ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task GivenLiveAnswersRecordedAtMoments_WhenTheSameReadsAreMadeAsOfThoseMoments_ThenTheyAnswerTheSame_AndActsKeepTheirView()
    {
        // The platform's time follows the wall clock's here (it is set to it at each moment), as it does in production:
        // the store stamps events with the wall clock, and an answer as of a moment is judged at that moment.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await FusionApp.StartAsync(time: time, settings: new() { ["Fusion:Warnings:TickEvery"] = "00:00:01" });
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi() with { Commissioners = [new("COMM-01", "Commissioner Guo", "GOLMUD")] })).EnsureSuccessStatusCode();
        var moments = new List<Moment>();
        string? warningId = null, caseId = null;

        async Task<Moment> RecordAsync()
        {
            await app.CaughtUpAsync();
            time.SetUtcNow(DateTimeOffset.UtcNow);
            var at = time.GetUtcNow();
            var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
            var warning = warningId is null ? (JsonElement?)null : (await http.GetJsonAsync($"/api/warnings/{warningId}")).GetProperty("warning");
            var @case = caseId is null ? (JsonElement?)null : (await http.GetJsonAsync($"/api/cases/{caseId}")).GetProperty("case");
            var moment = new Moment(at, risk, warning, @case);
            moments.Add(moment);
            await Task.Delay(50);   // the next events are stored strictly after this moment
            return moment;
        }

        var now = time.GetUtcNow();
        (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", now.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", now.AddHours(-3)) }))
            .EnsureSuccessStatusCode();
        var first = await RecordAsync();

        (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-3", "CAM-POTASH-1", now.AddHours(-1)) })).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
        {
            new { findingId = "I-1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Tailings seepage", severity = "high",
                  rectifyBy = "2026-12-31", recordedBy = "Inspector Li", recordedAt = now.AddHours(-2) },
        })).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();
        warningId = Assert.Single((await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).EnumerateArray()).GetProperty("id").GetString();
        caseId = "finding-I-1";
        var raised = await RecordAsync();

        // Acts taken on the view of the moment before.
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/warnings/{warningId}/acknowledge", new { note = "on my way", asOf = raised.At })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/cases/{caseId}/plan", new { plan = "Reline the pond", asOf = raised.At })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/cases/{caseId}/plan/accept", new { note = "ok" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/cases/{caseId}/completion", new { report = "Done" })).StatusCode);
        await RecordAsync();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/cases/{caseId}/verify", new { note = "Checked on site" })).StatusCode);
        var verified = await RecordAsync();

        foreach (var m in moments)
        {
            var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk?asOf={Query(m.At)}");
            Assert.Equal(Answer(m.Risk), Answer(risk));
            Assert.True(risk.GetProperty("seenThrough").GetInt64() > 0);
            if (m.Warning is { } warning)
                Assert.Equal(warning.GetRawText(), (await http.GetJsonAsync($"/api/warnings/{warningId}?asOf={Query(m.At)}")).GetProperty("warning").GetRawText());
            if (m.Case is { } @case)
                Assert.Equal(@case.GetRawText(), (await http.GetJsonAsync($"/api/cases/{caseId}?asOf={Query(m.At)}")).GetProperty("case").GetRawText());
        }
        // What was known then differs from what is known now: the verified finding no longer weighs, the warning did not exist yet.
        Assert.NotEqual(first.Risk.GetProperty("score").GetDouble(), raised.Risk.GetProperty("score").GetDouble());
        Assert.True(verified.Risk.GetProperty("score").GetDouble() < raised.Risk.GetProperty("score").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/warnings/{warningId}?asOf={Query(first.At)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/cases/{caseId}?asOf={Query(first.At)}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/enterprises/{Potash}/risk?asOf={Query(time.GetUtcNow().AddHours(1))}")).StatusCode);

        // Each act keeps the view it was taken on: a review reads the same evidence.
        var decision = Assert.Single((await http.GetJsonAsync($"/api/warnings/{warningId}")).GetProperty("decisions").EnumerateArray());
        Assert.Equal(raised.At, decision.GetProperty("view").GetProperty("asOf").GetDateTimeOffset());
        var seen = decision.GetProperty("view").GetProperty("seenThrough").GetInt64();
        Assert.Equal(raised.Risk.GetProperty("score").GetDouble(),
            (await http.GetJsonAsync($"/api/enterprises/{Potash}/risk?asOf={Query(decision.GetProperty("view").GetProperty("asOf").GetDateTimeOffset())}")).GetProperty("score").GetDouble());
        var history = (await http.GetJsonAsync($"/api/cases/{caseId}")).GetProperty("history").EnumerateArray().ToList();
        var plan = history.Single(h => h.GetProperty("event").GetString() == "rectification_plan_submitted");
        Assert.Equal((raised.At, seen), (plan.GetProperty("view").GetProperty("asOf").GetDateTimeOffset(), plan.GetProperty("view").GetProperty("seenThrough").GetInt64()));
        var verify = history.Single(h => h.GetProperty("event").GetString() == "rectification_verified");
        Assert.True(verify.GetProperty("view").GetProperty("seenThrough").GetInt64() > seen);
    }
}
