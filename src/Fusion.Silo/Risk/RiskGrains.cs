using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Risk;
using Fusion.Silo.Telemetry;
using Marten;

using Fusion.Silo.Hosting;

namespace Fusion.Silo.Risk;

public interface IEnterpriseRiskGrain : IGrainWithStringKey
{
    ValueTask ObserveAsync(ImmutableArray<RiskSignal> signals, long lastSequence);
    ValueTask<RiskScore> GetAsync();
}

public interface IRegionRiskGrain : IGrainWithStringKey
{
    ValueTask ObserveAsync(ImmutableArray<RiskSignal> signals, long lastSequence);
    ValueTask<RiskScore> GetAsync();
}

/// <summary>A risk grain's persisted state: the folded signals and the last event sequence applied.</summary>
public sealed class RiskSnapshot
{
    public string Id { get; set; } = "";
    public RiskState State { get; set; } = RiskState.Empty("");
    public double LastScore { get; set; }
    public RiskLevel LastLevel { get; set; }
}

/// <summary>
/// The shell around the pure risk model: holds the state, folds signals with RiskState.Apply,
/// scores with RiskScoring at the clock's now, and persists a snapshot plus any RiskAssessed event in
/// one transaction before acknowledging, so the subscription may move its checkpoint.
/// </summary>
public abstract class RiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics) : Grain
{
    RiskSnapshot snapshot = new();

    protected abstract RiskSubject Subject { get; }
    protected abstract string RegionOf(RiskState state);
    string SubjectId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        snapshot = await session.LoadAsync<RiskSnapshot>(SnapshotId, ct)
            ?? new RiskSnapshot { Id = SnapshotId, State = RiskState.Empty(SubjectId) };
    }

    string SnapshotId => $"{Subject.ToString().ToLowerInvariant()}:{SubjectId}";

    public async ValueTask ObserveAsync(ImmutableArray<RiskSignal> signals, long lastSequence)
    {
        var before = snapshot.State;
        var now = clock.Now;
        var after = before.Apply(signals, lastSequence);
        if (after == before) return;
        after = after.Prune(model, now);
        var score = RiskScoring.Score(SubjectId, Subject, after.Signals, after.Blacklisted, model, now);

        var next = new RiskSnapshot { Id = SnapshotId, State = after, LastScore = score.Score, LastLevel = score.Level };
        await using var session = store.LightweightSession();
        session.Store(next);
        if (Math.Abs(score.Score - snapshot.LastScore) >= 0.1 || score.Level != snapshot.LastLevel || before.Signals.Count != after.Signals.Count)
            session.Events.Append(Streams.Risk(SnapshotId),
                new RiskAssessed(SubjectId, Subject, RegionOf(after), score.Score, score.Level, model.Version, after.Signals.Count, after.LastSequence, now));
        await session.SaveChangesAsync();
        snapshot = next;
        metrics.RiskUpdated(Subject.ToString());
    }

    public ValueTask<RiskScore> GetAsync() =>
        ValueTask.FromResult(RiskScoring.Score(SubjectId, Subject, snapshot.State.Signals, snapshot.State.Blacklisted, model, clock.Now));
}

public sealed class EnterpriseRiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics)
    : RiskGrain(store, model, clock, metrics), IEnterpriseRiskGrain
{
    protected override RiskSubject Subject => RiskSubject.Enterprise;
    protected override string RegionOf(RiskState state) => state.Signals.LastOrDefault()?.RegionId ?? "";
}

public sealed class RegionRiskGrain(IDocumentStore store, RiskModel model, PlatformClock clock, FusionMetrics metrics)
    : RiskGrain(store, model, clock, metrics), IRegionRiskGrain
{
    protected override RiskSubject Subject => RiskSubject.Region;
    protected override string RegionOf(RiskState state) => this.GetPrimaryKeyString();
}
