using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Marten;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// The shell around MonitoringGaps: holds the per-monitor state, derives gaps and resumptions from each batch
/// of HJ 212 data (stored in the batch's own transaction), and on a timer (the platform's clock) asks which
/// monitors have gone silent, counting from their last data (a monitor that never sent any is not yet
/// watched). After a restart it restores when each monitor last sent data from the store; gap ids come from
/// that time, so a gap already recorded is not recorded again.
/// </summary>
public sealed class MonitoringWatch(
    IDocumentStore store, MasterDataCache masterData, IngestPipeline pipeline, PlatformClock clock, Hj212Options options, ILogger<MonitoringWatch> log, Cluster.ClusterDuty duty)
    : BackgroundService, IDerivesEvents
{
    readonly WatchState<MonitorWatch> watch = new(MonitorWatch.Empty);

    public Task<Derivation> DeriveAsync(IReadOnlyList<IngestItem> accepted, CancellationToken ct) =>
        watch.DeriveAsync(state =>
        {
            var items = new List<IngestItem>();
            var catalog = masterData.Current;
            foreach (var e in accepted.SelectMany(i => i.Events).OfType<MonitoringDataReported>())
            {
                (state, var found) = MonitoringGaps.Observe(state, e, catalog, options.AllowedGap);
                items.AddRange(found);
            }
            return (state, items);
        }, ct);

    public async Task CheckAsync(CancellationToken ct)
    {
        using var lease = await watch.EnterAsync(ct);
        var (next, items) = MonitoringGaps.Detect(lease.State, masterData.Current, clock.Now, options.AllowedGap);
        await pipeline.WriteAsync(MonitoringGaps.GapFeed, items, "monitoring-watch", ct);
        lease.Commit(next);
    }

    /// <summary>
    /// In a cluster the other silos take HJ 212 data too: before judging silence, the duty holder learns from the store
    /// when each monitor's last data was stored, and records those back from a silence it reported.
    /// </summary>
    public async Task LearnAsync(CancellationToken ct)
    {
        var lastSeen = await DeviceWatch.LastReceivedAsync(store, "monitor:", "monitoring_data_reported", ct);
        using var lease = await watch.EnterAsync(ct);
        var (state, catalog, items) = (lease.State, masterData.Current, new List<IngestItem>());
        foreach (var (monitorId, at) in lastSeen)
        {
            (state, var item) = MonitoringGaps.Heard(state, monitorId, at, catalog);
            if (item is not null) items.Add(item);
        }
        await pipeline.WriteAsync(MonitoringGaps.ResumedFeed, items, "monitoring-watch", ct);
        lease.Commit(state);
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        var lastSeen = await DeviceWatch.LastReceivedAsync(store, "monitor:", "monitoring_data_reported", ct);
        using (var lease = await watch.EnterAsync(ct))
        {
            var state = lease.State;
            foreach (var (monitorId, at) in lastSeen)
                state = state with { Received = state.Received.Restore(monitorId, at, silent: false) };
            lease.Commit(state);
        }
        log.LogInformation("Monitoring watch restored {Count} monitors' last data", lastSeen.Count);
        await base.StartAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken ct) =>
        DeviceWatch.EveryAsync(options.CheckEvery, clock.Time, async c =>
        {
            if (duty.Clustered) await LearnAsync(c);
            await CheckAsync(c);
        }, log, "Monitoring-gap", ct, duty);
}
