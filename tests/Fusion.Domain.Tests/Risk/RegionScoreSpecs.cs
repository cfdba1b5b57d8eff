using Fusion.Domain.Common;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Tests.Risk;

/// <summary>
/// A region's level follows its worst members (enterprises and its own region-level signals), the
/// share of its enterprises at risk and never its size.
/// </summary>
public sealed class RegionScoreSpecs
{
    static readonly RiskModel Model = new();
    static readonly DateTimeOffset Now = Haixi.T0;
    long sequence;

    static RiskScore Enterprise(string id, double score, bool blacklisted = false) =>
        new(id, score, blacklisted ? RiskLevel.Black : RiskScoring.LevelOf(score, Model), Model.Version, Now, blacklisted, []);

    static RiskScore[] Many(int count, double score, string prefix = "E") =>
        Enumerable.Range(1, count).Select(i => Enterprise($"{prefix}{i}", score)).ToArray();

    RiskSignal Unattributed(Severity severity = Severity.High) => new(
        $"aerial:{++sequence}", sequence, SignalKind.AerialFinding, "aerial-findings", "GOLMUD", null, null,
        severity, 0.9, false, null, "dumping seen from the air", Now.AddHours(-1));

    RiskSignal Inspection(string enterprise, Severity severity = Severity.Critical) => new(
        $"inspection:{enterprise}:{++sequence}", sequence, SignalKind.InspectionFinding, "inspection-findings", "GOLMUD", enterprise, null,
        severity, 1, false, DateOnly.FromDateTime(Now.AddDays(30).Date), "finding", Now.AddHours(-1));

    [Fact]
    public void GivenScoresAndLevelsOfEveryEnterprise_WhenOnlyTheExplainingOnesBringTheirSignals_ThenTheRegionIsScoredAndExplainedTheSame()
    {
        var severities = new[] { Severity.Low, Severity.Medium, Severity.High, Severity.Critical };
        var full = Enumerable.Range(1, 40).Select(i =>
        {
            var id = $"E{i}";
            var signals = Enumerable.Range(0, i % 4 + 1).Select(k => Inspection(id, severities[(i + k) % 4])).ToList();
            return RiskScoring.Score(id, RiskSubject.Enterprise, signals, false, Model, Now);
        }).ToArray();
        var own = new[] { Unattributed() };
        var summaries = full.Select(s => s with { Contributions = [] }).ToArray();

        var explaining = RiskScoring.ExplainingEnterprises("GOLMUD", own, summaries, Model, Now);
        var fetched = summaries.Select(s => explaining.Contains(s.SubjectId) ? full.Single(f => f.SubjectId == s.SubjectId) : s).ToArray();
        var fromAll = RiskScoring.ComposeRegion("GOLMUD", own, full, Model, Now);
        var fromFew = RiskScoring.ComposeRegion("GOLMUD", own, fetched, Model, Now);

        Assert.InRange(explaining.Count, 1, full.Length - 1);
        Assert.Equal(fromAll.Score.Score, fromFew.Score.Score);
        Assert.Equal(fromAll.Score.Level, fromFew.Score.Level);
        Assert.Equal(fromAll.WorstEnterpriseId, fromFew.WorstEnterpriseId);
        Assert.Equal(fromAll.Score.Contributions.Select(c => c.Signal.SignalId), fromFew.Score.Contributions.Select(c => c.Signal.SignalId));
    }

    [Fact]
    public void GivenOneBlackEnterpriseAmongManyGreen_WhenTheRegionIsScored_ThenItIsRedAndNamesTheBlackOne()
    {
        var enterprises = Many(60, 8).Append(Enterprise("BLACK", 92)).ToArray();

        var region = RiskScoring.ComposeRegion("GOLMUD", [], enterprises, Model, Now);

        Assert.Equal(RiskLevel.Red, region.Score.Level);
        Assert.InRange(region.Score.Score, 60, 79.9);
        Assert.Equal("BLACK", region.WorstEnterpriseId);
        Assert.Equal(RiskLevel.Black, region.WorstEnterpriseLevel);
        Assert.Equal(1, region.EnterprisesAtRisk);
    }

    [Fact]
    public void GivenTwoBlackEnterprises_WhenTheRegionIsScored_ThenItIsBlack()
    {
        var region = RiskScoring.ScoreRegion("GOLMUD", [], [.. Many(20, 5), Enterprise("B1", 85), Enterprise("B2", 81)], Model, Now);

        Assert.Equal(RiskLevel.Black, region.Level);
    }

    [Fact]
    public void GivenABlacklistedEnterpriseWithoutSignals_WhenTheRegionIsScored_ThenItCountsAsBlack()
    {
        var region = RiskScoring.ComposeRegion("GOLMUD", [], [.. Many(10, 5), Enterprise("LISTED", 0, blacklisted: true)], Model, Now);

        Assert.Equal(RiskLevel.Red, region.Score.Level);
        Assert.Equal("LISTED", region.WorstEnterpriseId);
    }

    [Fact]
    public void GivenAHundredGreenEnterprises_WhenTheRegionIsScored_ThenItIsGreen()
    {
        var region = RiskScoring.ScoreRegion("GOLMUD", [], Many(100, 19.5), Model, Now);

        Assert.Equal(RiskLevel.Green, region.Level);
        Assert.InRange(region.Score, 19.5, 19.9);
    }

    [Fact]
    public void GivenAHundredBlueEnterprises_WhenTheRegionIsScored_ThenItIsBlue()
    {
        var region = RiskScoring.ScoreRegion("GOLMUD", [], Many(100, 39), Model, Now);

        Assert.Equal(RiskLevel.Blue, region.Level);
    }

    [Fact]
    public void GivenEveryEnterpriseYellow_WhenTheRegionIsScored_ThenItStaysYellowButAboveOneYellowAlone()
    {
        var allYellow = RiskScoring.ScoreRegion("GOLMUD", [], Many(30, 50), Model, Now);
        var oneYellow = RiskScoring.ScoreRegion("GOLMUD", [], [.. Many(29, 5), Enterprise("Y", 50)], Model, Now);

        Assert.Equal(RiskLevel.Yellow, allYellow.Level);
        Assert.Equal(RiskLevel.Yellow, oneYellow.Level);
        Assert.True(allYellow.Score > oneYellow.Score, $"{allYellow.Score} should rank above {oneYellow.Score}");
    }

    [Fact]
    public void GivenTheSameWorstEnterprise_WhenMoreEnterprisesAreAtRisk_ThenTheRegionRanksHigherNotByItsSize()
    {
        var small = RiskScoring.ScoreRegion("A", [], [Enterprise("R", 65), Enterprise("Y1", 45), Enterprise("G", 5)], Model, Now);
        var large = RiskScoring.ScoreRegion("B", [], [Enterprise("R", 65), Enterprise("Y1", 45), .. Many(200, 5)], Model, Now);

        Assert.Equal(RiskLevel.Red, small.Level);
        Assert.Equal(RiskLevel.Red, large.Level);
        Assert.True(small.Score > large.Score, $"a third of the enterprises at risk ({small.Score}) should rank above one in a hundred ({large.Score})");
    }

    [Fact]
    public void GivenTheWorstEnterpriseAlone_WhenTheRegionIsScored_ThenTheRegionScoresItsScore()
    {
        var region = RiskScoring.ComposeRegion("GOLMUD", [], [Enterprise("Y", 45)], Model, Now);

        // One enterprise, all of them at risk: 45 + 55·(1 − (1 − 0.5·1)) = 72.5, squeezed into yellow's top point: 59 + 0.9·12.5/40.
        Assert.Equal(RiskLevel.Yellow, region.Score.Level);
        Assert.Equal(59.3, region.Score.Score);
    }

    [Fact]
    public void GivenAWorstAndTwoFollowers_WhenTheRegionIsScored_ThenTheFollowersPressByTheirWeight()
    {
        var region = RiskScoring.ComposeRegion("GOLMUD", [], [Enterprise("R", 70), Enterprise("B1", 30), Enterprise("B2", 20), .. Many(7, 0)], Model, Now);

        // share at risk 1/10; g = 1 − (1 − 0.05)·(1 − 0.09)·(1 − 0.06) = 0.187365; 70 + 30·g = 75.6
        Assert.Equal(75.6, region.Score.Score);
        Assert.Equal(RiskLevel.Red, region.Score.Level);
    }

    [Fact]
    public void GivenRegionLevelSignalsAlone_WhenTheyWeighLikeARedEnterprise_ThenTheRegionIsRed()
    {
        // Four critical unattributed findings: 4 × 10·4·0.9 = 144 → 100·(1 − e^(−144/60)) = 90.9, one member at red or above: red.
        var own = new[] { Unattributed(Severity.Critical), Unattributed(Severity.Critical), Unattributed(Severity.Critical), Unattributed(Severity.Critical) };

        var region = RiskScoring.ComposeRegion("GOLMUD", own, Many(50, 0), Model, Now);

        Assert.Equal(RiskLevel.Red, region.Score.Level);
        Assert.Null(region.WorstEnterpriseId);
        Assert.Equal(4, region.Score.Contributions.Count);
        Assert.All(region.Score.Contributions, c => Assert.Null(c.Signal.EnterpriseId));
    }

    [Fact]
    public void GivenOneMinorRegionLevelSignal_WhenTheRegionIsScored_ThenItStaysAtTheSignalsOwnLevel()
    {
        var own = new[] { Unattributed(Severity.Low) };

        var region = RiskScoring.ComposeRegion("GOLMUD", own, Many(5, 0), Model, Now);

        Assert.Equal(RiskScoring.Score("GOLMUD", RiskSubject.Region, own, false, Model, Now).Score, region.OwnScore);
        Assert.Equal(RiskLevel.Green, region.Score.Level);
    }

    [Fact]
    public void GivenEnterpriseScoresFromSignals_WhenTheRegionIsScored_ThenItExplainsWithTheSignalsOfItsWorstMembers()
    {
        var flooded = Enumerable.Range(0, 10).Select(_ => Inspection("E1")).ToList();
        var e1 = RiskScoring.Score("E1", RiskSubject.Enterprise, flooded, false, Model, Now);
        var quiet = Many(40, 0, "Q");

        var region = RiskScoring.ScoreRegion("GOLMUD", [], [e1, .. quiet], Model, Now);

        Assert.Equal(RiskLevel.Black, e1.Level);
        Assert.Equal(RiskLevel.Red, region.Level);
        Assert.Equal(10, region.Contributions.Count);
        Assert.All(region.Contributions, c => Assert.Equal("E1", c.Signal.EnterpriseId));
    }

    [Fact]
    public void GivenNothing_WhenTheRegionIsScored_ThenItIsGreenAtZero()
    {
        var region = RiskScoring.ScoreRegion("GOLMUD", [], Many(3, 0), Model, Now);

        Assert.Equal(0, region.Score);
        Assert.Equal(RiskLevel.Green, region.Level);
        Assert.Empty(region.Contributions);
    }
}
