using Fusion.Connectors.CameraHealth;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Cameras;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Gb28181;

/// <summary>
/// What a GB/T 28181 notification means. An alarm becomes CameraAlarmRaised on the enterprise's stream
/// (Source "gb28181", AlarmId DeviceID:SN:AlarmTime), so risk scoring treats it like any camera alarm;
/// a keepalive becomes CameraKeepaliveReceived on the camera's stream. Pure; throws RecordRejected.
/// </summary>
public static class Gb28181Feed
{
    public const string Name = "gb28181";
    public const string KeepaliveFeed = "gb28181-keepalive";

    /// <summary>A body's notifications as one batch; unreadable ones and unknown devices are rejections with their text.</summary>
    public static TranslatedBatch Translate(IReadOnlyList<Gb28181Entry> entries, MasterDataCatalog catalog, DateTimeOffset receivedAt, IngestChecks? checks = null) =>
        IngestBatch.Translate(Name, entries.Select(e => new SourceRecord<Gb28181Notify>(
                e.Index, e.Notify is { } n ? $"{n.DeviceId}:{n.SN}" : null, () => e.Text, e.Notify, e.Notify is null ? e.Problem ?? "unreadable" : null)),
            n => [Translate(n, catalog, receivedAt)], checks);

    public static IngestItem Translate(Gb28181Notify n, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var camera = catalog.CamerasByDeviceCode.GetValueOrDefault(n.DeviceId) is { } cameraId
            ? catalog.Cameras.GetValueOrDefault(cameraId)
            : null;
        if (camera is null) throw new RecordRejected($"DeviceID '{n.DeviceId}' is not the code of a camera registered in master data");
        if (camera.RetiredAt(n.CmdType == Gb28181Parser.Keepalive ? receivedAt : n.AlarmTime ?? receivedAt))
            throw new RecordRejected($"DeviceID '{n.DeviceId}' is camera '{camera.CameraId}', retired from {camera.RetiredFrom:yyyy-MM-dd}; its notifications from then are refused");

        if (n.CmdType == Gb28181Parser.Keepalive)
        {
            // Cameras send a keepalive every minute; the camera's stream keeps one per status per slot of five
            // minutes, which is enough to restore liveness after a restart, while the watch in memory sees every
            // one. SN is left out: it restarts when a device reboots.
            var key = $"{n.DeviceId}:{n.Status}:{CameraOutages.Slot(receivedAt)}";
            return new IngestItem(Feeds.Key(KeepaliveFeed, key), Streams.Camera(camera.CameraId),
                [new CameraKeepaliveReceived(camera.CameraId, n.DeviceId, n.SN, n.Status ?? "OK", receivedAt)], receivedAt);
        }

        var alarmTime = n.AlarmTime ?? throw new RecordRejected("AlarmTime is missing");
        var alarmId = $"{n.DeviceId}:{n.SN}:{alarmTime.ToOffset(TimeSpan.FromHours(8)):yyyyMMddHHmmss}";
        return new IngestItem(Feeds.Key(Name, alarmId), Streams.Enterprise(camera.EnterpriseId),
            [new CameraAlarmRaised(alarmId, camera.CameraId, camera.SiteId, camera.EnterpriseId, camera.RegionId,
                AlarmTypeOf(n), ConfidenceOf(n.AlarmPriority ?? 4), null, Name, alarmTime)]);
    }

    /// <summary>
    /// GB/T 28181 has no discharge or smoke alarm types; the AI boxes at outfalls and slag yards say what they
    /// saw in AlarmDescription, so words there decide first, then method and type: an abandoned object (video
    /// type 3) is dumping; video anomaly (11), video loss (device 1) and tamper (device 2) are tampering.
    /// </summary>
    public static CameraAlarmType AlarmTypeOf(Gb28181Notify n)
    {
        if (n.AlarmDescription is { } d)
        {
            if (ContainsAny(d, "排污", "偷排", "排放", "废水", "污水", "discharge")) return CameraAlarmType.AbnormalDischarge;
            if (ContainsAny(d, "烟", "粉尘", "扬尘", "smoke", "dust")) return CameraAlarmType.SmokeAndDust;
            if (ContainsAny(d, "倾倒", "倾废", "堆放", "dump")) return CameraAlarmType.IllegalDumping;
            if (ContainsAny(d, "遮挡", "破坏", "防拆", "tamper")) return CameraAlarmType.Tamper;
        }
        return (n.AlarmMethod, n.AlarmType) switch
        {
            (5, 3) => CameraAlarmType.IllegalDumping,
            (5, 11) or (2, 1) or (2, 2) => CameraAlarmType.Tamper,
            _ => CameraAlarmType.Other,
        };
    }

    /// <summary>How much the platform trusts a device alarm, by its priority (1 most serious).</summary>
    public static double ConfidenceOf(int priority) => priority switch
    {
        1 => 0.9,
        2 => 0.75,
        3 => 0.6,
        _ => 0.5,
    };

    static bool ContainsAny(string text, params string[] words) =>
        words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
}
