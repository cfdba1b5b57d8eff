namespace Fusion.Domain.Cameras;

public enum CameraAlarmType { AbnormalDischarge, SmokeAndDust, IllegalDumping, Tamper, Other }

/// <summary>An AI camera or NVR raised an alarm at a monitored site. Confidence is 0–1.</summary>
public sealed record CameraAlarmRaised(
    string AlarmId, string CameraId, string SiteId, string EnterpriseId, string RegionId,
    CameraAlarmType AlarmType, double Confidence, string? SnapshotUrl, string Source,
    DateTimeOffset OccurredAt);
