using System.Net;
using System.Text;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Ingest;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Tests.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>The identities of HJ 212 frames are dropped once their resend window has passed, and duplicate detection stays exact.</summary>
public sealed class IngestKeyRetentionTests : IAsyncLifetime
{
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public async Task InitializeAsync()
    {
        // The test purges when it means to: the timer is set beyond the days the clock is moved on.
        app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Hj212:Port"] = "-1", ["Fusion:Ingest:ResendWindow"] = "30.00:00:00", ["Fusion:Ingest:PurgeEvery"] = "1000.00:00:00",
        });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    static StringContent Frame(DateTimeOffset dataTime) => new(Encoding.ASCII.GetString(
        Hj212Frames.Data(Hj212TcpTests.Mn, Hj212Frames.MinuteData, dataTime.AddSeconds(20), dataTime, [new Hj212Pollutant("w01018", Avg: 30), new Hj212Pollutant("w21003", Avg: 1.2)])),
        Encoding.ASCII, "text/plain");

    async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    Task<long> StoredDataAsync() => ScalarAsync("SELECT count(*) FROM fusion.mt_events WHERE type = 'monitoring_data_reported'");

    [Fact]
    public async Task GivenFramesOlderAndNewerThanTheResendWindow_WhenExpiredIdentitiesArePurged_ThenOnlyTheOldOnesGo_AndNeitherCanBeStoredTwice()
    {
        var old = T0.AddHours(-1);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/ingest/hj212", Frame(old))).StatusCode);
        app.Time.Advance(TimeSpan.FromDays(20));
        var recent = app.Time.GetUtcNow().AddHours(-1);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/ingest/hj212", Frame(recent))).StatusCode);
        var keys = await ScalarAsync("SELECT count(*) FROM fusion.ingest_keys WHERE key LIKE 'hj212:%'");
        Assert.Equal(2, keys);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM fusion.ingest_keys WHERE key LIKE 'master-data:%' AND expires_at IS NOT NULL"));

        app.Time.Advance(TimeSpan.FromDays(11));
        var purged = await app.Services.GetRequiredService<IngestKeyRetention>().PurgeAsync(CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM fusion.ingest_keys WHERE key LIKE 'hj212:%'"));
        Assert.True(await ScalarAsync("SELECT count(*) FROM fusion.ingest_keys WHERE key LIKE 'master-data:%'") > 0);
        var stored = await StoredDataAsync();

        var resentOld = await http.PostAsync("/api/ingest/hj212", Frame(old));
        Assert.Equal(HttpStatusCode.BadRequest, resentOld.StatusCode);
        Assert.Contains("older than the 30-day resend window", (await resentOld.JsonAsync()).GetProperty("detail").GetString());
        var resentRecent = await http.PostAsync("/api/ingest/hj212", Frame(recent));
        Assert.Equal(HttpStatusCode.OK, resentRecent.StatusCode);
        Assert.Equal(1, (await resentRecent.JsonAsync()).GetProperty("duplicates").GetInt32());
        Assert.Equal(stored, await StoredDataAsync());
    }
}
