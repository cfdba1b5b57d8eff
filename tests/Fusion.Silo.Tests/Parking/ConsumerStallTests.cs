using System.Globalization;
using System.Net;
using System.Text.Json;
using Fusion.Silo.Analytics;
using Fusion.Silo.Boards;
using Fusion.Silo.Tests.Hosting;
using JasperFx.Events.Projections;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Parking;

/// <summary>
/// Status, lag metrics and health tell the truth about a stuck or lagging consumer: one held on a lock in the database
/// lags (its lag in /metrics), then — once the platform's clock has passed Fusion:Consumers:StalledAfter without it
/// moving — is reported stalled and /health degraded; a required consumer that stops turns /health into 503.
/// Real host, real PostgreSQL; the platform's clock is the test's. Alone (no host of another test beside it): OpenTelemetry
/// listens to the platform's meter in every host of the process, so another host's consumers would be in this one's /metrics.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class ConsumerStallTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static JsonElement ConsumerOf(JsonElement health, string name) =>
        health.GetProperty("consumers").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    static async Task<JsonElement> HealthWhenAsync(HttpClient http, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var health = await (await http.GetAsync("/health")).JsonAsync();
            if (condition(health)) return health;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/health never met the condition: {health}");
            await Task.Delay(100);
        }
    }

    /// <summary>One gauge of one consumer in the Prometheus exposition.</summary>
    static double Gauge(string exposition, string metric, string consumer) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains($"consumer=\"{consumer}\""))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(double.NaN).ToList() is [var one] ? one : throw new InvalidOperationException(string.Join("\n", exposition.Split('\n').Where(l => l.Contains(metric))));

    [Fact]
    public async Task GivenAConsumerHeldOnALock_WhenEventsWaitLongerThanStalledAfter_ThenHealthIsDegradedNamingItStalled_AndItsLagIsInTheMetrics()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Consumers:StalledAfter"] = "00:01:00" });
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Haixi())).StatusCode);
        await app.CaughtUpAsync();

        // Another writer holds the boards' checkpoint row (as a board rebuild elsewhere would): the boards consumer waits on it.
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var hold = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("SELECT sequence FROM board.checkpoint WHERE name = 'board' FOR UPDATE", conn, hold))
            Assert.NotNull(await cmd.ExecuteScalarAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("STALL-1", "CAM-POTASH-1", T0.AddHours(-1)) })).StatusCode);

        // Behind, but not for long yet: lagging is not stalled.
        var lagging = await HealthWhenAsync(http, h => ConsumerOf(h, BoardSubscription.SubscriptionId).GetProperty("lag").GetInt64() > 0
            && h.GetProperty("consumers").EnumerateArray().Where(c => c.GetProperty("name").GetString() != BoardSubscription.SubscriptionId).All(c => c.GetProperty("lag").GetInt64() == 0));
        Assert.Equal("up", lagging.GetProperty("status").GetString());
        Assert.False(ConsumerOf(lagging, BoardSubscription.SubscriptionId).GetProperty("stalled").GetBoolean());
        Assert.True(Gauge(await http.GetStringAsync("/metrics"), "fusion_consumer_lag", BoardSubscription.SubscriptionId) > 0);

        app.Time.Advance(TimeSpan.FromSeconds(61));

        var stalled = await (await http.GetAsync("/health")).JsonAsync();
        Assert.Equal("degraded", stalled.GetProperty("status").GetString());
        var boards = ConsumerOf(stalled, BoardSubscription.SubscriptionId);
        Assert.True(boards.GetProperty("stalled").GetBoolean(), stalled.ToString());
        Assert.Equal("Running", boards.GetProperty("state").GetString());
        Assert.Contains($"consumer {BoardSubscription.SubscriptionId} is stalled {boards.GetProperty("lag").GetInt64()} event(s) behind", stalled.GetProperty("problem").GetString());
        Assert.True(Gauge(await http.GetStringAsync("/metrics"), "fusion_consumer_lag", BoardSubscription.SubscriptionId) > 0);

        // The other writer lets go: the consumer moves on, catches up, and health is up again.
        await hold.RollbackAsync();
        var caughtUp = await HealthWhenAsync(http, h => ConsumerOf(h, BoardSubscription.SubscriptionId).GetProperty("lag").GetInt64() == 0);
        Assert.Equal("up", caughtUp.GetProperty("status").GetString());
        Assert.Equal(0, Gauge(await http.GetStringAsync("/metrics"), "fusion_consumer_lag", BoardSubscription.SubscriptionId));
    }

    [Fact]
    public async Task GivenARequiredConsumerStopped_ThenHealthIs503DownNamingIt_AndTheRunningGaugeSaysSo_UntilItRunsAgain()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var daemon = app.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
        var shard = daemon.CurrentAgents().First(a => a.Name.Name == AnalyticsSubscription.SubscriptionId).Name;

        await daemon.StopAgentAsync(shard, new InvalidOperationException("stopped by the test"));

        var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = await response.JsonAsync();
        Assert.Equal("down", health.GetProperty("status").GetString());
        Assert.Contains($"consumer {AnalyticsSubscription.SubscriptionId} is ", health.GetProperty("problem").GetString());
        Assert.NotEqual("Running", ConsumerOf(health, AnalyticsSubscription.SubscriptionId).GetProperty("state").GetString());
        Assert.Equal(0, Gauge(await http.GetStringAsync("/metrics"), "fusion_consumer_running", AnalyticsSubscription.SubscriptionId));
        Assert.NotEqual("Running", (await http.GetJsonAsync("/api/analytics/status")).GetProperty("state").GetString());

        await daemon.StartAgentAsync(shard, CancellationToken.None);

        await app.HealthyAsync();
        Assert.Equal(1, Gauge(await http.GetStringAsync("/metrics"), "fusion_consumer_running", AnalyticsSubscription.SubscriptionId));
    }
}

[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;
