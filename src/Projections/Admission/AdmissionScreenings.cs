using DuckDB.NET.Data;
using Fusion.Domain.Admission;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Admission;

public sealed record ScreeningRow(long Sequence, string ScreeningId, string ProjectId, string ProjectName, string InvestorCreditCode, string Industry,
    string Decision, string? ReasonKinds, string? Reasons, string? PreviousScreeningId, string ScreenedBy, DateTimeOffset ScreenedAt) : AnalyticsRow(Sequence);

/// <summary>Project admission screenings (measure 12), one row each; reasons by kind and in words, separated by ' | '.</summary>
public static class AdmissionScreenings
{
    public static readonly AnalyticsTable<ScreeningRow> Table = new("admission_screenings", """
        sequence BIGINT NOT NULL, screening_id VARCHAR NOT NULL, project_id VARCHAR NOT NULL, project_name VARCHAR NOT NULL,
        investor_credit_code VARCHAR NOT NULL, industry VARCHAR NOT NULL, decision VARCHAR NOT NULL, reason_kinds VARCHAR, reasons VARCHAR,
        previous_screening_id VARCHAR, screened_by VARCHAR NOT NULL, screened_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.ScreeningId).AppendValue(x.ProjectId).AppendValue(x.ProjectName).AppendValue(x.InvestorCreditCode)
            .AppendValue(x.Industry).AppendValue(x.Decision).AppendValue(x.ReasonKinds).AppendValue(x.Reasons).AppendValue(x.PreviousScreeningId)
            .AppendValue(x.ScreenedBy).AppendValue(x.ScreenedAt).EndRow());

    public static (EventFacts, AnalyticsRow[])? Fold(long seq, object data) => data is ProjectScreened e
        ? (new EventFacts("admission", e.InvestorCreditCode, null, null, null, false, e.ScreenedAt),
            [new ScreeningRow(seq, e.ScreeningId, e.ProjectId, e.ProjectName, e.InvestorCreditCode, e.Industry, e.Decision.ToString(),
                e.Reasons.Count == 0 ? null : string.Join(",", e.Reasons.Select(r => r.Kind)),
                e.Reasons.Count == 0 ? null : string.Join(" | ", e.Reasons.Select(r => r.Detail)), e.PreviousScreeningId, e.ScreenedBy, e.ScreenedAt)])
        : null;
}
