using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Devices;

public static class DeviceQueries
{
    public static readonly NamedQuery Availability = new(
        "device-availability", "Camera and monitor availability per enterprise",
        "Per enterprise: registered cameras and monitors and the share of the period (from the start of 'from' to the end of 'to', local time) they were online. An outage still open at the end of the period counts to the end of the period.",
        [From, To, Enterprise],
        """
        WITH bounds AS (
            SELECT timezone('Asia/Shanghai', CAST($from AS TIMESTAMP)) AS p_start,
                   timezone('Asia/Shanghai', CAST(CAST($to AS DATE) + 1 AS TIMESTAMP)) AS p_end),
        devices AS (
            SELECT 'camera' AS device_kind, camera_id AS device_id, enterprise_id FROM cameras
            UNION ALL SELECT 'monitor', monitor_id, enterprise_id FROM monitors),
        offline AS (
            SELECT o.device_kind, o.device_id,
                   sum(epoch(least(coalesce(o.ended_at, b.p_end), b.p_end)) - epoch(greatest(o.started_at, b.p_start))) AS seconds
            FROM device_outages o, bounds b
            WHERE o.started_at < b.p_end AND coalesce(o.ended_at, b.p_end) > b.p_start
            GROUP BY ALL),
        per_device AS (
            SELECT d.enterprise_id, d.device_kind, coalesce(o.seconds, 0) AS offline_seconds, epoch(b.p_end) - epoch(b.p_start) AS period_seconds
            FROM devices d LEFT JOIN offline o USING (device_kind, device_id), bounds b
            WHERE $enterprise IS NULL OR d.enterprise_id = $enterprise)
        SELECT p.enterprise_id, e.name,
               count(*) FILTER (WHERE device_kind = 'camera') AS cameras,
               round(1 - sum(offline_seconds) FILTER (WHERE device_kind = 'camera') / nullif(sum(period_seconds) FILTER (WHERE device_kind = 'camera'), 0), 4) AS camera_availability,
               count(*) FILTER (WHERE device_kind = 'monitor') AS monitors,
               round(1 - sum(offline_seconds) FILTER (WHERE device_kind = 'monitor') / nullif(sum(period_seconds) FILTER (WHERE device_kind = 'monitor'), 0), 4) AS monitor_availability,
               round(sum(offline_seconds) / 3600, 2) AS offline_hours
        FROM per_device p LEFT JOIN enterprises e USING (enterprise_id)
        GROUP BY ALL
        ORDER BY least(coalesce(camera_availability, 1), coalesce(monitor_availability, 1)), p.enterprise_id
        """);
}
