using DuckDB.NET.Data;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Devices;

/// <summary>A camera or monitor went offline or came back. The view device_outages pairs them into intervals.</summary>
public sealed record DeviceStatusRow(long Sequence, string DeviceKind, string DeviceId, string? EnterpriseId, string? SiteId, string? RegionId,
    string Status, DateTimeOffset ChangedAt) : AnalyticsRow(Sequence);

public static class DeviceStatus
{
    /// <summary>The feeds the camera-health and HJ 212 areas give their outage signals (RiskSignals.CameraHealthFeed, OnlineMonitoringFeed).</summary>
    public const string CameraFeed = "camera-health";
    public const string MonitorFeed = "online-monitoring";

    /// <summary>Names of the outage events (written by the camera and HJ 212 areas), read by name from their JSON.</summary>
    public static readonly string[] OfflineEventNames = ["CameraWentOffline", "CameraOffline", "CameraOfflineDetected", "MonitorWentOffline", "MonitorOffline", "MonitoringGapDetected", "MonitoringGapStarted"];
    public static readonly string[] OnlineEventNames = ["CameraCameOnline", "CameraBackOnline", "CameraOnline", "CameraRestored", "MonitorBackOnline", "MonitorOnline", "MonitorRestored", "MonitoringResumed", "MonitoringGapEnded"];

    public static readonly AnalyticsTable<DeviceStatusRow> Table = new("device_status_changes", """
        sequence BIGINT NOT NULL, device_kind VARCHAR NOT NULL, device_id VARCHAR NOT NULL, enterprise_id VARCHAR, site_id VARCHAR,
        region_id VARCHAR, status VARCHAR NOT NULL, changed_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.DeviceKind).AppendValue(x.DeviceId).AppendValue(x.EnterpriseId).AppendValue(x.SiteId)
            .AppendValue(x.RegionId).AppendValue(x.Status).AppendValue(x.ChangedAt).EndRow());

    /// <summary>Outage intervals: each offline change up to the next change of the same device (open while none follows).</summary>
    public const string OutagesView = """
        CREATE OR REPLACE VIEW device_outages AS
        SELECT device_kind, device_id, enterprise_id, site_id, region_id, changed_at AS started_at, next_at AS ended_at
        FROM (
            SELECT *, lead(changed_at) OVER (PARTITION BY device_kind, device_id ORDER BY changed_at, sequence) AS next_at
            FROM device_status_changes)
        WHERE status = 'offline'
        """;

    public static (EventFacts, AnalyticsRow[])? FoldNamed(AnalyticsEvent e, JsonFields f)
    {
        var status = OfflineEventNames.Contains(e.EventType) ? "offline" : OnlineEventNames.Contains(e.EventType) ? "online" : null;
        if (status is null) return null;
        var cameraId = f.String("CameraId");
        var kind = cameraId is not null || e.EventType.StartsWith("Camera", StringComparison.Ordinal) ? "camera" : "monitor";
        var deviceId = cameraId ?? f.String("MonitorId", "Mn", "DeviceId")
            ?? NamedEvent.IdFromStream(e.StreamKey, kind);
        if (deviceId is null) return null;
        var at = status == "offline"
            ? f.Time("OfflineSince", "LastSeenAt", "Since", "WentOfflineAt", "OccurredAt", "DetectedAt") ?? f.FirstTimeEndingInAt() ?? e.Timestamp
            : f.Time("CameOnlineAt", "ResumedAt", "OnlineAt", "BackOnlineAt", "RestoredAt", "OccurredAt", "DetectedAt") ?? f.FirstTimeEndingInAt() ?? e.Timestamp;
        var row = new DeviceStatusRow(e.Sequence, kind, deviceId, f.String("EnterpriseId"), f.String("SiteId"), f.String("RegionId"), status, at);
        return (new EventFacts(kind == "camera" ? CameraFeed : MonitorFeed, row.EnterpriseId, row.RegionId, row.SiteId, f.Severity("Severity"), status == "offline", at), [row]);
    }
}
