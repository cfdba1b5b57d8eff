using Fusion.Domain.Common;

namespace Fusion.Domain.Assessments;

/// <summary>What a third-party environmental risk pre-assessment (measure 3) was about.</summary>
public enum AssessedSubject { Enterprise, IndustrialPark, ProtectedZone }

/// <summary>
/// A third-party risk pre-assessment of an enterprise, an industrial park or a protected zone: who assessed it, the risk
/// level found, how many issues, and by when the remediation plan is due. Each issue is its own AssessmentIssueFound.
/// EnterpriseId is set for an enterprise; RegionId is the enterprise's region, the park itself, or the zone's region.
/// </summary>
public sealed record RiskPreAssessmentRecorded(
    string AssessmentId, AssessedSubject SubjectKind, string SubjectId, string RegionId, string? EnterpriseId,
    Severity RiskLevel, int Issues, DateOnly RemediationDueBy,
    string Assessor, DateTimeOffset AssessedAt);

/// <summary>One issue an assessment found: open until a later assessment finds it resolved, due with the remediation plan.</summary>
public sealed record AssessmentIssueFound(
    string AssessmentId, string IssueId, AssessedSubject SubjectKind, string SubjectId, string RegionId, string? EnterpriseId,
    string Description, Severity Severity, DateOnly RemediationDueBy,
    string Assessor, DateTimeOffset FoundAt);

/// <summary>A later assessment (ResolvedIn) found an earlier assessment's issue resolved.</summary>
public sealed record AssessmentIssueResolved(
    string AssessmentId, string IssueId, string SubjectId, string RegionId, string? EnterpriseId, string ResolvedIn,
    DateTimeOffset ResolvedAt);
