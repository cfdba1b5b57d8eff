using DuckDB.NET.Data;
using Fusion.Domain.Rectification;
using Fusion.Projections.Inspections;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Rectification;

public sealed record CaseRow(long Sequence, string CaseId, string Origin, string FindingId, string EnterpriseId, string RegionId, string? SiteId,
    string Violation, string Severity, DateOnly Deadline, DateTimeOffset DueAt, bool DeadlineDefaulted, string? Commissioners,
    DateTimeOffset OpenedAt) : AnalyticsRow(Sequence);

public sealed record CaseTransitionRow(long Sequence, string CaseId, string FindingId, string Transition, string? Actor, string? Note,
    DateOnly? Deadline, DateTimeOffset OccurredAt) : AnalyticsRow(Sequence);

/// <summary>Rectification cases (measures 3 and 7): one row per case as opened, one per step of its lifecycle.</summary>
public static class RectificationCaseTables
{
    const string Feed = "rectification";

    public static readonly AnalyticsTable<CaseRow> Table = new("rectification_cases", """
        sequence BIGINT NOT NULL, case_id VARCHAR NOT NULL, origin VARCHAR NOT NULL, finding_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL,
        region_id VARCHAR NOT NULL, site_id VARCHAR, violation VARCHAR NOT NULL, severity VARCHAR NOT NULL, deadline DATE NOT NULL,
        due_at TIMESTAMPTZ NOT NULL, deadline_defaulted BOOLEAN NOT NULL, commissioners VARCHAR, opened_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.CaseId).AppendValue(x.Origin).AppendValue(x.FindingId).AppendValue(x.EnterpriseId)
            .AppendValue(x.RegionId).AppendValue(x.SiteId).AppendValue(x.Violation).AppendValue(x.Severity).AppendValue(x.Deadline)
            .AppendValue(x.DueAt).AppendValue(x.DeadlineDefaulted).AppendValue(x.Commissioners).AppendValue(x.OpenedAt).EndRow());

    public static readonly AnalyticsTable<CaseTransitionRow> Transitions = new("case_transitions", """
        sequence BIGINT NOT NULL, case_id VARCHAR NOT NULL, finding_id VARCHAR NOT NULL, transition VARCHAR NOT NULL, actor VARCHAR,
        note VARCHAR, deadline DATE, occurred_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.CaseId).AppendValue(x.FindingId).AppendValue(x.Transition).AppendValue(x.Actor)
            .AppendValue(x.Note).AppendValue(x.Deadline).AppendValue(x.OccurredAt).EndRow());

    public static (EventFacts, AnalyticsRow[])? Fold(long seq, object data) => data switch
    {
        RectificationCaseOpened e => (Facts(e.EnterpriseId, e.RegionId, e.SiteId, e.Severity.ToString(), e.OpenedAt),
            [new CaseRow(seq, e.CaseId, e.Origin.ToString(), e.OriginId, e.EnterpriseId, e.RegionId, e.SiteId, e.Violation, e.Severity.ToString(),
                e.Deadline, e.DueAt, e.DeadlineDefaulted, e.CommissionerIds.Count == 0 ? null : string.Join(",", e.CommissionerIds), e.OpenedAt)]),
        RectificationPlanSubmitted e => Step(seq, e.CaseId, e.FindingId, "plan-submitted", e.SubmittedBy, e.Plan, null, e.SubmittedAt),
        RectificationPlanAccepted e => Step(seq, e.CaseId, e.FindingId, "plan-accepted", e.AcceptedBy, e.Note, null, e.AcceptedAt),
        RectificationPlanReturned e => Step(seq, e.CaseId, e.FindingId, "plan-returned", e.ReturnedBy, e.Reason, null, e.ReturnedAt),
        RectificationReportedComplete e => Step(seq, e.CaseId, e.FindingId, "reported-complete", e.ReportedBy, e.Report, null, e.ReportedAt),
        RectificationRejected e => Step(seq, e.CaseId, e.FindingId, "rejected", e.RejectedBy, e.Reason, null, e.RejectedAt),
        RectificationDeadlineExtended e => Step(seq, e.CaseId, e.FindingId, "deadline-extended", e.ExtendedBy, e.Reason, e.Deadline, e.ExtendedAt),
        RectificationOverdue e => Step(seq, e.CaseId, e.FindingId, "overdue", null, "escalated to " + string.Join(", ", e.EscalatedTo), e.Deadline, e.DetectedAt,
            e.EnterpriseId, e.RegionId),
        AccountabilityRecorded e => Step(seq, e.CaseId, e.FindingId, "accountability", e.ResponsibleUnitId, e.Reason, null, e.RecordedAt,
            e.ResponsibleUnitId, e.RegionId),
        // Verification is the one step that rectifies the finding: it goes to the findings' rectifications too.
        RectificationVerified e => (Facts(e.EnterpriseId, e.RegionId, null, null, e.VerifiedAt),
            [new CaseTransitionRow(seq, e.CaseId, e.FindingId, "verified", e.VerifiedBy, e.Note, null, e.VerifiedAt),
             new RectificationRow(seq, e.FindingId, "verified", e.VerifiedBy, e.VerifiedAt)]),
        _ => null,
    };

    static (EventFacts, AnalyticsRow[]) Step(long seq, string caseId, string findingId, string transition, string? actor, string? note, DateOnly? deadline,
        DateTimeOffset at, string? enterpriseId = null, string? regionId = null) =>
        (Facts(enterpriseId, regionId, null, null, at), [new CaseTransitionRow(seq, caseId, findingId, transition, actor, note, deadline, at)]);

    static EventFacts Facts(string? enterpriseId, string? regionId, string? siteId, string? severity, DateTimeOffset at) =>
        new(Feed, enterpriseId, regionId, siteId, severity, false, at);
}
