using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Marten;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// The shell around MonitoringGaps: holds the per-monitor state, observes data as it is stored, and on a
/// timer (the platform's clock) asks which monitors have gone silent, counting from their last data (a
/// monitor that never sent any is not yet watched). After a restart it restores when each
/// monitor last sent data from the store; gap ids come from that time, so a gap already recorded is not
/// recorded again.
/// </summary>
public sealed class MonitoringWatch(
    IDocumentStore store, MasterDataCache masterData, IngestWriter writer, PlatformClock clock, Hj212Options options, ILogger<MonitoringWatch> log)
    : BackgroundService
{
    readonly Lock gate = new();
    MonitorWatch state = MonitorWatch.Empty;

    public IReadOnlyList<IngestItem> Observe(IEnumerable<MonitoringDataReported> data)
    {
        var items = new List<IngestItem>();
        var catalog = masterData.Current;
        lock (gate)
            foreach (var e in data)
            {
                (state, var found) = MonitoringGaps.Observe(state, e, catalog, options.AllowedGap);
                items.AddRange(found);
            }
        return items;
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        IReadOnlyList<IngestItem> items;
        lock (gate) (state, items) = MonitoringGaps.Detect(state, masterData.Current, clock.Now, options.AllowedGap);
        await writer.WriteAsync(MonitoringGaps.GapFeed, items, "monitoring-watch", ct);
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        var lastSeen = await DeviceWatch.LastReceivedAsync(store, "monitor:", "monitoring_data_reported", ct);
        lock (gate)
            foreach (var (monitorId, at) in lastSeen)
                state = state with { Received = state.Received.Restore(monitorId, at, silent: false) };
        log.LogInformation("Monitoring watch restored {Count} monitors' last data", lastSeen.Count);
        await base.StartAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken ct) =>
        DeviceWatch.EveryAsync(options.CheckEvery, clock.Time, CheckAsync, log, "Monitoring-gap", ct);
}
