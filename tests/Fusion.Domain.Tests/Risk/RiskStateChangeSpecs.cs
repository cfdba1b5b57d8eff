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

public class BlacklistedFlagSpecs
{
    [Fact]
    public void GivenAnEnterprise_WhenBlacklistedThenDelisted_ThenItsLevelIsBlackOnlyWhileListed()
    {
        var listed = new Fusion.Domain.Blacklist.EnterpriseBlacklisted(SaltLake, "P-1", "Salt Lake Co.", Golmud, Fusion.Domain.Blacklist.BlacklistReason.MajorIncident,
            T0, T0.AddYears(2), "HX-1", "prefecture", T0);
        var state = RiskState.Empty(SaltLake).Apply(RiskStateChanges.From(listed, 1)!);
        Assert.Equal(RiskLevel.Black, RiskScoring.Score(SaltLake, RiskSubject.Enterprise, state.Signals, state.Blacklisted, new RiskModel(), T0).Level);

        var delisted = new Fusion.Domain.Blacklist.EnterpriseDelisted(SaltLake, "P-1", Golmud, "audited", "HX-2", "prefecture", T0.AddDays(30));
        state = state.Apply(RiskStateChanges.From(delisted, 2)!);
        Assert.Equal(RiskLevel.Green, RiskScoring.Score(SaltLake, RiskSubject.Enterprise, state.Signals, state.Blacklisted, new RiskModel(), T0.AddDays(30)).Level);
    }
}
