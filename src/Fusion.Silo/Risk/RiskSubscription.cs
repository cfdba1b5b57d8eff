using System.Collections.Immutable;
using System.Diagnostics;
using Fusion.Domain.Risk;
using Fusion.Silo.Parking;
using Fusion.Silo.Store;
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
/// the region grains; the live warning rules act on the same events in their scopes' warning grains. Each grain stages
/// what the page changes and answers its writes; the page's writes are stored in a few transactions that commit side by
/// side (each grain's writes whole in one of them), the grains are told, and only
/// then does Marten move the checkpoint, so every signal is applied at least once: a page delivered again after a
/// failure finds each grain's writes stored or not, and a grain ignores what it has already applied (see
/// <see cref="RiskGrain"/>). An event whose signal cannot be applied is parked (ParkingLot) and the rest of the page goes on.
/// </summary>
public sealed class RiskSubscription : SubscriptionBase
{
    public const string SubscriptionId = "live-risk";

    /// <summary>
    /// At most this many transactions store a page, side by side: one would leave the database's work on one core,
    /// one per grain costs a commit each (a hundred enterprises per page at 1,000 alarms/s).
    /// </summary>
    static readonly int Transactions = Math.Max(2, Environment.ProcessorCount);
    /// <summary>Grains per transaction before a page is spread over more than one.</summary>
    const int GrainsPerTransaction = 25;

    readonly IGrainFactory grains;
    readonly FusionMetrics metrics;
    readonly ParkingLot parking;
    readonly WarningRouter warnings;
    readonly ILogger<RiskSubscription> log;

    public RiskSubscription(IGrainFactory grains, FusionMetrics metrics, ParkingLot parking, WarningRouter warnings, ILogger<RiskSubscription> log)
    {
        this.grains = grains;
        this.metrics = metrics;
        this.parking = parking;
        this.warnings = warnings;
        this.log = log;
        Name = SubscriptionId;
        // A page costs a grain call per enterprise it touches and a few transactions, so when the subscription is behind a
        // larger page carries more signals per call and the cost per event falls; when it keeps up, a page holds only what
        // came since the last one and stays small.
        Options.BatchSize = 5000;
        // The next page is read only once this one is done, so it holds everything that arrived meanwhile (up to BatchSize).
        // Read ahead (the daemon's default), a subscription behind a steady stream is handed the stream's small slices one
        // after another, each costing its grain calls, and falls further behind: 200 alarms per page at 1,000 alarms/s
        // across 100 enterprises, where pages grown to the backlog keep up.
        Options.MaximumHopperSize = 1;
        // Device telemetry gives no signal, state change or observation (EventCatalog): not read at all.
        foreach (var type in EventCatalog.AllBut(EventCatalog.DeviceTelemetry)) IncludeType(type);
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        using var pageActivity = FusionTelemetry.StartPage(FusionTelemetry.Risk, "risk page", page.Events);
        // The store from the daemon's session (the subscription is built while the store is configured).
        var store = operations.DocumentStore;
        long LastOf(IReadOnlyList<IEvent> events) => ReferenceEquals(events, page.Events) ? page.SequenceCeiling : events[^1].Sequence;
        var staging = new PageStaging(this, store, ct);
        await parking.ApplyAsync(SubscriptionId, page.Events, events => staging.DeliverAsync(events, LastOf(events)), ct);
        try
        {
            await RevisionGuard.WriteAsync(() => StoreAsync(store, staging.Writes, staging.Warnings, ct), stale =>
            {
                // A grain staged on state older than the store's (a second activation of it stored meanwhile): nothing of the
                // page is stored yet in the transaction that found it; every grain reads the store again and the page is staged anew.
                log.LogWarning("Live risk stages the page {First}–{Last} again: {Reason}", page.SequenceFloor, page.SequenceCeiling, stale.Message);
                return staging.RestageAsync();
            });
        }
        catch (Exception e)
        {
            // The grains answer from the store again (some of the page's transactions may have been stored), so nothing waits
            // on a page that will not be confirmed. A grain that cannot be told reads the store when it next stages.
            try { await staging.DiscardAsync(); }
            catch (Exception discard) { log.LogWarning(discard, "Live risk could not tell every grain to drop the page {First}–{Last}", page.SequenceFloor, page.SequenceCeiling); }
            if (Outage.Is(e) || e is StaleStateException or OperationCanceledException) throw;
            // The store refused a write for what it holds (not an outage): the page is applied again part by part, each part
            // stored as it goes, so the parking lot finds the event whose writes cannot be stored and the rest go on.
            log.LogWarning(e, "Live risk applies the page {First}–{Last} part by part: its writes could not be stored", page.SequenceFloor, page.SequenceCeiling);
            var parts = new PageStaging(this, store, ct, storeEachPart: true);
            await parking.ApplyAsync(SubscriptionId, page.Events, events => parts.DeliverAsync(events, LastOf(events)), ct);
            metrics.SubscriptionProcessed(page.Events.Count, page.SequenceCeiling, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
            return NullChangeListener.Instance;
        }
        await staging.ConfirmAsync();
        metrics.SubscriptionProcessed(page.Events.Count, page.SequenceCeiling, page.Agent?.HighWaterMark ?? page.SequenceCeiling);
        return NullChangeListener.Instance;
    }

    /// <summary>
    /// The page's writes, the risk grains' and the warning grains', in a few transactions side by side, each grain's writes
    /// whole and in order in one of them. When one transaction finds a grain stale, those beside it may have been stored: their
    /// grains' revisions moved on, and staged anew from the store they store nothing twice (a grain ignores what it has already applied).
    /// </summary>
    static async Task StoreAsync(IDocumentStore store, List<RiskWrites> writes, List<WarningWrites> warnings, CancellationToken ct)
    {
        var byGrain = writes.GroupBy(w => w.Snapshot.Id).ToList();
        var byScope = warnings.GroupBy(w => w.Book.Id).ToList();
        if (byGrain.Count + byScope.Count == 0) return;
        var transactions = Math.Clamp((byGrain.Count + byScope.Count) / GrainsPerTransaction, 1, Transactions);
        await Task.WhenAll(Enumerable.Range(0, transactions).Select(t => RiskStore.StoreAsync(store,
            byGrain.Where((_, i) => i % transactions == t).SelectMany(g => g),
            byScope.Where((_, i) => (byGrain.Count + i) % transactions == t).SelectMany(g => g), ct)));
    }

    /// <summary>
    /// One page's staging: the writes of the parts of the page that went through, and once they are stored the word to
    /// the grains that staged them. A part that fails (the parking lot then halves it to find the event at fault) leaves
    /// grains staged with writes that are dropped, so the page starts staging again under a new id and the parts that
    /// went through are delivered again first. Stored part by part (<paramref name="storeEachPart"/>), each part that goes
    /// through is stored and confirmed at once, and a part that fails leaves only itself to drop.
    /// </summary>
    sealed class PageStaging(RiskSubscription subscription, IDocumentStore store, CancellationToken ct, bool storeEachPart = false)
    {
        readonly List<(IReadOnlyList<IEvent> Events, long LastSequence)> delivered = [];
        readonly HashSet<IPageStagingGrain> staged = [];
        Guid page = Guid.NewGuid();

        public List<RiskWrites> Writes { get; } = [];
        public List<WarningWrites> Warnings { get; } = [];

        public async Task DeliverAsync(IReadOnlyList<IEvent> events, long lastSequence)
        {
            try
            {
                await StageAsync(events, lastSequence);
                if (storeEachPart)
                {
                    await RevisionGuard.WriteAsync(() => StoreAsync(store, Writes, Warnings, ct), async _ =>
                    {
                        await DiscardAsync();
                        await StageAsync(events, lastSequence);
                    });
                    await ConfirmAsync();
                    Writes.Clear();
                    Warnings.Clear();
                    staged.Clear();
                    page = Guid.NewGuid();
                }
                else delivered.Add((events, lastSequence));
            }
            catch
            {
                if (storeEachPart) await DiscardAsync();
                else await RestageAsync();
                throw;
            }
        }

        /// <summary>Every grain staged so far drops its staging and reads the store; the parts delivered so far are staged again under a new page id.</summary>
        public async Task RestageAsync()
        {
            await DiscardAsync();
            foreach (var (before, last) in delivered) await StageAsync(before, last);
        }

        /// <summary>Every grain staged so far drops its staging and reads the store; nothing is staged under the new page id yet.</summary>
        public async Task DiscardAsync()
        {
            var dropped = page;
            page = Guid.NewGuid();
            Writes.Clear();
            Warnings.Clear();
            await Task.WhenAll(staged.Select(g => g.DiscardAsync(dropped).AsTask()));
        }

        async Task StageAsync(IReadOnlyList<IEvent> events, long lastSequence)
        {
            var (writes, warnings) = await subscription.StageAsync(events, lastSequence, page, staged);
            Writes.AddRange(writes);
            Warnings.AddRange(warnings);
        }

        public Task ConfirmAsync() => Task.WhenAll(staged.Select(g => g.CommittedAsync(page).AsTask()));
    }

    /// <summary>Stages the events' signals and then their enforcement changes on their grains; the live warning rules act on the same events.</summary>
    async Task<(List<RiskWrites> Risk, IEnumerable<WarningWrites> Warnings)> StageAsync(IReadOnlyList<IEvent> events, long lastSequence, Guid page,
        HashSet<IPageStagingGrain> staged)
    {
        var traces = new Dictionary<long, ActivityContext?>();
        var signals = new List<RiskSignal>();
        foreach (var e in events)
            if (RiskSignals.From(e.Data, e.Sequence) is { } signal)
            {
                signals.Add(signal);
                traces[e.Sequence] = FusionTelemetry.TraceOf(e);
            }
        var calls = new List<Task<RiskWrites?>>();
        foreach (var group in signals.GroupBy(s => s.EnterpriseId))
            if (group.Key is { } enterpriseId)
                Stage(enterpriseId, grains.GetGrain<IEnterpriseRiskGrain>(enterpriseId), group.ToList());
            else
                foreach (var region in group.GroupBy(s => s.RegionId))
                    Stage(region.Key, grains.GetGrain<IRegionRiskGrain>(region.Key), region.ToList());
        void Stage(string subject, IRiskStagingGrain grain, List<RiskSignal> part)
        {
            staged.Add(grain);
            calls.Add(ObserveAsync(subject, part, traces, b => grain.StageAsync(b, lastSequence, page)));
        }
        var observed = warnings.StageAsync(events, lastSequence, page, staged);
        var writes = (await Task.WhenAll(calls)).OfType<RiskWrites>().ToList();
        var warned = await observed;
        // After the page's signals, so a finding recorded and verified within one page is closed once it is held.
        var changes = events.Select(e => RiskStateChanges.From(e.Data, e.Sequence)).OfType<RiskStateChange>().ToList();
        writes.AddRange((await Task.WhenAll(changes.GroupBy(c => c.EnterpriseId).Select(g =>
        {
            var grain = grains.GetGrain<IEnterpriseRiskGrain>(g.Key);
            staged.Add(grain);
            return grain.StageChangesAsync(ImmutableArray.CreateRange(g).AsImmutable(), page).AsTask();
        }))).OfType<RiskWrites>());
        return (writes, warned);
    }

    /// <summary>The grain call continues the trace of the newest record it carries (Orleans propagates the activity into the grain).</summary>
    static async Task<RiskWrites?> ObserveAsync(string subject, List<RiskSignal> signals, Dictionary<long, ActivityContext?> traces,
        Func<Immutable<ImmutableArray<RiskSignal>>, ValueTask<RiskWrites?>> stage)
    {
        using var activity = FusionTelemetry.StartContinuing(FusionTelemetry.Risk, "risk observe", traces[signals[^1].Sequence]);
        activity?.SetTag("fusion.subject", subject);
        activity?.SetTag("fusion.signals", signals.Count);
        return await stage(ImmutableArray.CreateRange(signals).AsImmutable());
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
