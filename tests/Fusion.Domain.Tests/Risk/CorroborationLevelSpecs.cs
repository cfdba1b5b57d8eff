using Fusion.Domain.Aerial;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

/// <summary>
/// Corroboration levels after Global Forest Watch, within today's confidence raise: one sighting is nominal; the same
/// platform again at the same place within 72 h is high (+0.1 for aerial findings); another platform, a camera alarm
/// or a public report there is highest (+0.25 each). An aerial finding nobody corroborates stops counting after 336 h.
/// </summary>
public class CorroborationLevelSpecs
{
    const string Drone = "aerial:d1", Satellite = "aerial:s1";

    [Fact]
    public void GivenOneDroneFinding_WhenScored_ThenItIsNominalAtItsOwnConfidence() =>
        RiskSpec.Given(AerialFinding("d1", T0, confidence: 0.7))
            .WhenScoredAfter(Hours(1))
            .ThenConfidence(Drone, 0.7)
            .ThenCorroboration(Drone, CorroborationLevel.Nominal, T0);

    [Fact]
    public void GivenTheSameDroneTwiceAtTheSite_WhenScored_ThenBothAreHighAndRaisedByTheRepeatBoost() =>
        RiskSpec.Given(AerialFinding("d1", T0, confidence: 0.7), AerialFinding("d2", T0 + Hours(10), confidence: 0.7))
            .WhenScoredAfter(Hours(10))
            .ThenConfidence(Drone, 0.8)
            .ThenCorroboration(Drone, CorroborationLevel.High, T0)
            .ThenCorroboration("aerial:d2", CorroborationLevel.High, T0);

    [Fact]
    public void GivenADroneAndASatelliteAtTheSameSite_WhenScored_ThenTheyAreIndependentDespiteOneFeed_AndTheEarliestDetectionIsKept() =>
        RiskSpec.Given(AerialFinding("s1", T0, platform: AerialPlatform.Satellite, confidence: 0.6), AerialFinding("d1", T0 + Hours(20), confidence: 0.7))
            .WhenScoredAfter(Hours(20))
            .ThenConfidence(Satellite, 0.85, "aerial-findings/drone")
            .ThenConfidence(Drone, 0.95, "aerial-findings/satellite")
            .ThenCorroboration(Drone, CorroborationLevel.Highest, T0)
            .ThenCorroboration(Satellite, CorroborationLevel.Highest, T0);

    [Fact]
    public void GivenADroneFindingAndACameraAlarmAtTheSameSite_WhenScored_ThenHighest() =>
        RiskSpec.Given(AerialFinding("d1", T0 + Hours(3), confidence: 0.7), Alarm("a1", T0))
            .WhenScoredAfter(Hours(3))
            .ThenConfidence(Drone, 0.95, "camera-alarms")
            .ThenCorroboration(Drone, CorroborationLevel.Highest, T0);

    [Fact]
    public void GivenAHelicopterFindingAndAPublicReportAtTheSameSite_WhenScored_ThenHighest() =>
        RiskSpec.Given(AerialFinding("h1", T0, platform: AerialPlatform.Helicopter, confidence: 0.5), Report("r1", T0 + Hours(30)))
            .WhenScoredAfter(Hours(30))
            .ThenConfidence("aerial:h1", 0.75, "public-reports")
            .ThenCorroboration("aerial:h1", CorroborationLevel.Highest, T0);

    [Fact]
    public void GivenADroneFindingAtAnotherSiteThanTheSatellites_WhenScored_ThenBothStayNominal() =>
        RiskSpec.Given(AerialFinding("s1", T0, platform: AerialPlatform.Satellite), AerialFinding("d1", T0 + Hours(1), site: TailingsPond))
            .WhenScoredAfter(Hours(1))
            .ThenCorroboration(Drone, CorroborationLevel.Nominal, T0 + Hours(1))
            .ThenCorroboration(Satellite, CorroborationLevel.Nominal, T0);

    [Fact]
    public void GivenAnUncorroboratedFinding_WhenTheExpiryPasses_ThenItStopsCounting()
    {
        RiskSpec.Given(AerialFinding("d1", T0)).WhenScoredAfter(Hours(336)).ThenCorroboration(Drone, CorroborationLevel.Nominal, T0);
        RiskSpec.Given(AerialFinding("d1", T0)).WhenScoredAfter(Hours(337)).ThenExplainedBy();
    }

    [Fact]
    public void GivenACorroboratedFinding_WhenTheExpiryPasses_ThenItStillCountsAsItDecays() =>
        RiskSpec.Given(AerialFinding("d1", T0), AerialFinding("s1", T0 + Hours(5), platform: AerialPlatform.Satellite))
            .WhenScoredAfter(Hours(400))
            .ThenExplainedBy(Satellite, Drone)
            .ThenCorroboration(Drone, CorroborationLevel.Highest, T0);

    [Fact]
    public void GivenTwoPublicReportsAtTheSite_WhenScored_ThenTheyAreHighButRepeatsOfAReportAddNoConfidence() =>
        RiskSpec.Given(Report("r1", T0), Report("r2", T0 + Hours(1)))
            .WhenScoredAfter(Hours(1))
            .ThenConfidence("public-report:r1", 0.5)
            .ThenCorroboration("public-report:r1", CorroborationLevel.High, T0);

    [Fact]
    public void GivenAFadedDroneFindingThatKeepsASatelliteFindingFromExpiring_WhenPruned_ThenTheScoreIsUnchanged()
    {
        var model = new RiskModel();
        model.Kinds[SignalKind.AerialFinding] = new() { Weight = 10, HalfLifeHours = 240, RepeatBoost = 0.1, NominalExpiryHours = 336 };
        var state = RiskSpec.Given(AerialFinding("d1", T0, Fusion.Domain.Common.Severity.Low), AerialFinding("s1", T0 + Hours(70), Fusion.Domain.Common.Severity.Critical, platform: AerialPlatform.Satellite)).State;
        var now = T0 + Hours(2300);

        var before = RiskScoring.Contributions(state.Signals, model, now).Sum(c => c.Contribution);
        var pruned = state.Prune(model, now);

        // The drone finding (low, 5 × 2^-9.6) has faded; the satellite's (critical) has not, and counts only as corroborated.
        Assert.True(RiskScoring.Weight(state.Signals[0], model) * RiskScoring.Decay(state.Signals[0], model, now) < model.NegligibleContribution);
        Assert.True(before > 0);
        Assert.Equal(2, pruned.Signals.Count);
        Assert.Equal(before, RiskScoring.Contributions(pruned.Signals, model, now).Sum(c => c.Contribution), 1e-6);
    }
}
