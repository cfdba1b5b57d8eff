using System.Net;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Rectification;

public sealed class RectificationTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>Golmud's commissioner oversees its industrial park too (the park has none of its own).</summary>
    public static MasterDataDocument HaixiWithCommissioner() => Haixi() with { Commissioners = [new("K-GOLMUD", "Commissioner Ma", "GOLMUD")] };

    public static object Finding(string id, string enterprise, DateOnly rectifyBy, DateTimeOffset recordedAt, string severity = "high") =>
        new { findingId = id, enterpriseId = enterprise, siteId = enterprise == Potash ? "S-POTASH-TP" : "S-SODA-SLAG", violation = "Tailings seepage", severity,
              rectifyBy = rectifyBy.ToString("yyyy-MM-dd"), recordedBy = "Inspector Li", recordedAt };

    static DateOnly Day(DateTimeOffset t, int days) => DateOnly.FromDateTime(t.UtcDateTime).AddDays(days);

    [Fact]
    public async Task GivenAFinding_WhenItsCaseRunsToVerification_ThenEveryStepIsInItsHistoryAndTheFindingLeavesTheRiskScore()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner());
        await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("I-1", Potash, Day(T0, 10), T0.AddHours(-1)) });
        await app.CaughtUpAsync();

        var listed = (await http.GetJsonAsync($"/api/cases?enterprise={Potash}")).EnumerateArray().ToList();
        var opened = Assert.Single(listed);
        Assert.Equal("finding-I-1", opened.GetProperty("id").GetString());
        Assert.Equal("AwaitingPlan", opened.GetProperty("status").GetString());
        Assert.Equal(["K-GOLMUD"], opened.GetProperty("commissionerIds").EnumerateArray().Select(c => c.GetString()));
        Assert.Single((await http.GetJsonAsync("/api/cases?commissioner=K-GOLMUD&region=GOLMUD&status=AwaitingPlan")).EnumerateArray());
        Assert.Empty((await http.GetJsonAsync("/api/cases?region=DELINGHA")).EnumerateArray());

        const string url = "/api/cases/finding-I-1";
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync($"{url}/verify", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostJsonAsync($"{url}/plan", new { plan = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostJsonAsync("/api/cases/finding-NOPE/plan", new { plan = "x" })).StatusCode);
        await Ok(http.PostJsonAsync($"{url}/plan", new { plan = "Reline the pond" }));
        await Ok(http.PostJsonAsync($"{url}/plan/accept", new { }));
        await Ok(http.PostJsonAsync($"{url}/completion", new { report = "Pond relined, seepage wells dry" }));
        await app.CaughtUpAsync();
        // Reported complete is not rectified: the finding still weighs in the score.
        Assert.Contains("inspection:I-1", await SignalIdsAsync(http, Potash));

        var verified = await Ok(http.PostJsonAsync($"{url}/verify", new { note = "Checked on site" }));
        Assert.Equal("Verified", verified.GetProperty("status").GetString());
        await app.CaughtUpAsync();

        Assert.DoesNotContain("inspection:I-1", await SignalIdsAsync(http, Potash));
        var detail = await http.GetJsonAsync(url);
        Assert.Equal(
            ["RectificationCaseOpened", "RectificationPlanSubmitted", "RectificationPlanAccepted", "RectificationReportedComplete", "RectificationVerified"],
            detail.GetProperty("history").EnumerateArray().Select(h => ToPascal(h.GetProperty("event").GetString()!)));
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync($"{url}/plan", new { plan = "more" })).StatusCode);
    }

    [Fact]
    public async Task GivenACasePastItsDeadline_WhenNoEventArrivesAndTheHostRestarts_ThenItIsDeclaredOverdueAndEscalatedOnce()
    {
        var time = new FakeTimeProvider(T0);
        string connection;
        await using (var first = await FusionApp.StartAsync(time: time))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner());
            await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("I-2", Potash, Day(T0, 2), T0.AddHours(-1)) });
            await first.CaughtUpAsync();
            var open = await http.GetJsonAsync("/api/cases/finding-I-2");
            Assert.False(open.GetProperty("case").GetProperty("overdue").GetBoolean());
        }

        time.Advance(TimeSpan.FromDays(4));
        await using var second = await FusionApp.StartAsync(connection, time);
        var again = second.CreateClient();
        var overdue = await WaitForAsync(again, "/api/cases/finding-I-2", c => c.GetProperty("case").GetProperty("overdue").GetBoolean());
        Assert.Equal(["K-GOLMUD"], overdue.GetProperty("case").GetProperty("escalatedTo").EnumerateArray().Select(c => c.GetString()));
        // Later ticks find nothing more to declare.
        time.Advance(TimeSpan.FromMinutes(5));
        await second.CaughtUpAsync();
        var history = (await again.GetJsonAsync("/api/cases/finding-I-2")).GetProperty("history").EnumerateArray().Select(h => ToPascal(h.GetProperty("event").GetString()!)).ToList();
        Assert.Equal(["RectificationCaseOpened", "RectificationOverdue", "AccountabilityRecorded"], history);
        Assert.Single((await again.GetJsonAsync("/api/cases?overdue=true&commissioner=K-GOLMUD")).EnumerateArray());
        // An overdue case's deadline can no longer be extended.
        Assert.Equal(HttpStatusCode.Conflict, (await again.PostJsonAsync("/api/cases/finding-I-2/extend",
            new { deadline = Day(T0, 30).ToString("yyyy-MM-dd"), reason = "late" })).StatusCode);
    }

    static async Task<JsonElement> Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    static async Task<List<string?>> SignalIdsAsync(HttpClient http, string enterprise) =>
        (await http.GetJsonAsync($"/api/enterprises/{enterprise}/risk")).GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("signalId").GetString()).ToList();

    /// <summary>Marten names event types in snake case (rectification_case_opened).</summary>
    static string ToPascal(string snake) => string.Concat(snake.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    public static async Task<JsonElement> WaitForAsync(HttpClient http, string url, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var current = await http.GetJsonAsync(url);
            if (condition(current)) return current;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} never met the condition: {current}");
            await Task.Delay(100);
        }
    }
}
