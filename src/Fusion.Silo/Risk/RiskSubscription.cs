using System.Collections.Immutable;
using Fusion.Domain.Risk;
using Fusion.Silo.MasterData;
using Fusion.Silo.Telemetry;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Risk;

/// <summary>
/// Delivers risk signals from the event store to the enterprise and region grains. Marten moves the
/// checkpoint only after this returns, and grains persist before they return, so every signal is
/// applied at least once; grains ignore what they have already applied.
/// </summary>
public sealed class RiskSubscription : SubscriptionBase
{
    public const string SubscriptionId = "live-risk";

    readonly IGrainFactory grains;
    readonly MasterDataCache masterData;
    readonly FusionMetrics metrics;

    public RiskSubscription(IGrainFactory grains, MasterDataCache masterData, FusionMetrics metrics)
    {
        this.grains = grains;
        this.masterData = masterData;
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
        var catalog = masterData.Current;
        var calls = new List<Task>();
        foreach (var group in signals.Where(s => s.EnterpriseId is not null).GroupBy(s => s.EnterpriseId!))
            calls.Add(grains.GetGrain<IEnterpriseRiskGrain>(group.Key).ObserveAsync([.. group], page.SequenceCeiling).AsTask());
        // A park's signals also count for the county or city it lies in.
        var byRegion = signals
            .SelectMany(s => catalog.Regions.TryGetValue(s.RegionId, out var r) && r.ParentRegionId is { } parent
                ? new[] { (Region: s.RegionId, Signal: s), (Region: parent, Signal: s) }
                : [(Region: s.RegionId, Signal: s)])
            .GroupBy(x => x.Region, x => x.Signal);
        foreach (var group in byRegion)
            calls.Add(grains.GetGrain<IRegionRiskGrain>(group.Key).ObserveAsync([.. group], page.SequenceCeiling).AsTask());
        await Task.WhenAll(calls);
        metrics.SubscriptionProcessed(page.Events.Count, page.SequenceCeiling, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
        return NullChangeListener.Instance;
    }
}
