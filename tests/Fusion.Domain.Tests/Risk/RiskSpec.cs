using Fusion.Domain.Risk;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Domain.Tests.Risk;

/// <summary>
/// Given events (each folded into a risk signal with <see cref="RiskSignals.From"/>, sequence 1, 2, …
/// in order) → When scored at a time read from a fake clock → Then score, level and explanation.
/// A <see cref="RiskSignal"/> passed among the events is applied as it is.
/// </summary>
public sealed class RiskSpec
{
    readonly List<object> history = [];
    RiskModel model = new();
    RiskSubject subject = RiskSubject.Enterprise;
    bool blacklisted;

    public static RiskSpec Given(params object[] events) => new RiskSpec().And(events);

    public RiskSpec And(params object[] events)
    {
        history.AddRange(events);
        return this;
    }

    public RiskSpec Under(RiskModel riskModel) { model = riskModel; return this; }
    public RiskSpec AsRegion() { subject = RiskSubject.Region; return this; }
    public RiskSpec Blacklisted() { blacklisted = true; return this; }

    public RiskState State =>
        history.Select((e, i) => e as RiskSignal ?? RiskSignals.From(e, i + 1))
            .OfType<RiskSignal>()
            .Aggregate(RiskState.Empty(Haixi.SaltLake) with { Blacklisted = blacklisted }, (s, signal) => s.Apply(signal));

    /// <summary>Scores with the clock moved this far past <see cref="Haixi.T0"/>.</summary>
    public RiskOutcome WhenScoredAfter(TimeSpan elapsed)
    {
        var clock = new FakeTimeProvider(Haixi.T0);
        clock.Advance(elapsed);
        return Score(clock);
    }

    public RiskOutcome WhenScoredAt(DateTimeOffset now) => Score(new FakeTimeProvider(now));

    RiskOutcome Score(TimeProvider clock)
    {
        var state = State;
        return new RiskOutcome(RiskScoring.Score(state.SubjectId, subject, state.Signals, state.Blacklisted, model, clock.GetUtcNow()), state, model);
    }
}

public sealed record RiskOutcome(RiskScore Score, RiskState State, RiskModel Model)
{
    public double Sum => Score.Contributions.Sum(c => c.Contribution);

    public SignalContribution Contribution(string signalId) =>
        Assert.Single(Score.Contributions, c => c.Signal.SignalId == signalId);

    public RiskOutcome ThenScore(double expected)
    {
        Assert.Equal(expected, Score.Score);
        return this;
    }

    public RiskOutcome ThenLevel(RiskLevel expected)
    {
        Assert.Equal(expected, Score.Level);
        return this;
    }

    public RiskOutcome ThenContribution(string signalId, double expected)
    {
        Assert.Equal(expected, Contribution(signalId).Contribution, 1e-3);
        return this;
    }

    public RiskOutcome ThenConfidence(string signalId, double expected, params string[] corroboratedBy)
    {
        var c = Contribution(signalId);
        Assert.Equal(expected, c.Confidence, 1e-9);
        Assert.Equal(corroboratedBy, c.CorroboratedBy);
        return this;
    }

    public RiskOutcome ThenCorroboration(string signalId, CorroborationLevel level, DateTimeOffset firstDetectedAt)
    {
        var c = Contribution(signalId);
        Assert.Equal((level, firstDetectedAt), (c.Level, c.FirstDetectedAt));
        return this;
    }

    /// <summary>The explanation lists exactly these signals, in this order.</summary>
    public RiskOutcome ThenExplainedBy(params string[] signalIds)
    {
        Assert.Equal(signalIds, Score.Contributions.Select(c => c.Signal.SignalId));
        return this;
    }
}
