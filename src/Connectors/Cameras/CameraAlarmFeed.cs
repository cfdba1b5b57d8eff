using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Cameras;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Cameras;

/// <summary>The JSON an AI camera box or NVR posts for one alarm. Confidence is 0–1.</summary>
public sealed record CameraAlarmRecord(
    string AlarmId, string CameraId, string AlarmType, double Confidence, DateTimeOffset OccurredAt, string? SnapshotUrl = null);

public sealed class CameraAlarmFeed : IFeed
{
    public static readonly IReadOnlyDictionary<string, CameraAlarmType> AlarmTypes = new Dictionary<string, CameraAlarmType>
    {
        ["abnormal-discharge"] = CameraAlarmType.AbnormalDischarge,
        ["smoke-and-dust"] = CameraAlarmType.SmokeAndDust,
        ["illegal-dumping"] = CameraAlarmType.IllegalDumping,
        ["tamper"] = CameraAlarmType.Tamper,
        ["other"] = CameraAlarmType.Other,
    };

    public string Name => "camera-alarms";
    public string IdField => "alarmId";

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var alarmId = r.String("alarmId");
        var cameraId = r.String("cameraId");
        var type = r.Choice("alarmType", AlarmTypes);
        var confidence = r.Number("confidence");
        if (confidence is < 0 or > 1) throw new RecordRejected($"'confidence' is {confidence}; it should be between 0 and 1");
        var occurredAt = r.Time("occurredAt");
        var camera = catalog.Cameras.GetValueOrDefault(cameraId)
            ?? throw new RecordRejected($"camera '{cameraId}' is not registered in master data");
        if (camera.RetiredAt(occurredAt))
            throw new RecordRejected($"camera '{cameraId}' was retired from {camera.RetiredFrom:yyyy-MM-dd}; its alarms from then are refused");
        return new IngestItem(
            Feeds.Key(Name, alarmId), Streams.Enterprise(camera.EnterpriseId),
            [new CameraAlarmRaised(alarmId, camera.CameraId, camera.SiteId, camera.EnterpriseId, camera.RegionId, type, confidence, r.OptionalString("snapshotUrl"), "camera-webhook", occurredAt)]);
    }
}
