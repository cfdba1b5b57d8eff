using DuckDB.NET.Data;
using Fusion.Domain.Cameras;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Cameras;

public sealed record CameraAlarmRow(long Sequence, string AlarmId, string CameraId, string SiteId, string EnterpriseId, string RegionId,
    string AlarmType, string Severity, double Confidence, string Source, DateTimeOffset OccurredAt) : AnalyticsRow(Sequence);

public static class CameraAlarms
{
    public static readonly AnalyticsTable<CameraAlarmRow> Table = new("camera_alarms", """
        sequence BIGINT NOT NULL, alarm_id VARCHAR NOT NULL, camera_id VARCHAR NOT NULL, site_id VARCHAR NOT NULL,
        enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL, alarm_type VARCHAR NOT NULL, severity VARCHAR NOT NULL,
        confidence DOUBLE NOT NULL, source VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.AlarmId).AppendValue(x.CameraId).AppendValue(x.SiteId).AppendValue(x.EnterpriseId)
            .AppendValue(x.RegionId).AppendValue(x.AlarmType).AppendValue(x.Severity).AppendValue(x.Confidence).AppendValue(x.Source)
            .AppendValue(x.OccurredAt).EndRow());

    public static (EventFacts, AnalyticsRow[]) Fold(long seq, CameraAlarmRaised e)
    {
        var severity = RiskSignals.SeverityOf(e.AlarmType).ToString();
        return (new EventFacts(RiskSignals.CameraFeed, e.EnterpriseId, e.RegionId, e.SiteId, severity, true, e.OccurredAt),
            [new CameraAlarmRow(seq, e.AlarmId, e.CameraId, e.SiteId, e.EnterpriseId, e.RegionId, e.AlarmType.ToString(), severity, e.Confidence, e.Source, e.OccurredAt)]);
    }
}
