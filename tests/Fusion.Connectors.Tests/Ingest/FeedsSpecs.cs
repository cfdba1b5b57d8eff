using System.Text.Json;
using Fusion.Connectors.Cameras;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Cameras;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Ingest;

public class FeedsSpecs
{
    static readonly IFeed Cameras = Feeds.All["camera-alarms"];

    static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

    static TranslatedBatch When(string json) => Feeds.Translate(Cameras, Body(json), Catalog, ReceivedAt);

    const string Good1 = """{ "alarmId": "a-1", "cameraId": "cam-1", "alarmType": "tamper", "confidence": 0.7, "occurredAt": "2026-11-28T09:30:00+08:00" }""";
    const string Good2 = """{ "alarmId": "a-2", "cameraId": "cam-2", "alarmType": "other", "confidence": 0.4, "occurredAt": "2026-11-28T09:31:00+08:00" }""";
    const string UnknownCamera = """{ "alarmId": "a-3", "cameraId": "cam-99", "alarmType": "tamper", "confidence": 0.7, "occurredAt": "2026-11-28T09:32:00+08:00" }""";

    [Fact]
    public void GivenTheFeedNames_WhenLookedUpInAnyCase_ThenEachCanonicalFeedIsThere()
    {
        Assert.Equal(["aerial-findings", "bank-statements", "camera-alarms", "fund-deposits", "inspection-findings", "public-reports", "risk-assessments", "sales-revenue"], Feeds.All.Keys.Order());
        Assert.IsType<CameraAlarmFeed>(Feeds.All["Camera-Alarms"]);
    }

    [Fact]
    public void GivenABadRecordBetweenTwoGoodOnes_WhenTranslated_ThenTheGoodOnesGoOnAndTheBadOneIsReportedByIndex()
    {
        var batch = When($"[{Good1}, {UnknownCamera}, {Good2}]");

        Assert.Equal([0, 2], batch.Accepted.Select(a => a.Index));
        Assert.Equal(["camera-alarms:a-1", "camera-alarms:a-2"], batch.Accepted.Select(a => a.Item.Key));
        var rejection = Assert.Single(batch.Rejected);
        Assert.Equal((1, "a-3", "camera 'cam-99' is not registered in master data"), (rejection.Index, rejection.RecordId, rejection.Reason));
        Assert.Equal(UnknownCamera, rejection.RawJson);
    }

    [Fact]
    public void GivenARecordThatIsNotAnObject_WhenTranslated_ThenItIsRejectedAndTheRestGoOn()
    {
        var batch = When($"[42, {Good1}]");

        var rejection = Assert.Single(batch.Rejected);
        Assert.Equal((0, (string?)null, "each record should be a JSON object, not number", "42"),
            (rejection.Index, rejection.RecordId, rejection.Reason, rejection.RawJson));
        Assert.Equal(1, Assert.Single(batch.Accepted).Index);
    }

    [Fact]
    public void GivenARecordWhoseIdIsNotText_WhenRejected_ThenItsIdIsLeftOutRatherThanFailingTheBatch()
    {
        var rejection = Assert.Single(When("""[{ "alarmId": { "x": 1 }, "cameraId": "cam-1" }]""").Rejected);

        Assert.Equal((null, "'alarmId' should be text, not an object"), (rejection.RecordId, rejection.Reason));
    }

    [Fact]
    public void GivenAnEmptyArray_WhenTranslated_ThenNothingIsAcceptedOrRejected()
    {
        var batch = When("[]");

        Assert.Equal(("camera-alarms", 0, 0), (batch.Feed, batch.Accepted.Count, batch.Rejected.Count));
    }

    [Fact]
    public void GivenASingleObjectInsteadOfAnArray_WhenTranslated_ThenTheWholeBodyIsRejected() =>
        Assert.Equal("the body should be a JSON array of camera-alarms records, not a single object",
            Assert.Throws<RecordRejected>(() => When(Good1)).Message);

    [Fact]
    public void GivenTheSameRecordTwice_WhenTranslated_ThenBothGetTheSameIdempotencyKeyAndEvent()
    {
        var batch = When($"[{Good1}, {Good1}]");

        Assert.Equal(batch.Accepted[0].Item.Key, batch.Accepted[1].Item.Key);
        Assert.Equal(Assert.IsType<CameraAlarmRaised>(batch.Accepted[0].Item.Events[0]), batch.Accepted[1].Item.Events[0]);
    }
}
