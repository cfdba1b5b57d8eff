using Fusion.Domain.Common;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Tests.Risk;

/// <summary>A region's score: own signals in full, each enterprise saturated and divided by its rank.</summary>
public sealed class RegionScoreSpecs
{
    static readonly RiskModel Model = new();
    static readonly DateTimeOffset Now = Haixi.T0;
    long sequence;

    RiskSignal Inspection(string enterprise, Severity severity = Severity.Critical) => new(
        $"inspection:{enterprise}:{++sequence}", sequence, SignalKind.InspectionFinding, "inspection-findings", "GOLMUD", enterprise, null,
        severity, 1, false, DateOnly.FromDateTime(Now.AddDays(30).Date), "finding", Now.AddHours(-1));

    RiskSignal Unattributed() => new(
        $"aerial:{++sequence}", sequence, SignalKind.AerialFinding, "aerial-findings", "GOLMUD", null, null,
        Severity.High, 0.9, false, null, "dumping seen from the air", Now.AddHours(-1));

    [Fact]
    public void GivenOneEnterpriseWithManyFindings_WhenTheRegionIsScored_ThenItAddsAtMostTheEnterpriseScale()
    {
        // Ten critical open findings: a raw sum of 480, far past saturation.
        var flooded = Enumerable.Range(0, 10).Select(_ => Inspection("E1")).ToList();

        var region = RiskScoring.ScoreRegion("GOLMUD", [], [flooded], Model, Now);

        var sum = region.Contributions.Sum(c => c.Contribution);
        Assert.Equal(Model.EnterpriseScale * (1 - Math.Exp(-480 / Model.EnterpriseScale)), sum, 2);
        Assert.Equal(Math.Round(100 * (1 - Math.Exp(-sum / Model.RegionScale)), 1), region.Score);
        Assert.Equal(RiskLevel.Yellow, region.Level);
    }

    [Fact]
    public void GivenTwoEqualEnterprises_WhenTheRegionIsScored_ThenTheSecondCountsHalf()
    {
        var first = new[] { Inspection("E1", Severity.Medium) };
        var second = new[] { Inspection("E2", Severity.Medium) };

        var region = RiskScoring.ScoreRegion("GOLMUD", [], [first, second], Model, Now);

        var saturated = Model.EnterpriseScale * (1 - Math.Exp(-12 / Model.EnterpriseScale));
        var byEnterprise = region.Contributions.GroupBy(c => c.Signal.EnterpriseId).ToDictionary(g => g.Key!, g => g.Sum(c => c.Contribution));
        Assert.Equal(saturated, byEnterprise.Values.Max(), 3);
        Assert.Equal(saturated / 2, byEnterprise.Values.Min(), 3);
    }

    [Fact]
    public void GivenRegionLevelSignals_WhenTheRegionIsScored_ThenTheyCountAsOneMoreMemberBesideItsEnterprises()
    {
        var own = new[] { Unattributed() };
        var quietEnterprise = Array.Empty<RiskSignal>();

        var region = RiskScoring.ScoreRegion("GOLMUD", own, [quietEnterprise], Model, Now);

        var contribution = Assert.Single(region.Contributions);
        Assert.Null(contribution.Signal.EnterpriseId);
        var raw = RiskScoring.Weight(own[0], Model) * 0.9 * RiskScoring.Decay(own[0], Model, Now);
        Assert.Equal(Model.EnterpriseScale * (1 - Math.Exp(-raw / Model.EnterpriseScale)), contribution.Contribution, 3);
        Assert.False(region.Blacklisted);
    }

    [Fact]
    public void GivenNothing_WhenTheRegionIsScored_ThenItIsGreenAtZero()
    {
        var region = RiskScoring.ScoreRegion("GOLMUD", [], [], Model, Now);

        Assert.Equal(0, region.Score);
        Assert.Equal(RiskLevel.Green, region.Level);
        Assert.Empty(region.Contributions);
    }
}
