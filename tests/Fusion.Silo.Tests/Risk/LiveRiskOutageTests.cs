using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Risk;

/// <summary>
/// A live-risk page that fails for a reason outside its events (its connection cut while it waits to store, as when the
/// store goes away; a grain call timing out, as while a killed silo is declared dead) is delivered again once the
/// subscription restarts from its checkpoint: its signals are held, nothing is parked and nothing is put among Marten's
/// dead letters. While a page waits, the region history records only what is stored. Real host, real PostgreSQL.
/// </summary>
public sealed class LiveRiskOutageTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static async Task AssertHeldAndNothingSkippedAsync(FusionApp app, string enterprise, params string[] signals)
    {
        var http = app.CreateClient();
        var risk = await http.GetJsonAsync($"/api/enterprises/{enterprise}/risk");
        Assert.Equal(signals, risk.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("signalId").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(0, await TestDatabase.ScalarAsync(app.ConnectionString, "SELECT count(*) FROM fusion.mt_doc_deadletterevent"));
        var health = await http.GetJsonAsync("/health");
        Assert.All(health.GetProperty("consumers").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("parked").GetInt32()));
    }

    [Fact]
    public async Task GivenAGrainCallTimingOut_WhenThePageFailsWithIt_ThenThePageIsDeliveredAgainAndHeld_NotDeadLettered()
    {
        var timeout = TimeSpan.FromSeconds(2);
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Cluster:ResponseTimeout"] = timeout.ToString() });
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await app.CaughtUpAsync();

        // Nobody may read the risk snapshots: the Soda Ash grain, activated by the next page, cannot load its state and the
        // page's call to it times out.
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using (var hold = await conn.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE fusion.mt_doc_risksnapshot IN ACCESS EXCLUSIVE MODE", conn, hold))
                await lockTable.ExecuteNonQueryAsync();
            await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("S-1", "CAM-SODA-1", T0.AddHours(-1)) });
            await using var observer = new NpgsqlConnection(app.ConnectionString);
            await observer.OpenAsync();
            // The grain's activation has waited longer than the call may: the page has failed.
            await TestDatabase.WaitingOnLockAsync(observer, "mt_doc_risksnapshot", timeout * 2);
            await hold.RollbackAsync();
        }
        await app.CaughtUpAsync();

        await AssertHeldAndNothingSkippedAsync(app, SodaAsh, "camera-alarm:S-1");
    }

    [Fact]
    public async Task GivenAPageWaitingToStore_WhenItsConnectionIsCut_ThenThePageIsDeliveredAgainAndHeld_NotDeadLettered_AndTheRegionsRecordOnlyWhatIsStored()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Risk:RegionAssessEvery"] = "01:00:00" });
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-3)) });
        await app.CaughtUpAsync();
        var assessor = app.Services.GetRequiredService<Fusion.Silo.Risk.RegionAssessor>();
        Assert.Equal(2, await assessor.AssessAsync(CancellationToken.None)); // the park and its city

        // Another writer holds the Potash grain's stored state: the next page is staged and waits to store.
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using (var hold = await conn.BeginTransactionAsync())
        {
            await using (var lockRow = new NpgsqlCommand($"SELECT id FROM fusion.mt_doc_risksnapshot WHERE id = 'enterprise:{Potash}' FOR UPDATE", conn, hold))
                Assert.NotNull(await lockRow.ExecuteScalarAsync());
            await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-1)) });
            await using var observer = new NpgsqlConnection(app.ConnectionString);
            await observer.OpenAsync();
            var blocked = await TestDatabase.WaitingOnLockAsync(observer, "mt_doc_risksnapshot");

            // The page is staged on the grain but not stored: the regions' scores have not moved in the store.
            Assert.Equal(0, await assessor.AssessAsync(CancellationToken.None));

            await using (var cut = new NpgsqlCommand($"SELECT pg_terminate_backend({blocked})", observer))
                await cut.ExecuteScalarAsync();
            await hold.RollbackAsync();
        }
        await app.CaughtUpAsync();

        await AssertHeldAndNothingSkippedAsync(app, Potash, "camera-alarm:A-1", "camera-alarm:A-2");
        // Stored now: the regions record the page's score.
        Assert.Equal(2, await assessor.AssessAsync(CancellationToken.None));
    }
}
