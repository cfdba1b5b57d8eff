using Fusion.Domain.Cameras;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

public class RiskStateSpecs
{
    static readonly RiskModel Model = new();
    static readonly RiskState Empty = RiskState.Empty(SaltLake);

    [Fact]
    public void GivenASignalApplied_WhenItsEventIsRedelivered_ThenNothingChanges()
    {
        var state = Empty.Apply(Signal("s1", 5));

        Assert.Same(state, state.Apply(Signal("s1", 5)));
        Assert.Same(state, state.Apply(Signal("older", 3)));
        Assert.Equal(5, state.LastSequence);
    }

    [Fact]
    public void GivenASignalApplied_WhenTheSameSignalIdArrivesUnderANewSequence_ThenItIsNotCountedTwice()
    {
        var state = Empty.Apply(Signal("s1", 5)).Apply(Signal("s1", 9));

        Assert.Equal(["s1"], state.Signals.Select(s => s.SignalId));
        Assert.Equal(5, state.LastSequence);
    }

    [Fact]
    public void GivenABatchOutOfOrder_WhenApplied_ThenAllAreKeptAndTheBatchEndIsRemembered()
    {
        var state = Empty.Apply([Signal("s7", 7), Signal("s4", 4)], lastSequence: 10);

        Assert.Equal(["s4", "s7"], state.Signals.Select(s => s.SignalId));
        Assert.Equal(10, state.LastSequence);
        Assert.Same(state, state.Apply(Signal("s9", 9)));
    }

    [Fact]
    public void GivenFreshOldAndOpenSignals_WhenPruned_ThenOnlyTheFadedOneIsDropped()
    {
        var state = RiskSpec.Given(
                Alarm("faded", T0),
                Inspection("open", T0, rectifyBy: new DateOnly(2026, 11, 30)),
                Alarm("fresh", T0 + Days(120)))
            .State;

        var pruned = state.Prune(Model, T0 + Days(365));

        Assert.Equal(["inspection:open"], pruned.Signals.Select(s => s.SignalId));
        Assert.Equal(["inspection:open", "camera-alarm:fresh"], state.Prune(Model, T0 + Days(120)).Signals.Select(s => s.SignalId));
    }

    [Fact]
    public void GivenAnOpenFindingAYearOverdue_WhenPruned_ThenItIsKept() =>
        Assert.Single(RiskSpec.Given(Inspection("open", T0, new DateOnly(2026, 11, 30))).State.Prune(Model, T0 + Days(400)).Signals);

    /// <summary>
    /// Pruning is meant to drop only what no longer counts, so the score must be the same before and
    /// after. A faded camera alarm still corroborates a hotline report from the same hour.
    /// </summary>
    [Fact]
    public void GivenAFadedAlarmThatCorroboratesAReport_WhenPruned_ThenTheScoreIsUnchanged()
    {
        // A low-severity alarm (weight 3) fades before the report (weight 5) with the same half-life.
        var state = RiskSpec.Given(Alarm("a1", T0, CameraAlarmType.Other), Report("r1", T0 + Hours(1))).State;
        var now = T0 + Hours(1450);

        var before = RiskScoring.Contributions(state.Signals, Model, now);
        var after = RiskScoring.Contributions(state.Prune(Model, now).Signals, Model, now);

        Assert.Equal(before.Sum(c => c.Contribution), after.Sum(c => c.Contribution), 1e-4);
        Assert.Equal(2, state.Prune(Model, now).Signals.Count);
    }

    [Fact]
    public void GivenAFadedAlarmNextToACertainFinding_WhenPruned_ThenItIsDroppedAsItCannotRaiseThatConfidence() =>
        Assert.Equal(["inspection:f1"], RiskSpec.Given(Alarm("a1", T0), Inspection("f1", T0 + Hours(1), new DateOnly(2026, 11, 30)))
            .State.Prune(Model, T0 + Hours(2400)).Signals.Select(s => s.SignalId));
}
