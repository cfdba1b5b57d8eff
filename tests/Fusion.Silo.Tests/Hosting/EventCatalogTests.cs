using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Cameras;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;
using Fusion.Silo.Boards;
using Fusion.Silo.Risk;
using Fusion.Silo.Store;
using Marten;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Hosting;

public sealed class EventCatalogTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static MonitoringDataReported Minute(int minute) => new($"{minute}", "MN-1", "S-POTASH-OUT", Potash, "GOLMUD", DataPeriod.Minute, "32",
        [new PollutantReading("w01018", 950.0, null, 900, 990, 4.2, "N")], T0.AddMinutes(minute - 30), T0.AddMinutes(minute - 30).AddSeconds(5));

    static readonly object[] Telemetry =
    [
        Minute(1),
        new EquipmentStatusReported("status-1", "MN-1", "S-POTASH-OUT", Potash, "GOLMUD", [new EquipmentStatus("i12001", 4)], T0, T0),
        new CameraKeepaliveReceived("CAM-POTASH-1", "34020000001320000001", 7, "ERROR", T0),
    ];

    [Fact]
    public void GivenDeviceTelemetry_WhenTheLiveConsumersFoldIt_ThenItGivesNoSignalNoChangeNoObservationAndNoBoardRow()
    {
        // Given: a measurement far over the limit, an equipment alarm, a keepalive reporting an error (each event is its feed's worst case)
        Assert.Equal(EventCatalog.DeviceTelemetry, Telemetry.Select(t => t.GetType()));
        foreach (var e in Telemetry)
        {
            // When / Then: what the live-risk and board subscriptions would make of it
            Assert.Null(RiskSignals.From(e, 1));
            Assert.Null(RiskStateChanges.From(e, 1));
            Assert.Empty(Observation.From(e, 1, new BlacklistPolicy()));
            Assert.Empty(BoardFold.Fold(1, e));
        }
    }

    [Fact]
    public async Task GivenTheHost_WhenItStarts_ThenTheStoreKnowsTheCatalogsEventTypesAndNoOthers()
    {
        await using var app = await FusionApp.StartAsync();
        var known = app.Store.Options.Events.AllKnownEventTypes().Select(t => t.EventType)
            .Where(t => t.Namespace?.StartsWith("Fusion.", StringComparison.Ordinal) == true).ToHashSet();
        Assert.Empty(known.Except(EventCatalog.All).Select(t => t.Name));
        Assert.Empty(EventCatalog.All.Except(known).Select(t => t.Name));
        Assert.Equal(EventCatalog.All.Length, EventCatalog.All.Distinct().Count());
    }

    [Fact]
    public async Task GivenTelemetryAppendedAfterAnAlarm_WhenTheSubscriptionsCatchUp_ThenLiveRiskAndTheBoardsStandPastTheTelemetry()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();

        // Given: only telemetry after the alarm (pages the two subscriptions read hold none of it)
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.Append(Streams.Monitor("MN-1"), Enumerable.Range(2, 300).Select(m => (object)Minute(m)).ToArray());
            session.Events.Append(Streams.Camera("CAM-POTASH-1"), Telemetry[2]);
            await session.SaveChangesAsync();
        }
        long high;
        await using (var session = app.Store.QuerySession())
            high = await session.Events.QueryAllRawEvents().Select(e => e.Sequence).OrderByDescending(s => s).FirstAsync();

        // When
        await app.CaughtUpAsync();

        // Then: both checkpoints moved past the telemetry, and the risk they hold is the alarm's alone
        await using var db = new NpgsqlConnection(app.ConnectionString);
        await db.OpenAsync();
        foreach (var name in new[] { RiskSubscription.SubscriptionId, BoardSubscription.SubscriptionId })
        {
            await using var cmd = new NpgsqlCommand("SELECT last_seq_id FROM fusion.mt_event_progression WHERE name LIKE $1", db);
            cmd.Parameters.AddWithValue(name + ":%");
            Assert.True((long)(await cmd.ExecuteScalarAsync())! >= high, name);
        }
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Equal(["camera-alarm:A-1"], risk.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("signalId").GetString()));
        await using (var cmd = new NpgsqlCommand("SELECT sequence FROM board.checkpoint WHERE name = 'board'", db))
            Assert.True((long)(await cmd.ExecuteScalarAsync())! >= high);
    }
}
