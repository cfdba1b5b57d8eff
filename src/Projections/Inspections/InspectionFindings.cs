using DuckDB.NET.Data;
using Fusion.Domain.Inspections;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Inspections;

public sealed record InspectionFindingRow(long Sequence, string FindingId, string EnterpriseId, string RegionId, string? SiteId,
    string Violation, string Severity, DateOnly RectifyBy, string RecordedBy, DateTimeOffset RecordedAt) : AnalyticsRow(Sequence);

public sealed record RectificationRow(long Sequence, string FindingId, string Kind, string? By, DateTimeOffset At) : AnalyticsRow(Sequence);

/// <summary>Inspector and commissioner findings, and when each was rectified (verified on site: RectificationCaseTables writes those rows).</summary>
public static class InspectionFindings
{
    public static readonly AnalyticsTable<InspectionFindingRow> Table = new("inspection_findings", """
        sequence BIGINT NOT NULL, finding_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL, site_id VARCHAR,
        violation VARCHAR NOT NULL, severity VARCHAR NOT NULL, rectify_by DATE NOT NULL, recorded_by VARCHAR NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.FindingId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.SiteId)
            .AppendValue(x.Violation).AppendValue(x.Severity).AppendValue(x.RectifyBy).AppendValue(x.RecordedBy).AppendValue(x.RecordedAt).EndRow());

    public static readonly AnalyticsTable<RectificationRow> Rectifications = new("rectifications", """
        sequence BIGINT NOT NULL, finding_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, rectified_by VARCHAR, rectified_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.FindingId).AppendValue(x.Kind).AppendValue(x.By).AppendValue(x.At).EndRow());

    public static (EventFacts, AnalyticsRow[]) Fold(long seq, InspectionFindingRecorded e) =>
        (new EventFacts(RiskSignals.InspectionFeed, e.EnterpriseId, e.RegionId, e.SiteId, e.Severity.ToString(), true, e.RecordedAt),
            [new InspectionFindingRow(seq, e.FindingId, e.EnterpriseId, e.RegionId, e.SiteId, e.Violation, e.Severity.ToString(),
                e.RectifyBy, e.RecordedBy, e.RecordedAt)]);
}
