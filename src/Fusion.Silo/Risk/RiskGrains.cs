using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using Marten;
using Orleans.Concurrency;

namespace Fusion.Silo.Risk;

// Signals are immutable records: Immutable<T> spares Orleans a deep copy of every list on every call.

/// <summary>
/// A grain that stages what a page of the live-risk pass changes and answers its writes, which the pass stores with the
/// page's other writes (the risk grains, the warning grains); then it is told whether they were stored.
/// </summary>
public interface IPageStagingGrain : IGrainWithStringKey
{
    /// <summary>The page staged here is stored: what it staged is now what this grain answers from. Taken even while an update outside a page waits for it.</summary>
    [AlwaysInterleave]
    ValueTask CommittedAsync(Guid page);
    /// <summary>
    /// The page staged here will not be stored as staged (part of it failed): the grain answers from the store again. Taken
    /// even while an update outside a page waits for the page, which then goes on.
    /// </summary>
    [AlwaysInterleave]
    ValueTask DiscardAsync(Guid page);
}

/// <summary>What the live-risk pass asks of an enterprise's or a region's grain for a page (see <see cref="RiskGrain"/>).</summary>
public interface IRiskStagingGrain : IPageStagingGrain
{
    /// <summary>Applies a page's signals in memory and answers what to store for them with the page (see <see cref="RiskGrain"/>).</summary>
    ValueTask<RiskWrites?> StageAsync(Immutable<ImmutableArray<RiskSignal>> signals, long lastSequence, Guid page);
}

/// <summary>One per enterprise: the signals about it and its live score.</summary>
public interface IEnterpriseRiskGrain : IRiskStagingGrain
{
    /// <summary>A parked signal, applied on retry out of its order.</summary>
    ValueTask ReadmitAsync(RiskSignal signal);
    /// <summary>The live score with its explanation. Immutable: a score answered to a caller on the same silo is not deep-copied (it is a record of records).</summary>
    ValueTask<Immutable<RiskScore>> GetAsync();
    /// <summary>The live score and level without the explanation (no contributions): what a region needs of most of its enterprises.</summary>
    ValueTask<Immutable<RiskScore>> GetSummaryAsync();
    ValueTask<Immutable<ImmutableList<RiskSignal>>> GetSignalsAsync();
    /// <summary>
    /// The score of the state stored (a page staged here and not yet stored left out), with its explanation or without: what a
    /// record of the score that nothing may undo is made from (a page staged on a silo that dies is staged again elsewhere).
    /// </summary>
    ValueTask<Immutable<RiskScore>> GetStoredAsync(bool explain);

    /// <summary>Forgets what it held: the model changed and the events are replayed from the start (RiskModelChange).</summary>
    ValueTask ResetAsync();

    /// <summary>Enforcement changes (a finding verified rectified, a blacklisting), in sequence order, after the signals of the same page: staged with it.</summary>
    ValueTask<RiskWrites?> StageChangesAsync(Immutable<ImmutableArray<RiskStateChange>> changes, Guid page);

    /// <summary>A parked enforcement change, applied on retry out of its order and stored at once.</summary>
    ValueTask ChangeAsync(Immutable<ImmutableArray<RiskStateChange>> changes);
}

/// <summary>
/// One per region: the region-level signals that no enterprise can be blamed for (an unattributed
/// drone finding, an anonymous report about an area). A region's score is composed on read from
/// these and its enterprises' signals (RegionRisk), so no grain holds a whole region's history.
/// </summary>
public interface IRegionRiskGrain : IRiskStagingGrain
{
    /// <summary>A parked signal, applied on retry out of its order.</summary>
    ValueTask ReadmitAsync(RiskSignal signal);
    ValueTask<Immutable<ImmutableList<RiskSignal>>> GetSignalsAsync();
    /// <summary>The signals of the state stored (a page staged here and not yet stored left out): see <see cref="IEnterpriseRiskGrain.GetStoredAsync"/>.</summary>
    ValueTask<Immutable<ImmutableList<RiskSignal>>> GetStoredSignalsAsync();

    /// <summary>Forgets what it held: the model changed and the events are replayed from the start (RiskModelChange).</summary>
    ValueTask ResetAsync();
}

/// <summary>
/// A risk grain's persisted state: the last event sequence applied, the blacklisting and the last score. The signals
/// it holds are stored one document each (<see cref="HeldSignal"/>), so an update writes the signals it added and
/// removed, not every signal held; a snapshot stored before that (its signals inside State) is still read. Revision
/// counts the updates stored: an update is stored only over the revision it was made from (<see cref="RiskStore"/>).
/// </summary>
[GenerateSerializer]
public sealed class RiskSnapshot
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public RiskState State { get; set; } = RiskState.Empty("");
    [Id(2)] public double LastScore { get; set; }
    [Id(3)] public RiskLevel LastLevel { get; set; }
    [Id(4)] public long Revision { get; set; }
}

/// <summary>One signal a risk grain holds (Subject: its snapshot's id).</summary>
[GenerateSerializer]
public sealed class HeldSignal
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Subject { get; set; } = "";
    [Id(2)] public RiskSignal Signal { get; set; } = null!;

    public static string IdOf(string subject, string signalId) => $"{subject}/{signalId}";

    /// <summary>The signals one transaction adds and lets go, over all the grains' writes in it, with their duplicated Subject.</summary>
    public static OwnedDocuments<HeldSignal> Batch(IDocumentStore store) => new(store, "subject", h => h.Id, h => h.Subject);
}

/// <summary>
/// What one grain's update stores: its snapshot, the signals it now holds that it did not, the ids of those it let go and,
/// for an enterprise, the RiskAssessed event; Based: the stored revision the update was made from. The live-risk pass
/// stores a page's writes of many grains in one transaction (or a few side by side); an update outside a page stores its own.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RiskWrites(
    [property: Id(0)] RiskSnapshot Snapshot, [property: Id(1)] ImmutableArray<HeldSignal> Added, [property: Id(2)] ImmutableArray<string> Removed,
    [property: Id(3)] string Stream, [property: Id(4)] RiskAssessed? Assessed, [property: Id(6)] long Based)
{
    /// <summary>
    /// The snapshot and the event into <paramref name="bulk"/>, the signals added and let go into <paramref name="signals"/>: each
    /// stores those of a whole transaction at once (<see cref="BulkWrites"/>, <see cref="OwnedDocuments{T}"/>).
    /// </summary>
    public void ApplyTo(BulkWrites bulk, OwnedDocuments<HeldSignal> signals)
    {
        bulk.Store(Snapshot.Id, Snapshot);
        signals.Apply(Added, Removed);
        if (Assessed is not null) bulk.Append(Stream, Assessed);
    }
}

/// <summary>
/// The shell around the pure risk model: holds the state and folds signals with RiskState.Apply. The live-risk pass
/// stages each page here: the grain applies the page's signals to a staged copy and answers the writes (snapshot,
/// signals added and removed, for an enterprise a RiskAssessed event); the pass stores the page's writes of many grains
/// in a few transactions, then tells the grain, which from then on holds the staged state as stored, and only then
/// moves its checkpoint. A grain that stages a new page while an earlier one was never confirmed (a store failed, or
/// the pass's silo died after storing) first reads its state back from the store, which alone knows whether that
/// page's writes were stored. Updates outside a page (a parked signal or change retried) are stored at once in a
/// transaction of their own.
/// </summary>
public abstract class RiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics) : Grain
{
    protected RiskSnapshot Snapshot { get; private set; } = new();
    protected RiskModel Model => model;
    protected PlatformClock Clock => clock;
    protected string SubjectId => this.GetPrimaryKeyString();
    protected abstract RiskSubject Subject { get; }
    string SnapshotId => $"{Subject.ToString().ToLowerInvariant()}:{SubjectId}";
    /// <summary>Loaded from a snapshot that held its signals inside: the next update stores each of them on its own.</summary>
    bool signalsInsideSnapshot;

    /// <summary>How long an update outside a page waits for a page staged here to be stored before reading the state back.</summary>
    static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(30);
    /// <summary>The page being staged here and the state it has come to.</summary>
    readonly StagedPage stagedPage = new(SettleWithin);
    RiskSnapshot staged = new();
    bool stagedInside;

    public override Task OnActivateAsync(CancellationToken ct) => LoadAsync(ct);

    async Task LoadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var snapshot = await session.LoadAsync<RiskSnapshot>(SnapshotId, ct);
        if (snapshot is null)
        {
            Snapshot = new RiskSnapshot { Id = SnapshotId, State = RiskState.Empty(SubjectId) };
            signalsInsideSnapshot = false;
            return;
        }
        var held = await session.Query<HeldSignal>().Where(h => h.Subject == SnapshotId).ToListAsync(ct);
        signalsInsideSnapshot = !snapshot.State.Signals.IsEmpty;
        var empty = snapshot.State with { Signals = [] };
        var signals = Shared(snapshot.State.Signals.AddRange(held.Select(h => h.Signal).OrderBy(s => s.Sequence)), empty);
        Snapshot = new RiskSnapshot
        {
            Id = SnapshotId, State = empty with { Signals = [.. signals] }, LastScore = snapshot.LastScore, LastLevel = snapshot.LastLevel,
            Revision = snapshot.Revision,
        };
    }

    public async ValueTask<RiskWrites?> StageAsync(Immutable<ImmutableArray<RiskSignal>> batch, long lastSequence, Guid page)
    {
        await StageOnAsync(page);
        var before = staged.State;
        var index = HeldIndex.Of(before, model, ref held);
        var signals = Shared(batch.Value, before, index?.Sites);
        var applied = before.Apply(signals, lastSequence, index?.Ids);
        if (applied.Signals == before.Signals) return null;
        var now = clock.Now;
        // Apply appends what it adds.
        var added = applied.Signals.GetRange(before.Signals.Count, applied.Signals.Count - before.Signals.Count);
        var pruned = index is null || now >= Min(index.NoneFadesBefore, RiskState.NoneFadesBefore(added, model));
        var after = pruned ? applied.Prune(model, now) : applied;
        // When nothing faded the difference is known without comparing every signal held.
        var writes = Stage(after, signals[^1].RegionId, after == applied && !stagedInside ? added : null);
        index?.Advance(after, added, pruned ? now : null, after.Signals.Count != applied.Signals.Count, model);
        return writes;
    }

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Kept while this grain holds many signals: see <see cref="HeldIndex"/>.</summary>
    HeldIndex? held;

    /// <summary>
    /// What staging a page onto a grain that holds many signals would otherwise gather from every one of them on every page:
    /// the ids held (a signal delivered again is known), one instance of each site id (Shared), and a time before which none of
    /// them fades (Prune would let none go). Kept for one state, carried to the state a page stages from it; any other state
    /// (read back from the store, changed by enforcement, a page dropped) is indexed anew. A grain holding fewer signals than
    /// <see cref="IndexFrom"/> keeps none: gathering them is cheap, and an active grain's memory counts.
    /// </summary>
    sealed class HeldIndex
    {
        const int IndexFrom = 64;

        RiskState state = null!;
        public HashSet<string> Ids { get; private set; } = null!;
        public Dictionary<string, string> Sites { get; private init; } = null!;
        public DateTimeOffset NoneFadesBefore { get; private set; }

        /// <summary>The index of <paramref name="state"/>: the one kept when it is for this state, else a new one (none for few signals).</summary>
        public static HeldIndex? Of(RiskState state, RiskModel model, ref HeldIndex? kept)
        {
            if (state.Signals.Count < IndexFrom) return kept = null;
            if (kept is not null && ReferenceEquals(kept.state, state)) return kept;
            kept = new HeldIndex { state = state, Ids = state.Signals.Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal), Sites = SitesOf(state) };
            // Signals already faded count, so the first page staged on it prunes.
            kept.NoneFadesBefore = RiskState.NoneFadesBefore(state.Signals, model);
            return kept;
        }

        /// <summary>
        /// The state staged from this one: <paramref name="added"/> applied, and pruned at <paramref name="prunedAt"/> when it was
        /// (<paramref name="letGo"/>: the prune let signals go).
        /// </summary>
        public void Advance(RiskState next, IEnumerable<RiskSignal> added, DateTimeOffset? prunedAt, bool letGo, RiskModel model)
        {
            state = next;
            if (letGo) Ids = next.Signals.Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal);
            else foreach (var s in added) Ids.Add(s.SignalId);
            NoneFadesBefore = prunedAt is { } at
                ? RiskState.NoneFadesBefore(next.Signals, model, at)
                : Min(NoneFadesBefore, RiskState.NoneFadesBefore(added, model));
        }
    }

    protected async Task<RiskState> StagedStateAsync(Guid page)
    {
        await StageOnAsync(page);
        return staged.State;
    }

    /// <summary>Stages onto the page's state: the one staged so far in this page, else the stored one.</summary>
    async Task StageOnAsync(Guid page)
    {
        if (!await stagedPage.StartAsync(page, () => LoadAsync(CancellationToken.None))) return;
        staged = Snapshot;
        stagedInside = signalsInsideSnapshot;
    }

    protected RiskWrites Stage(RiskState after, string regionId, IReadOnlyList<RiskSignal>? added = null)
    {
        var (next, writes) = Writes(staged, stagedInside, after, regionId, clock.Now, added);
        staged = next;
        stagedInside = false;
        return writes;
    }

    public ValueTask CommittedAsync(Guid page)
    {
        if (stagedPage.Committed(page))
        {
            Snapshot = staged;
            signalsInsideSnapshot = stagedInside;
            metrics.RiskUpdated(Subject.ToString());
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>An update outside a page waits until the page staged here is stored, or reads the state back (<see cref="StagedPage.SettledAsync"/>).</summary>
    protected Task SettledAsync() => stagedPage.SettledAsync(() => LoadAsync(CancellationToken.None));

    public async ValueTask DiscardAsync(Guid page) => await stagedPage.DiscardAsync(page, () => LoadAsync(CancellationToken.None));

    public async ValueTask ReadmitAsync(RiskSignal signal)
    {
        await SettledAsync();
        await PersistAsync(state => state.Readmit(Shared([signal], state)[0]) is var after && after.Signals != state.Signals ? after.Prune(model, clock.Now) : null, signal.RegionId);
    }

    /// <summary>
    /// The signals as this grain holds them: their strings that repeat across a grain's signals are one instance each. A
    /// signal arrives with strings of its own (deserialized from its event, or from the store after a restart), and most of
    /// an active grain's memory besides Orleans' own is its signals. The enterprise id is the state's subject id, a site
    /// id the one an earlier signal of the same site holds; feeds, region ids and aerial platforms are few across the
    /// platform and are interned. The values, and so every score, explanation and write, stay the same.
    /// </summary>
    /// <paramref name="sites"/>: one instance of each site id held, when the grain keeps them (new ones are added to it).
    static ImmutableArray<RiskSignal> Shared(IReadOnlyList<RiskSignal> signals, RiskState held, Dictionary<string, string>? sites = null)
    {
        var shared = ImmutableArray.CreateBuilder<RiskSignal>(signals.Count);
        foreach (var s in signals)
        {
            string? site = null;
            if (s.SiteId is not null)
            {
                sites ??= SitesOf(held);
                if (!sites.TryGetValue(s.SiteId, out site)) sites[s.SiteId] = site = s.SiteId;
            }
            var enterprise = s.EnterpriseId == held.SubjectId ? held.SubjectId : s.EnterpriseId;
            var feed = string.Intern(s.Feed);
            var region = string.Intern(s.RegionId);
            var source = s.Source is null ? null : string.Intern(s.Source);
            shared.Add(ReferenceEquals(site, s.SiteId) && ReferenceEquals(enterprise, s.EnterpriseId) && ReferenceEquals(feed, s.Feed)
                && ReferenceEquals(region, s.RegionId) && ReferenceEquals(source, s.Source)
                ? s
                : s with { SiteId = site, EnterpriseId = enterprise, Feed = feed, RegionId = region, Source = source });
        }
        return shared.MoveToImmutable();
    }

    /// <summary>One instance of each site id the state's signals hold: the one its first signal of the site holds.</summary>
    static Dictionary<string, string> SitesOf(RiskState state) =>
        state.Signals.Where(h => h.SiteId is not null).DistinctBy(h => h.SiteId).ToDictionary(h => h.SiteId!, h => h.SiteId!, StringComparer.Ordinal);

    /// <summary>
    /// Stores an update outside a page at once (<paramref name="update"/>: the state after it, null when it changes nothing). When
    /// the stored state moved on without this grain (another activation of it stored an update), it reads the store and updates that.
    /// </summary>
    protected Task PersistAsync(Func<RiskState, RiskState?> update, string regionId) =>
        RevisionGuard.WriteAsync(async () =>
        {
            if (update(Snapshot.State) is not { } after) return;
            var (next, writes) = Writes(Snapshot, signalsInsideSnapshot, after, regionId, clock.Now);
            await RiskStore.StoreAsync(store, [writes], CancellationToken.None);
            Snapshot = next;
            signalsInsideSnapshot = false;
            metrics.RiskUpdated(Subject.ToString());
        }, _ => LoadAsync(CancellationToken.None));

    /// <summary>The state after an update and what storing it takes: the snapshot, the signals added and removed since <paramref name="from"/>, the RiskAssessed event.</summary>
    /// <paramref name="known"/>: the signals added when the caller knows them and none were let go.
    (RiskSnapshot Next, RiskWrites Writes) Writes(RiskSnapshot from, bool inside, RiskState after, string regionId, DateTimeOffset now,
        IReadOnlyList<RiskSignal>? known = null)
    {
        var (score, main) = RiskScoring.Summarize(SubjectId, Subject, after.Signals, after.Blacklisted, model, now);
        var next = new RiskSnapshot { Id = SnapshotId, State = after, LastScore = score.Score, LastLevel = score.Level, Revision = from.Revision + 1 };
        var added = ImmutableArray.CreateBuilder<HeldSignal>();
        var removed = ImmutableArray<string>.Empty;
        HeldSignal Held(RiskSignal s) => new() { Id = HeldSignal.IdOf(SnapshotId, s.SignalId), Subject = SnapshotId, Signal = s };
        if (known is not null) added.AddRange(known.Select(Held));
        else
        {
            HashSet<string> before = inside ? [] : from.State.Signals.Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal);
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in after.Signals)
            {
                kept.Add(s.SignalId);
                if (!before.Contains(s.SignalId)) added.Add(Held(s));
            }
            removed = before.Where(id => !kept.Contains(id)).Select(id => HeldSignal.IdOf(SnapshotId, id)).ToImmutableArray();
        }
        RiskAssessed? assessed = null;
        if (Subject == RiskSubject.Enterprise)
            assessed = new RiskAssessed(SubjectId, Subject, regionId, score.Score, score.Level, model.Version, after.Signals.Count, after.LastSequence,
                main?.Kind, main?.Summary, now);
        var stored = new RiskSnapshot { Id = SnapshotId, State = after with { Signals = [] }, LastScore = score.Score, LastLevel = score.Level, Revision = next.Revision };
        return (next, new RiskWrites(stored, added.ToImmutable(), removed, Streams.Risk(SnapshotId), assessed, from.Revision));
    }

    /// <summary>
    /// What reads answer from: the page staged here, else the stored state. A staged page is stored or, when its commit
    /// fails, staged again from the same events, so a read never sees what the events do not hold; and a reader that
    /// waits for the subscription's progress does not race the word that the page was stored.
    /// </summary>
    protected RiskState Current => stagedPage.Staging ? staged.State : Snapshot.State;

    public ValueTask<Immutable<ImmutableList<RiskSignal>>> GetSignalsAsync() => ValueTask.FromResult(Current.Signals.AsImmutable());

    public ValueTask<Immutable<ImmutableList<RiskSignal>>> GetStoredSignalsAsync() => ValueTask.FromResult(Snapshot.State.Signals.AsImmutable());

    /// <summary>The stored snapshot and signals are deleted by the caller; this drops the copy held in memory.</summary>
    public ValueTask ResetAsync()
    {
        Snapshot = new RiskSnapshot { Id = SnapshotId, State = RiskState.Empty(SubjectId) };
        signalsInsideSnapshot = false;
        stagedPage.Drop();
        return ValueTask.CompletedTask;
    }
}

public sealed class EnterpriseRiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics)
    : RiskGrain(store, model, clock, metrics), IEnterpriseRiskGrain
{
    protected override RiskSubject Subject => RiskSubject.Enterprise;

    public ValueTask<Immutable<RiskScore>> GetAsync() => ValueTask.FromResult(Score().AsImmutable());

    public ValueTask<Immutable<RiskScore>> GetSummaryAsync() => ValueTask.FromResult(Summary(Current).AsImmutable());

    public ValueTask<Immutable<RiskScore>> GetStoredAsync(bool explain) =>
        ValueTask.FromResult((explain ? Score(Snapshot.State) : Summary(Snapshot.State)).AsImmutable());

    RiskScore Summary(RiskState state) => RiskScoring.Summarize(SubjectId, Subject, state.Signals, state.Blacklisted, Model, Clock.Now).Score;

    RiskScore Score() => Score(Current);

    RiskScore Score(RiskState state) => RiskScoring.Score(SubjectId, Subject, state.Signals, state.Blacklisted, Model, Clock.Now);

    public async ValueTask<RiskWrites?> StageChangesAsync(Immutable<ImmutableArray<RiskStateChange>> changes, Guid page)
    {
        var before = await StagedStateAsync(page);
        var after = Changed(before, changes.Value);
        return after is null ? null : Stage(after, changes.Value[^1].RegionId);
    }

    public async ValueTask ChangeAsync(Immutable<ImmutableArray<RiskStateChange>> changes)
    {
        await SettledAsync();
        await PersistAsync(state => Changed(state, changes.Value), changes.Value[^1].RegionId);
    }

    /// <summary>The state after the changes in sequence order; null when they change nothing.</summary>
    static RiskState? Changed(RiskState before, ImmutableArray<RiskStateChange> changes)
    {
        var after = changes.OrderBy(c => c.Sequence).Aggregate(before, (s, c) => s.Apply(c));
        return after.Signals.Count == before.Signals.Count && after.Blacklisted == before.Blacklisted ? null : after;
    }
}

public sealed class RegionRiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics)
    : RiskGrain(store, model, clock, metrics), IRegionRiskGrain
{
    protected override RiskSubject Subject => RiskSubject.Region;
}
