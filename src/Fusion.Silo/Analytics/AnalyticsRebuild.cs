using Fusion.Projections.Projection;
using Marten;

namespace Fusion.Silo.Analytics;

/// <summary>Runs one rebuild at a time in the background; its status is what the endpoint and the CLI show.</summary>
public sealed class AnalyticsRebuild(
    AnalyticsProjector projector, IDocumentStore store, AnalyticsOptions options, AnalyticsMetrics metrics, Parking.ParkingLot parking,
    ILogger<AnalyticsRebuild> log, IHostApplicationLifetime lifetime)
{
    Task? running;

    public RebuildStatus? Status => projector.Rebuild;

    /// <summary>False when one is already running.</summary>
    public bool TryStart()
    {
        lock (this)
        {
            if (running is { IsCompleted: false }) return false;
            running = Task.Run(RunAsync);
            return true;
        }
    }

    public Task Completion => running ?? Task.CompletedTask;

    async Task RunAsync()
    {
        try
        {
            var parked = new HashSet<long>();
            var status = await projector.RebuildAsync(new MartenAnalyticsSource(store, options.RebuildBatchSize), TargetAsync, TimeProvider.System, lifetime.ApplicationStopping,
                park: async (e, error) =>
                {
                    parked.Add(e.Sequence);
                    await parking.ParkAsync(AnalyticsSubscription.SubscriptionId, e.Sequence, e.StreamKey, e.EventType, error, lifetime.ApplicationStopping);
                },
                isOutage: Store.Outage.Is);
            await parking.ResolveRebuiltAsync(AnalyticsSubscription.SubscriptionId, status.LastSequence, parked, lifetime.ApplicationStopping);
            log.LogInformation("Analytics rebuilt: {Applied} events at {Rate} events/s into {File}", status.Applied, status.EventsPerSecond, status.File);
        }
        catch (Exception e)
        {
            log.LogError(e, "Analytics rebuild failed");
        }
    }

    /// <summary>The live file's checkpoint, or what Marten has already delivered to the analytics subscription, whichever is later.</summary>
    async Task<long> TargetAsync(CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var delivered = progress.Where(p => p.ShardName.StartsWith(AnalyticsSubscription.SubscriptionId, StringComparison.Ordinal))
            .Select(p => p.Sequence).DefaultIfEmpty(0).Max();
        var stats = await store.Advanced.FetchEventStoreStatistics(token: ct);
        metrics.StoreAt(stats.EventSequenceNumber);
        return Math.Max(projector.LastSequence, delivered);
    }
}
