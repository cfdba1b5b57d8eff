using DuckDB.NET.Data;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.PublicReports;

/// <summary>
/// A public report without anything that identifies the reporter: no contact, no name. DuplicateOf is the first report of
/// the complaint this one repeats (then it is no signal of its own).
/// </summary>
public sealed record PublicReportRow(long Sequence, string ReportId, string Channel, string RegionId, string? EnterpriseId, string? SiteId,
    string Content, bool Anonymous, DateTimeOffset ReceivedAt, string? DuplicateOf = null) : AnalyticsRow(Sequence);

public sealed record PublicReportVerificationRow(long Sequence, string ReportId, string? Verdict, string? Severity, string? VerifiedBy,
    DateTimeOffset VerifiedAt) : AnalyticsRow(Sequence);

public static class PublicReportTables
{
    /// <summary>
    /// Names of the verification event (PublicReportVerified, recorded by POST /api/public-reports/{id}/verify), read by name
    /// from its JSON: the table was laid out before the event existed, and its fields are the ones it reads.
    /// </summary>
    public static readonly string[] VerifiedEventNames = ["PublicReportVerified"];

    public static readonly AnalyticsTable<PublicReportRow> Table = new("public_reports", """
        sequence BIGINT NOT NULL, report_id VARCHAR NOT NULL, channel VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        enterprise_id VARCHAR, site_id VARCHAR, content VARCHAR NOT NULL, anonymous BOOLEAN NOT NULL, received_at TIMESTAMPTZ NOT NULL,
        duplicate_of VARCHAR
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.ReportId).AppendValue(x.Channel).AppendValue(x.RegionId).AppendValue(x.EnterpriseId)
            .AppendValue(x.SiteId).AppendValue(x.Content).AppendValue(x.Anonymous).AppendValue(x.ReceivedAt).AppendValue(x.DuplicateOf).EndRow());

    public static readonly AnalyticsTable<PublicReportVerificationRow> Verifications = new("public_report_verifications", """
        sequence BIGINT NOT NULL, report_id VARCHAR NOT NULL, verdict VARCHAR, severity VARCHAR, verified_by VARCHAR,
        verified_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.ReportId).AppendValue(x.Verdict).AppendValue(x.Severity).AppendValue(x.VerifiedBy)
            .AppendValue(x.VerifiedAt).EndRow());

    // The sealed reporter is deliberately not read: no trace of the reporter reaches analytics.
    // A duplicate of an earlier complaint is a row of its own but no signal: the first report of the case is.
    public static (EventFacts, AnalyticsRow[]) Fold(long seq, PublicReportFiled e) =>
        (new EventFacts(RiskSignals.PublicReportFeed, e.EnterpriseId, e.RegionId, e.SiteId, e.DuplicateOf is null ? "Medium" : null, e.DuplicateOf is null, e.ReceivedAt),
            [new PublicReportRow(seq, e.ReportId, e.Channel.ToString(), e.RegionId, e.EnterpriseId, e.SiteId, e.Content, e.Anonymous, e.ReceivedAt, e.DuplicateOf)]);

    public static (EventFacts, AnalyticsRow[])? FoldNamed(AnalyticsEvent e, JsonFields f)
    {
        if (!VerifiedEventNames.Contains(e.EventType)) return null;
        var reportId = f.String("ReportId") ?? NamedEvent.IdFromStream(e.StreamKey, "public-report");
        if (reportId is null) return null;
        var at = f.Time("VerifiedAt") ?? f.FirstTimeEndingInAt() ?? e.Timestamp;
        var severity = f.Severity("Severity");
        return (new EventFacts(RiskSignals.PublicReportFeed, f.String("EnterpriseId"), f.String("RegionId"), f.String("SiteId"), severity, false, at),
            [new PublicReportVerificationRow(e.Sequence, reportId, f.String("Verdict", "Outcome", "Result"), severity, f.String("VerifiedBy"), at)]);
    }
}
