namespace Fusion.Domain.Cameras;

/// <summary>
/// A GB/T 28181 keepalive (心跳) from a camera: Status "OK" or "ERROR". Appended to the camera's stream,
/// at most one per status per five minutes (cameras send one a minute).
/// </summary>
public sealed record CameraKeepaliveReceived(
    string CameraId, string DeviceCode, long SerialNumber, string Status,
    DateTimeOffset ReceivedAt);

/// <summary>
/// A camera was silent (no keepalive, heartbeat or alarm) for longer than allowed. Appended to the
/// enterprise's stream: a camera that goes dark at a monitored site is a risk in itself.
/// OutageId is CameraId plus LastSeenAt, so detecting the same outage again appends nothing.
/// </summary>
public sealed record CameraWentOffline(
    string OutageId, string CameraId, string SiteId, string EnterpriseId, string RegionId,
    double AllowedSilenceMinutes,
    DateTimeOffset LastSeenAt, DateTimeOffset DetectedAt);

/// <summary>A camera reported offline was heard from again.</summary>
public sealed record CameraCameOnline(
    string OutageId, string CameraId, string SiteId, string EnterpriseId, string RegionId,
    double OfflineMinutes,
    DateTimeOffset LastSeenAt, DateTimeOffset CameOnlineAt);
