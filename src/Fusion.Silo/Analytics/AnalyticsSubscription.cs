using System.Diagnostics;
using Fusion.Projections.Projection;
using Fusion.Silo.Parking;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Analytics;

/// <summary>
/// Feeds every stored event to the DuckDB analytics file. The file keeps its own checkpoint in the same
/// transaction as the rows and skips what it already has, so Marten's at-least-once delivery (a
/// redelivered page after a crash) still leaves each event there exactly once. An event the fold or the
/// file cannot take (a value beyond a column's range, say) is parked and the rest go on.
/// </summary>
public sealed class AnalyticsSubscription : SubscriptionBase
{
    public const string SubscriptionId = "analytics";

    readonly AnalyticsProjector projector;
    readonly AnalyticsMetrics metrics;
    readonly ParkingLot parking;

    public AnalyticsSubscription(AnalyticsProjector projector, AnalyticsMetrics metrics, ParkingLot parking)
    {
        this.projector = projector;
        this.metrics = metrics;
        this.parking = parking;
        Name = SubscriptionId;
        Options.BatchSize = 5000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        using var activity = Telemetry.FusionTelemetry.StartPage(Telemetry.FusionTelemetry.Analytics, "analytics page", page.Events);
        var started = Stopwatch.GetTimestamp();
        var applied = 0;
        await parking.ApplyAsync(SubscriptionId, page.Events, async events =>
            applied += (await projector.ApplyAsync(events.Select(AnalyticsSetup.ToAnalyticsEvent).ToList(), ct)).Applied, ct);
        if (page.Events.Count > 0 && projector.LastSequence < page.Events[^1].Sequence)
            await projector.SkipAsync(AnalyticsSetup.ToAnalyticsEvent(page.Events[^1]), ct);
        metrics.Projected(applied, Stopwatch.GetElapsedTime(started), projector.LastSequence, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
        return NullChangeListener.Instance;
    }
}

/// <summary>Applies a parked event to the analytics file on retry, out of its order.</summary>
public sealed class AnalyticsParkingConsumer(AnalyticsProjector projector) : IParkingConsumer
{
    public string Name => AnalyticsSubscription.SubscriptionId;

    public Task RetryAsync(IEvent e, CancellationToken ct) => projector.ApplyOutOfOrderAsync(AnalyticsSetup.ToAnalyticsEvent(e), ct);
}
