using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

/// <summary>
/// A public report starts at confidence 0.5; every other feed that saw the same site within 72 hours
/// adds 0.25, up to 1.
/// </summary>
public class CorroborationSpecs
{
    const string TheReport = "public-report:r1";

    [Fact]
    public void GivenAReportAndACameraAlarmAtTheSameSiteTenHoursApart_WhenScored_ThenTheReportIsMoreCertain() =>
        RiskSpec.Given(Report("r1", T0), Alarm("a1", T0 + Hours(10)))
            .WhenScoredAfter(Hours(10))
            .ThenConfidence(TheReport, 0.75, "camera-alarms");

    [Fact]
    public void GivenAReportSeenByTwoOtherFeeds_WhenScored_ThenEachFeedAddsToItsConfidence() =>
        RiskSpec.Given(Report("r1", T0), Alarm("a1", T0 + Hours(10)), AerialFinding("d1", T0 + Hours(20)))
            .WhenScoredAfter(Hours(20))
            .ThenConfidence(TheReport, 1.0, "aerial-findings/drone", "camera-alarms");

    [Fact]
    public void GivenThreeReportsAtTheSameSite_WhenScored_ThenTheSameFeedDoesNotCorroborateItself() =>
        RiskSpec.Given(Report("r1", T0), Report("r2", T0 + Hours(1)), Report("r3", T0 + Hours(2)))
            .WhenScoredAfter(Hours(2))
            .ThenConfidence(TheReport, 0.5);

    [Fact]
    public void GivenACameraAlarmExactly72HoursAfterTheReport_WhenScored_ThenItStillCorroborates() =>
        RiskSpec.Given(Report("r1", T0), Alarm("a1", T0 + Hours(72)))
            .WhenScoredAfter(Hours(72))
            .ThenConfidence(TheReport, 0.75, "camera-alarms");

    [Fact]
    public void GivenACameraAlarm73HoursAfterTheReport_WhenScored_ThenItIsOutsideTheWindow() =>
        RiskSpec.Given(Report("r1", T0), Alarm("a1", T0 + Hours(73)))
            .WhenScoredAfter(Hours(73))
            .ThenConfidence(TheReport, 0.5);

    [Fact]
    public void GivenACameraAlarmAtAnotherSite_WhenScored_ThenItDoesNotCorroborate() =>
        RiskSpec.Given(Report("r1", T0), Alarm("a1", T0 + Hours(1), site: TailingsPond))
            .WhenScoredAfter(Hours(1))
            .ThenConfidence(TheReport, 0.5);

    [Fact]
    public void GivenACameraAlarmAtAnotherEnterprisesSite_WhenScored_ThenItDoesNotCorroborate() =>
        RiskSpec.Given(Report("r1", T0), Alarm("a1", T0 + Hours(1), site: "slag-2", enterprise: Potash))
            .WhenScoredAfter(Hours(1))
            .ThenConfidence(TheReport, 0.5);

    [Fact]
    public void GivenAConfidentCameraAlarmCorroboratedByAReport_WhenScored_ThenConfidenceIsCappedAtOne() =>
        RiskSpec.Given(Alarm("a1", T0, confidence: 0.9), Report("r1", T0 + Hours(1)))
            .WhenScoredAfter(TimeSpan.Zero)
            .ThenConfidence("camera-alarm:a1", 1.0, "public-reports")
            .ThenContribution("camera-alarm:a1", 12);
}
