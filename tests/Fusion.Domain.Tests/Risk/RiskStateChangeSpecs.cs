using Fusion.Domain.Rectification;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

/// <summary>Only verified rectification closes a finding's signal; completion reported but unverified leaves it open and growing.</summary>
public class RiskStateChangeSpecs
{
    static readonly DateOnly November10 = new(2026, 11, 10);

    [Fact]
    public void GivenAnOverdueFinding_WhenItsRectificationIsVerified_ThenItsSignalLeavesTheScore()
    {
        var state = RiskSpec.Given(Inspection("f1", T0, November10), Alarm("a1", T0)).State;
        var change = RiskStateChanges.From(new RectificationVerified("finding-f1", "f1", SaltLake, Golmud, null, "k-1", T0.AddDays(20)), 3)!;

        var after = state.Apply(change);

        Assert.Equal(["camera-alarm:a1"], after.Signals.Select(s => s.SignalId));
        Assert.Equal(after.Signals, after.Apply(change).Signals); // a redelivered verification changes nothing more
    }

    [Fact]
    public void GivenAnOverdueFinding_WhenCompletionIsOnlyReported_ThenItKeepsGrowing()
    {
        Assert.Null(RiskStateChanges.From(new RectificationReportedComplete("finding-f1", "f1", "done", "manager", T0.AddDays(9)), 3));
        var spec = RiskSpec.Given(Inspection("f1", T0, November10));
        Assert.True(spec.WhenScoredAt(T0.AddDays(30)).Contribution("inspection:f1").Decay > 1);
    }
}
