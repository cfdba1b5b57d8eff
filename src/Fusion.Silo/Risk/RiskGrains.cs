using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.Telemetry;
using Marten;
using Orleans.Concurrency;

namespace Fusion.Silo.Risk;

// Signals are immutable records: Immutable<T> spares Orleans a deep copy of every list on every call.

/// <summary>One per enterprise: the signals about it and its live score.</summary>
public interface IEnterpriseRiskGrain : IGrainWithStringKey
{
    ValueTask ObserveAsync(Immutable<ImmutableArray<RiskSignal>> signals, long lastSequence);
    /// <summary>A parked signal, applied on retry out of its order.</summary>
    ValueTask ReadmitAsync(RiskSignal signal);
    ValueTask<RiskScore> GetAsync();
    /// <summary>The live score and level without the explanation (no contributions): what a region needs of most of its enterprises.</summary>
    ValueTask<RiskScore> GetSummaryAsync();
    ValueTask<Immutable<ImmutableList<RiskSignal>>> GetSignalsAsync();

    /// <summary>Forgets what it held: the model changed and the events are replayed from the start (RiskModelChange).</summary>
    ValueTask ResetAsync();

    /// <summary>Enforcement changes (a finding verified rectified, a blacklisting), in sequence order, after the signals of the same page.</summary>
    ValueTask ChangeAsync(Immutable<ImmutableArray<RiskStateChange>> changes);
}

/// <summary>
/// One per region: the region-level signals that no enterprise can be blamed for (an unattributed
/// drone finding, an anonymous report about an area). A region's score is composed on read from
/// these and its enterprises' signals (RegionRisk), so no grain holds a whole region's history.
/// </summary>
public interface IRegionRiskGrain : IGrainWithStringKey
{
    ValueTask ObserveAsync(Immutable<ImmutableArray<RiskSignal>> signals, long lastSequence);
    /// <summary>A parked signal, applied on retry out of its order.</summary>
    ValueTask ReadmitAsync(RiskSignal signal);
    ValueTask<Immutable<ImmutableList<RiskSignal>>> GetSignalsAsync();

    /// <summary>Forgets what it held: the model changed and the events are replayed from the start (RiskModelChange).</summary>
    ValueTask ResetAsync();
}

/// <summary>
/// A risk grain's persisted state: the last event sequence applied, the blacklisting and the last score. The signals
/// it holds are stored one document each (<see cref="HeldSignal"/>), so an update writes the signals it added and
/// removed, not every signal held; a snapshot stored before that (its signals inside State) is still read.
/// </summary>
public sealed class RiskSnapshot
{
    public string Id { get; set; } = "";
    public RiskState State { get; set; } = RiskState.Empty("");
    public double LastScore { get; set; }
    public RiskLevel LastLevel { get; set; }
}

/// <summary>One signal a risk grain holds (Subject: its snapshot's id).</summary>
public sealed class HeldSignal
{
    public string Id { get; set; } = "";
    public string Subject { get; set; } = "";
    public RiskSignal Signal { get; set; } = null!;

    public static string IdOf(string subject, string signalId) => $"{subject}/{signalId}";
}

/// <summary>
/// The shell around the pure risk model: holds the state, folds signals with RiskState.Apply and
/// persists what changed (the snapshot, the signals added and removed, and for an enterprise a RiskAssessed event)
/// in one transaction before acknowledging, so the subscription may move its checkpoint past what it delivered.
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

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var snapshot = await session.LoadAsync<RiskSnapshot>(SnapshotId, ct);
        if (snapshot is null)
        {
            Snapshot = new RiskSnapshot { Id = SnapshotId, State = RiskState.Empty(SubjectId) };
            return;
        }
        var held = await session.Query<HeldSignal>().Where(h => h.Subject == SnapshotId).ToListAsync(ct);
        signalsInsideSnapshot = !snapshot.State.Signals.IsEmpty;
        var signals = snapshot.State.Signals.AddRange(held.Select(h => h.Signal).OrderBy(s => s.Sequence));
        Snapshot = new RiskSnapshot { Id = SnapshotId, State = snapshot.State with { Signals = signals }, LastScore = snapshot.LastScore, LastLevel = snapshot.LastLevel };
    }

    public async ValueTask ObserveAsync(Immutable<ImmutableArray<RiskSignal>> batch, long lastSequence)
    {
        var signals = batch.Value;
        await SaveAsync(Snapshot.State.Apply(signals, lastSequence), signals);
    }

    public ValueTask ReadmitAsync(RiskSignal signal) => SaveAsync(Snapshot.State.Readmit(signal), [signal]);

    async ValueTask SaveAsync(RiskState after, ImmutableArray<RiskSignal> signals)
    {
        var before = Snapshot.State;
        var now = clock.Now;
        if (after.Signals == before.Signals) return;
        await PersistAsync(after.Prune(model, now), signals[^1].RegionId, now);
    }

    /// <summary>Stores the snapshot, the signals added and removed, and for an enterprise the RiskAssessed event, in one transaction.</summary>
    protected async Task PersistAsync(RiskState after, string regionId, DateTimeOffset now)
    {
        var score = RiskScoring.Score(SubjectId, Subject, after.Signals, after.Blacklisted, model, now);

        var next = new RiskSnapshot { Id = SnapshotId, State = after, LastScore = score.Score, LastLevel = score.Level };
        await using var session = store.LightweightSession();
        session.Store(new RiskSnapshot { Id = SnapshotId, State = after with { Signals = [] }, LastScore = score.Score, LastLevel = score.Level });
        HashSet<string> before = signalsInsideSnapshot ? [] : Snapshot.State.Signals.Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<HeldSignal>();
        foreach (var s in after.Signals)
        {
            kept.Add(s.SignalId);
            if (!before.Contains(s.SignalId)) added.Add(new HeldSignal { Id = HeldSignal.IdOf(SnapshotId, s.SignalId), Subject = SnapshotId, Signal = s });
        }
        if (added.Count > 0) session.Store<HeldSignal>(added);
        foreach (var removed in before.Where(id => !kept.Contains(id)))
            session.Delete<HeldSignal>(HeldSignal.IdOf(SnapshotId, removed));
        if (Subject == RiskSubject.Enterprise)
        {
            var main = score.Contributions.MaxBy(c => c.Contribution)?.Signal;
            session.Events.Append(Streams.Risk(SnapshotId),
                new RiskAssessed(SubjectId, Subject, regionId, score.Score, score.Level, model.Version, after.Signals.Count, after.LastSequence,
                    main?.Kind, main?.Summary, now));
        }
        await session.SaveChangesAsync();
        Snapshot = next;
        signalsInsideSnapshot = false;
        metrics.RiskUpdated(Subject.ToString());
    }

    public ValueTask<Immutable<ImmutableList<RiskSignal>>> GetSignalsAsync() => ValueTask.FromResult(Snapshot.State.Signals.AsImmutable());

    /// <summary>The stored snapshot and signals are deleted by the caller; this drops the copy held in memory.</summary>
    public ValueTask ResetAsync()
    {
        Snapshot = new RiskSnapshot { Id = SnapshotId, State = RiskState.Empty(SubjectId) };
        signalsInsideSnapshot = false;
        return ValueTask.CompletedTask;
    }
}

public sealed class EnterpriseRiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics)
    : RiskGrain(store, model, clock, metrics), IEnterpriseRiskGrain
{
    protected override RiskSubject Subject => RiskSubject.Enterprise;

    public ValueTask<RiskScore> GetAsync() =>
        ValueTask.FromResult(RiskScoring.Score(SubjectId, Subject, Snapshot.State.Signals, Snapshot.State.Blacklisted, Model, Clock.Now));

    public async ValueTask<RiskScore> GetSummaryAsync() => await GetAsync() with { Contributions = [] };

    public async ValueTask ChangeAsync(Immutable<ImmutableArray<RiskStateChange>> changes)
    {
        var before = Snapshot.State;
        var after = changes.Value.OrderBy(c => c.Sequence).Aggregate(before, (s, c) => s.Apply(c));
        if (after.Signals.Count == before.Signals.Count && after.Blacklisted == before.Blacklisted) return;
        await PersistAsync(after, changes.Value[^1].RegionId, Clock.Now);
    }
}

public sealed class RegionRiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics)
    : RiskGrain(store, model, clock, metrics), IRegionRiskGrain
{
    protected override RiskSubject Subject => RiskSubject.Region;
}
