using System.Text.Json.Nodes;
using Fusion.Connectors.Cameras;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.Cameras;
using Fusion.Domain.Risk;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Cameras;

public class CameraAlarmFeedSpecs
{
    static readonly CameraAlarmFeed Feed = new();
    static readonly DateTimeOffset OccurredAt = new(2026, 11, 28, 9, 30, 0, Beijing);

    static readonly JsonObject Alarm = FeedSpec.Record(
        new CameraAlarmRecord("alarm-1001", "cam-1", "abnormal-discharge", 0.92, OccurredAt, "https://nvr.golmud.example/snap/1001.jpg"));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenARegisteredCamera_WhenItsAlarmArrives_ThenTheAlarmIsRaisedAtItsSiteAndEnterprise() =>
        When(Alarm).ThenEvents(new CameraAlarmRaised("alarm-1001", "cam-1", "outfall-1", SaltLake, "golmud",
            CameraAlarmType.AbnormalDischarge, 0.92, "https://nvr.golmud.example/snap/1001.jpg", "camera-webhook", OccurredAt));

    [Fact]
    public void GivenAnAlarm_WhenTranslated_ThenItGoesToTheEnterpriseStreamKeyedByFeedAndAlarmId() =>
        When(Alarm).ThenKeys("camera-alarms:alarm-1001", SaltLake);

    [Fact]
    public void GivenAnAlarm_WhenItBecomesASignal_ThenTheSignalNamesThisFeed() =>
        Assert.Equal(Feed.Name, RiskSignals.From(When(Alarm).ThenAccepted().Events[0], 1)?.Feed);

    [Fact]
    public void GivenFieldNamesInAnotherCase_WhenTranslated_ThenTheyAreStillRead() =>
        Assert.Equal("alarm-1001", When(Alarm.Without("alarmId").With("AlarmID", "alarm-1001")).ThenSingle<CameraAlarmRaised>().AlarmId);

    [Fact]
    public void GivenNoAlarmId_WhenTranslated_ThenRejectedAsMissing() =>
        When(Alarm.Without("alarmId")).ThenRejected("'alarmId' is missing or empty");

    [Fact]
    public void GivenACameraIdThatIsNotText_WhenTranslated_ThenRejectedNamingTheType() =>
        When(Alarm.With("cameraId", true)).ThenRejected("'cameraId' should be text, not true/false");

    [Fact]
    public void GivenAnUnknownAlarmType_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(Alarm.With("alarmType", "fire")).ThenRejected(
            "'alarmType' is 'fire'; use one of: abnormal-discharge, smoke-and-dust, illegal-dumping, tamper, other");

    [Fact]
    public void GivenAnAlarmTypeInCapitals_WhenTranslated_ThenItIsStillUnderstood() =>
        Assert.Equal(CameraAlarmType.IllegalDumping, When(Alarm.With("alarmType", "Illegal-Dumping")).ThenSingle<CameraAlarmRaised>().AlarmType);

    [Fact]
    public void GivenAConfidenceAboveOne_WhenTranslated_ThenRejectedSayingTheRange() =>
        When(Alarm.With("confidence", 92)).ThenRejected("'confidence' is 92; it should be between 0 and 1");

    [Fact]
    public void GivenAConfidenceInWords_WhenTranslated_ThenRejectedAsNotANumber() =>
        When(Alarm.With("confidence", "high")).ThenRejected("'confidence' should be a number, not text \"high\"");

    [Fact]
    public void GivenAConfidenceAsNumericText_WhenTranslated_ThenItIsRead() =>
        Assert.Equal(0.5, When(Alarm.With("confidence", "0.5")).ThenSingle<CameraAlarmRaised>().Confidence);

    [Fact]
    public void GivenATimeWithoutOffset_WhenTranslated_ThenRejectedAskingForTheOffset() =>
        When(Alarm.With("occurredAt", "2026-11-28T09:30:00")).ThenRejected(
            "'occurredAt' should be a date and time with its UTC offset, like 2026-11-28T09:30:00+08:00, not '2026-11-28T09:30:00'");

    [Fact]
    public void GivenATimeInUtc_WhenTranslated_ThenItIsTheSameInstant() =>
        Assert.Equal(OccurredAt, When(Alarm.With("occurredAt", "2026-11-28T01:30:00Z")).ThenSingle<CameraAlarmRaised>().OccurredAt);

    [Fact]
    public void GivenAnUnregisteredCamera_WhenTranslated_ThenRejectedNamingIt() =>
        When(Alarm.With("cameraId", "cam-99")).ThenRejected("camera 'cam-99' is not registered in master data");
}
