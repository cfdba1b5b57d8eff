using Fusion.Domain.Cameras;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

public class ExplanationSpecs
{
    [Fact]
    public void GivenSignalsFromThreeFeeds_WhenScored_ThenTheExplanationListsEachNewestFirst() =>
        RiskSpec.Given(Alarm("a1", T0), AerialFinding("d1", T0 + Hours(2)), Report("r1", T0 + Hours(1)))
            .WhenScoredAfter(Hours(3))
            .ThenExplainedBy("aerial:d1", "public-report:r1", "camera-alarm:a1");

    [Fact]
    public void GivenTwoSignalsAtTheSameMoment_WhenScored_ThenTheLaterAppendedComesFirst() =>
        RiskSpec.Given(Alarm("a1", T0), Alarm("a2", T0))
            .WhenScoredAfter(Hours(1))
            .ThenExplainedBy("camera-alarm:a2", "camera-alarm:a1");

    [Fact]
    public void GivenAnUncertainAlarmOneHalfLifeOld_WhenScored_ThenItsContributionIsWeightTimesConfidenceTimesDecay()
    {
        // A camera's 0.8 above its kind's confidence floor of 0.5: (0.8 − 0.5)/(1 − 0.5) = 0.6.
        var c = RiskSpec.Given(Alarm("a1", T0, confidence: 0.8)).WhenScoredAfter(Hours(168)).Contribution("camera-alarm:a1");

        Assert.Equal((12.0, 0.6, 0.5, 3.6), (c.Weight, c.Confidence, c.Decay, c.Contribution));
    }

    [Fact]
    public void GivenACameraAlarmBelowItsConfidenceFloor_WhenScoredAlone_ThenItSaysNothing() =>
        RiskSpec.Given(Alarm("a1", T0, confidence: 0.45))
            .WhenScoredAfter(Hours(1))
            .ThenScore(0)
            .ThenExplainedBy();

    [Fact]
    public void GivenACameraAlarmBelowItsFloorAndAReportAboutTheSameSite_WhenScored_ThenOnlyTheCorroborationCounts() =>
        RiskSpec.Given(Alarm("a1", T0, confidence: 0.45), Report("r1", T0 + Hours(1)))
            .WhenScoredAfter(Hours(1))
            .ThenConfidence("camera-alarm:a1", 0.25, "public-reports")
            .ThenConfidence("public-report:r1", 0.75, "camera-alarms");

    [Fact]
    public void GivenNoFloorForCameras_WhenScored_ThenTheCamerasOwnConfidenceCounts()
    {
        var model = new RiskModel();
        model.Kinds[SignalKind.CameraAlarm].ConfidenceFloor = 0;

        var c = RiskSpec.Given(Alarm("a1", T0, confidence: 0.8)).Under(model).WhenScoredAfter(Hours(168)).Contribution("camera-alarm:a1");

        Assert.Equal((0.8, 4.8), (c.Confidence, c.Contribution));
    }

    [Fact]
    public void GivenMixedSignals_WhenScored_ThenEveryContributionMultipliesOutAndTheyAddUpToTheScore()
    {
        var outcome = RiskSpec.Given(
                Alarm("a1", T0, CameraAlarmType.SmokeAndDust, 0.7), Report("r1", T0 + Hours(5)), AerialFinding("d1", T0 + Hours(30), site: TailingsPond),
                Inspection("f1", T0 + Hours(40), new DateOnly(2026, 11, 20)))
            .WhenScoredAfter(Days(5));

        Assert.Equal(4, outcome.Score.Contributions.Count);
        Assert.All(outcome.Score.Contributions, c => Assert.Equal(c.Weight * c.Confidence * c.Decay, c.Contribution, 1e-3));
        Assert.Equal(Math.Round(100 * (1 - Math.Exp(-outcome.Sum / 50)), 1), outcome.Score.Score, 1e-9);
    }

    [Fact]
    public void GivenAnAlarmFourMonthsOld_WhenScored_ThenItIsTooFadedToBeListedOrCounted() =>
        RiskSpec.Given(Alarm("old", T0), Alarm("new", T0 + Days(120)))
            .WhenScoredAfter(Days(120))
            .ThenExplainedBy("camera-alarm:new")
            .ThenScore(21.3);

    [Fact]
    public void GivenACameraAlarm_WhenExplained_ThenItsSummarySaysWhatTheCameraSaw() =>
        Assert.Equal("Camera cam-1: abnormal discharge (confidence 0.92)",
            RiskSpec.Given(Alarm("a1", T0, confidence: 0.92)).WhenScoredAfter(TimeSpan.Zero).Contribution("camera-alarm:a1").Signal.Summary);
}
