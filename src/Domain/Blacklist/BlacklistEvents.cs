namespace Fusion.Domain.Blacklist;

/// <summary>The situations of measure 8 that put an enterprise on the blacklist.</summary>
public enum BlacklistReason { ResponsibilityNotImplemented, RepeatedViolations, MajorIncident }

public enum EvidenceKind { SeriousFinding, MajorIncident, Accountability }

/// <summary>One recorded fact that counts towards the criteria, with the event it comes from.</summary>
public sealed record BlacklistEvidence(EvidenceKind Kind, string SourceId, string Summary, DateTimeOffset At);

/// <summary>A criterion met, with the evidence that meets it.</summary>
public sealed record CriterionMet(BlacklistReason Reason, string Explanation, IReadOnlyList<BlacklistEvidence> Evidence);

/// <summary>The criteria hold: a listing is proposed for an authorised decision. Stream "blacklist:{EnterpriseId}".</summary>
public sealed record BlacklistingProposed(
    string EnterpriseId, string ProposalId, string EnterpriseName, string RegionId,
    IReadOnlyList<CriterionMet> Criteria, DateTimeOffset ProposedAt);

/// <summary>An authorised decision lists the enterprise from ListedFrom until ListedUntil (the ban, two years by default).</summary>
public sealed record EnterpriseBlacklisted(
    string EnterpriseId, string ProposalId, string EnterpriseName, string RegionId, BlacklistReason ReasonCategory,
    DateTimeOffset ListedFrom, DateTimeOffset ListedUntil, string DecisionRef, string DecidedBy, DateTimeOffset DecidedAt);

public sealed record BlacklistingProposalDismissed(string EnterpriseId, string ProposalId, string Reason, string DecidedBy, DateTimeOffset DecidedAt);

/// <summary>The ban ran its term: the listing ended by itself.</summary>
public sealed record BlacklistingExpired(string EnterpriseId, string ProposalId, string RegionId, DateTimeOffset ListedUntil, DateTimeOffset ExpiredAt);

/// <summary>Delisted before the ban's end by a decision with its reason.</summary>
public sealed record EnterpriseDelisted(
    string EnterpriseId, string ProposalId, string RegionId, string Reason, string DecisionRef, string DecidedBy, DateTimeOffset DelistedAt);
