using System.Net;
using System.Text;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// PostgreSQL stopped under a running host and started again: requests that need it answer 503 with
/// Retry-After and problem details naming it, nothing is stored half-way, and the host resumes by itself.
/// </summary>
public sealed class DatabaseOutageTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>As a well-behaved sender does: on 503, waits (briefly here) and sends the same again.</summary>
    static async Task<HttpResponseMessage> PostUntilAcceptedAsync(HttpClient http, string url, object body)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var response = await http.PostJsonAsync(url, body);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return response;
            Assert.NotNull(response.Headers.RetryAfter);
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task GivenARunningHost_WhenPostgreSqlStopsAndStartsAgain_ThenRequestsGet503WithRetryAfterNothingIsHalfStoredAndAllResumes()
    {
        await using var pg = await PrivateCluster.StartAsync();
        await using var app = await FusionApp.StartAsync(pg.ConnectionString);
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Haixi())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("OUT-1", "CAM-POTASH-1", T0.AddHours(-2)) })).StatusCode);
        await app.CaughtUpAsync();
        var before = await app.EventCountAsync();

        await pg.StopAsync();

        object[] during = [Alarm("OUT-2", "CAM-POTASH-1", T0.AddHours(-1)), Alarm("OUT-3", "CAM-SODA-1", T0.AddMinutes(-30))];
        var refused = await http.PostJsonAsync("/api/ingest/camera-alarms", during);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        var problem = await refused.JsonAsync();
        Assert.Contains("PostgreSQL", problem.GetProperty("dependency").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());

        var notJson = await http.PostAsync("/api/ingest/camera-alarms", new StringContent("not json at all", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notJson.StatusCode);
        // Every read that needs the store: the quarantine, cases, warnings, the audit trail.
        foreach (var read in new[] { "/api/quarantine", "/api/cases", "/api/warnings", "/api/audit" })
        {
            var answer = await http.GetAsync(read);
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{read}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            Assert.NotNull(answer.Headers.RetryAfter);
            Assert.Contains("PostgreSQL", (await answer.JsonAsync()).GetProperty("dependency").GetString());
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);

        await pg.StartAgainAsync();

        var accepted = await PostUntilAcceptedAsync(http, "/api/ingest/camera-alarms", during);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(2, (await accepted.JsonAsync()).GetProperty("accepted").GetInt32());
        await app.HealthyAsync();
        await app.CaughtUpAsync();
        Assert.Equal(before + 2, await app.EventCountAsync());
        var quarantined = await http.GetJsonAsync("/api/quarantine");
        Assert.Empty(quarantined.EnumerateArray());
        var risk = await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/risk");
        Assert.True(risk.GetProperty("score").GetDouble() > 0, risk.ToString());
    }
}
