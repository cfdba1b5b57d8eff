using System.Diagnostics;
using Fusion.Projections.Projection;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Analytics;

/// <summary>
/// Feeds every stored event to the DuckDB analytics file. The file keeps its own checkpoint in the same
/// transaction as the rows and skips what it already has, so Marten's at-least-once delivery (a
/// redelivered page after a crash) still leaves each event there exactly once.
/// </summary>
public sealed class AnalyticsSubscription : SubscriptionBase
{
    public const string SubscriptionId = "analytics";

    readonly AnalyticsProjector projector;
    readonly AnalyticsMetrics metrics;

    public AnalyticsSubscription(AnalyticsProjector projector, AnalyticsMetrics metrics)
    {
        this.projector = projector;
        this.metrics = metrics;
        Name = SubscriptionId;
        Options.BatchSize = 5000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        using var activity = Telemetry.FusionTelemetry.StartPage(Telemetry.FusionTelemetry.Analytics, "analytics page", page.Events);
        var started = Stopwatch.GetTimestamp();
        var result = await projector.ApplyAsync(page.Events.Select(Analytics.ToAnalyticsEvent).ToList(), ct);
        metrics.Projected(result.Applied, Stopwatch.GetElapsedTime(started), projector.LastSequence, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
        return NullChangeListener.Instance;
    }
}
