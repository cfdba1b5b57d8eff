using System.Collections.Immutable;
using System.Diagnostics;
using Fusion.Domain.Risk;
using Fusion.Silo.Parking;
using Fusion.Silo.Telemetry;
using Fusion.Silo.Warnings;
using JasperFx.Events;
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
/// applied at least once; grains ignore what they have already applied. An event whose signal cannot
/// be applied is parked (ParkingLot) and the rest of the page goes on.
/// </summary>
public sealed class RiskSubscription : SubscriptionBase
{
    public const string SubscriptionId = "live-risk";

    readonly IGrainFactory grains;
    readonly FusionMetrics metrics;
    readonly ParkingLot parking;
    readonly WarningRouter warnings;

    public RiskSubscription(IGrainFactory grains, FusionMetrics metrics, ParkingLot parking, WarningRouter warnings)
    {
        this.grains = grains;
        this.metrics = metrics;
        this.parking = parking;
        this.warnings = warnings;
        Name = SubscriptionId;
        // Each page costs one grain call (one transaction) per enterprise it touches, so when the subscription is behind a
        // larger page carries more signals per call and the cost per event falls; when it keeps up, a page holds only what
        // came since the last one and stays small.
        Options.BatchSize = 5000;
        // The next page is read only once this one is done, so it holds everything that arrived meanwhile (up to BatchSize).
        // Read ahead (the daemon's default), a subscription behind a steady stream is handed the stream's small slices one
        // after another, each costing its grain calls, and falls further behind: 200 alarms per page at 1,000 alarms/s
        // across 100 enterprises, where pages grown to the backlog keep up.
        Options.MaximumHopperSize = 1;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        using var pageActivity = FusionTelemetry.StartPage(FusionTelemetry.Risk, "risk page", page.Events);
        await parking.ApplyAsync(SubscriptionId, page.Events,
            events => DeliverAsync(events, ReferenceEquals(events, page.Events) ? page.SequenceCeiling : events[^1].Sequence), ct);
        metrics.SubscriptionProcessed(page.Events.Count, page.SequenceCeiling, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
        return NullChangeListener.Instance;
    }

    async Task DeliverAsync(IReadOnlyList<IEvent> events, long lastSequence)
    {
        var traces = new Dictionary<long, ActivityContext?>();
        var signals = new List<RiskSignal>();
        foreach (var e in events)
            if (RiskSignals.From(e.Data, e.Sequence) is { } signal)
            {
                signals.Add(signal);
                traces[e.Sequence] = FusionTelemetry.TraceOf(e);
            }
        var calls = new List<Task>();
        foreach (var group in signals.GroupBy(s => s.EnterpriseId))
            calls.Add(group.Key is { } enterpriseId
                ? ObserveAsync(enterpriseId, group.ToList(), traces, b => grains.GetGrain<IEnterpriseRiskGrain>(enterpriseId).ObserveAsync(b, lastSequence))
                : Task.WhenAll(group.GroupBy(s => s.RegionId).Select(r =>
                    ObserveAsync(r.Key, r.ToList(), traces, b => grains.GetGrain<IRegionRiskGrain>(r.Key).ObserveAsync(b, lastSequence)))));
        // The live warning rules act on the same events in the same pass.
        calls.Add(warnings.ObserveAsync(events, lastSequence));
        await Task.WhenAll(calls);
        // After the page's signals, so a finding recorded and verified within one page is closed once it is held.
        var changes = events.Select(e => RiskStateChanges.From(e.Data, e.Sequence)).OfType<RiskStateChange>().ToList();
        await Task.WhenAll(changes.GroupBy(c => c.EnterpriseId).Select(g =>
            grains.GetGrain<IEnterpriseRiskGrain>(g.Key).ChangeAsync(ImmutableArray.CreateRange(g).AsImmutable()).AsTask()));
    }

    /// <summary>The grain call continues the trace of the newest record it carries (Orleans propagates the activity into the grain).</summary>
    static async Task ObserveAsync(string subject, List<RiskSignal> signals, Dictionary<long, ActivityContext?> traces,
        Func<Immutable<ImmutableArray<RiskSignal>>, ValueTask> observe)
    {
        using var activity = FusionTelemetry.StartContinuing(FusionTelemetry.Risk, "risk observe", traces[signals[^1].Sequence]);
        activity?.SetTag("fusion.subject", subject);
        activity?.SetTag("fusion.signals", signals.Count);
        await observe(ImmutableArray.CreateRange(signals).AsImmutable());
    }
}

/// <summary>Applies a parked risk event on retry: its signal (or state change) goes to its grain out of order.</summary>
public sealed class RiskParkingConsumer(IGrainFactory grains) : IParkingConsumer
{
    public string Name => RiskSubscription.SubscriptionId;

    public async Task RetryAsync(IEvent e, CancellationToken ct)
    {
        if (RiskSignals.From(e.Data, e.Sequence) is { } signal)
            await (signal.EnterpriseId is { } enterpriseId
                ? grains.GetGrain<IEnterpriseRiskGrain>(enterpriseId).ReadmitAsync(signal)
                : grains.GetGrain<IRegionRiskGrain>(signal.RegionId).ReadmitAsync(signal));
        if (RiskStateChanges.From(e.Data, e.Sequence) is { } change)
            await grains.GetGrain<IEnterpriseRiskGrain>(change.EnterpriseId).ChangeAsync(ImmutableArray.Create(change).AsImmutable());
    }
}
