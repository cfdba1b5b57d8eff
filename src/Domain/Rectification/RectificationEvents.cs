using Fusion.Domain.Common;

namespace Fusion.Domain.Rectification;

/// <summary>Where a case comes from. Third-party pre-assessments (measure 3) will name their issues here once they exist as events.</summary>
public enum CaseOrigin { InspectionFinding }

public enum CaseStatus { AwaitingPlan, PlanSubmitted, PlanReturned, InProgress, AwaitingVerification, Verified }

/// <summary>
/// A rectification case (measures 3 and 7) opened for a finding. Deadline is the day the work must be
/// verified by, a calendar day in the finding's own offset; DueAt is that day's end there.
/// Commissioners are those overseeing the region when the case opened (its parent's, when it has none).
/// </summary>
public sealed record RectificationCaseOpened(
    string CaseId, CaseOrigin Origin, string OriginId, string EnterpriseId, string RegionId, string? SiteId,
    string Violation, Severity Severity, DateOnly Deadline, DateTimeOffset DueAt, bool DeadlineDefaulted,
    IReadOnlyList<string> CommissionerIds, DateTimeOffset OpenedAt);

public sealed record RectificationPlanSubmitted(string CaseId, string FindingId, string Plan, string SubmittedBy, DateTimeOffset SubmittedAt);

public sealed record RectificationPlanAccepted(string CaseId, string FindingId, string? Note, string AcceptedBy, DateTimeOffset AcceptedAt);

public sealed record RectificationPlanReturned(string CaseId, string FindingId, string Reason, string ReturnedBy, DateTimeOffset ReturnedAt);

public sealed record RectificationReportedComplete(string CaseId, string FindingId, string Report, string ReportedBy, DateTimeOffset ReportedAt);

/// <summary>The work was checked on site and found done: the only event that closes the finding (its risk signal among others).</summary>
public sealed record RectificationVerified(
    string CaseId, string FindingId, string EnterpriseId, string RegionId, string? Note, string VerifiedBy, DateTimeOffset VerifiedAt);

/// <summary>The reported work was not found done on site: the case is reopened and work continues.</summary>
public sealed record RectificationRejected(string CaseId, string FindingId, string Reason, string RejectedBy, DateTimeOffset RejectedAt);

public sealed record RectificationDeadlineExtended(
    string CaseId, string FindingId, DateOnly PreviousDeadline, DateOnly Deadline, DateTimeOffset DueAt, string Reason,
    string ExtendedBy, DateTimeOffset ExtendedAt);

/// <summary>The deadline passed without verified rectification: the case is escalated to the region's commissioners.</summary>
public sealed record RectificationOverdue(
    string CaseId, string FindingId, string EnterpriseId, string RegionId, DateOnly Deadline,
    IReadOnlyList<string> EscalatedTo, DateTimeOffset DetectedAt);

/// <summary>
/// Accountability (问责) recorded against the unit responsible for an overdue rectification — what
/// measure 8 calls responsibility not implemented.
/// </summary>
public sealed record AccountabilityRecorded(
    string CaseId, string FindingId, string ResponsibleUnitId, string RegionId, string Reason, DateTimeOffset RecordedAt);
