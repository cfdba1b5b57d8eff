using System.Collections.Immutable;
using Fusion.Domain.Risk;
using Fusion.Silo.Telemetry;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Orleans.Concurrency;
using Marten.Subscriptions;

namespace Fusion.Silo.Risk;

/// <summary>
/// Delivers risk signals from the event store to the enterprise grains, and region-level ones to
/// the region grains. Marten moves the
/// checkpoint only after this returns, and grains persist before they return, so every signal is
/// applied at least once; grains ignore what they have already applied.
/// </summary>
public sealed class RiskSubscription : SubscriptionBase
{
    public const string SubscriptionId = "live-risk";

    readonly IGrainFactory grains;
    readonly FusionMetrics metrics;

    public RiskSubscription(IGrainFactory grains, FusionMetrics metrics)
    {
        this.grains = grains;
        this.metrics = metrics;
        Name = SubscriptionId;
        Options.BatchSize = 1000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        var signals = page.Events
            .Select(e => RiskSignals.From(e.Data, e.Sequence))
            .OfType<RiskSignal>()
            .ToList();
        var calls = new List<Task>();
        foreach (var group in signals.GroupBy(s => s.EnterpriseId))
            calls.Add(group.Key is { } enterpriseId
                ? grains.GetGrain<IEnterpriseRiskGrain>(enterpriseId).ObserveAsync(ImmutableArray.CreateRange(group).AsImmutable(), page.SequenceCeiling).AsTask()
                : Task.WhenAll(group.GroupBy(s => s.RegionId).Select(r =>
                    grains.GetGrain<IRegionRiskGrain>(r.Key).ObserveAsync(ImmutableArray.CreateRange(r).AsImmutable(), page.SequenceCeiling).AsTask())));
        await Task.WhenAll(calls);
        // After the page's signals, so a finding recorded and verified within one page is closed once it is held.
        var changes = page.Events.Select(e => RiskStateChanges.From(e.Data, e.Sequence)).OfType<RiskStateChange>().ToList();
        await Task.WhenAll(changes.GroupBy(c => c.EnterpriseId).Select(g =>
            grains.GetGrain<IEnterpriseRiskGrain>(g.Key).ChangeAsync(ImmutableArray.CreateRange(g).AsImmutable()).AsTask()));
        metrics.SubscriptionProcessed(page.Events.Count, page.SequenceCeiling, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
        return NullChangeListener.Instance;
    }
}
