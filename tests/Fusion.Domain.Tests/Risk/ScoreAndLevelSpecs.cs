using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

public class ScoreAndLevelSpecs
{
    static readonly RiskModel Model = new();

    [Theory]
    [InlineData(0, RiskLevel.Green)]
    [InlineData(19.9, RiskLevel.Green)]
    [InlineData(20, RiskLevel.Blue)]
    [InlineData(39.9, RiskLevel.Blue)]
    [InlineData(40, RiskLevel.Yellow)]
    [InlineData(59.9, RiskLevel.Yellow)]
    [InlineData(60, RiskLevel.Red)]
    [InlineData(79.9, RiskLevel.Red)]
    [InlineData(80, RiskLevel.Black)]
    [InlineData(100, RiskLevel.Black)]
    public void GivenAScore_WhenBanded_ThenEachBoundBelongsToTheLevelAboveIt(double score, RiskLevel level) =>
        Assert.Equal(level, RiskScoring.LevelOf(score, Model));

    [Fact]
    public void GivenSignalsSummingToExactlyTheBlueBound_WhenScored_ThenScoreIs20AndLevelBlue()
    {
        // 100·(1 − e^(−sum/50)) = 20  ⇔  sum = −50·ln 0.8
        var model = new RiskModel();
        model.Kinds[SignalKind.CameraAlarm] = new() { Weight = -50 * Math.Log(0.8), HalfLifeHours = 168 };

        RiskSpec.Given(Signal("s1", 1, severity: Severity.Medium)).Under(model)
            .WhenScoredAfter(TimeSpan.Zero)
            .ThenScore(20)
            .ThenLevel(RiskLevel.Blue);
    }

    [Fact]
    public void GivenOneFreshDischargeAlarm_WhenScored_ThenScoreFollowsTheEnterpriseCurve() =>
        RiskSpec.Given(Alarm("a1", T0))
            .WhenScoredAfter(TimeSpan.Zero)
            .ThenScore(Math.Round(100 * (1 - Math.Exp(-12.0 / 50)), 1))
            .ThenScore(21.3)
            .ThenLevel(RiskLevel.Blue);

    [Fact]
    public void GivenTheSameAlarmForARegion_WhenScored_ThenTheWiderRegionScaleGivesALowerScore()
    {
        var region = RiskSpec.Given(Alarm("a1", T0)).AsRegion().WhenScoredAfter(TimeSpan.Zero)
            .ThenScore(Math.Round(100 * (1 - Math.Exp(-12 / Model.RegionScale)), 1));

        Assert.InRange(region.Score.Score, 0.1, 25.8);
    }

    [Fact]
    public void GivenNoSignals_WhenScored_ThenScoreIsZeroAndGreen() =>
        RiskSpec.Given()
            .WhenScoredAfter(TimeSpan.Zero)
            .ThenScore(0)
            .ThenLevel(RiskLevel.Green)
            .ThenExplainedBy();

    [Fact]
    public void GivenABlacklistedEnterpriseWithNoSignals_WhenScored_ThenItIsBlackWhateverItsScore()
    {
        var outcome = RiskSpec.Given().Blacklisted().WhenScoredAfter(TimeSpan.Zero).ThenScore(0).ThenLevel(RiskLevel.Black);
        Assert.True(outcome.Score.Blacklisted);
    }

    [Fact]
    public void GivenMoreAndMoreAlarms_WhenScored_ThenTheScoreNeverFallsAndStaysWithin0To100()
    {
        var scores = Enumerable.Range(0, 61)
            .Select(n => RiskSpec.Given(Enumerable.Range(1, n).Select(i => (object)Alarm($"a{i}", T0)).ToArray())
                .WhenScoredAfter(TimeSpan.Zero).Score.Score)
            .ToList();

        Assert.Equal(0, scores[0]);
        Assert.Equal(100, scores[^1]);
        Assert.All(scores, s => Assert.InRange(s, 0, 100));
        Assert.All(scores.Zip(scores.Skip(1)), p => Assert.True(p.Second >= p.First, $"{p.Second} after {p.First}"));
        Assert.True(scores[10] > scores[1]);
    }

    [Fact]
    public void GivenAnyScore_WhenScored_ThenItCarriesTheModelVersionAndAsOfTime()
    {
        var score = RiskSpec.Given(Alarm("a1", T0)).WhenScoredAfter(Hours(3)).Score;

        Assert.Equal(Model.Version, score.ModelVersion);
        Assert.Equal(T0 + Hours(3), score.AsOf);
        Assert.Equal(SaltLake, score.SubjectId);
    }
}
