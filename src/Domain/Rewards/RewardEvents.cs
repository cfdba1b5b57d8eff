using Fusion.Domain.Common;
using Fusion.Domain.PublicReports;

namespace Fusion.Domain.Rewards;

/// <summary>How a reward reached its payee: the revealed reporter, or whoever presented the receipt of an anonymous report.</summary>
public enum RewardPayee { RevealedReporter, ReceiptHolder }

/// <summary>
/// A verified report of a major violation earns a reward (measure 9): proposed from the reward table (Basis says which row).
/// Stream "reward:{RewardId}", one per report.
/// </summary>
public sealed record RewardProposed(
    string RewardId, string ReportId, string RegionId, string? EnterpriseId, ReportVerdict Verdict, Severity Severity, bool Anonymous,
    decimal AmountYuan, string Basis, DateTimeOffset ProposedAt);

/// <summary>An authorised officer approved the reward, at the proposed amount or another within the policy's bounds.</summary>
public sealed record RewardApproved(string RewardId, string ReportId, decimal AmountYuan, string? Note, string ApprovedBy, DateTimeOffset ApprovedAt);

public sealed record RewardDeclined(string RewardId, string ReportId, string Reason, string DeclinedBy, DateTimeOffset DeclinedAt);

/// <summary>
/// The reporter's identity was revealed to RevealedTo for paying this reward (the report's stream records the same act as
/// ReporterIdentityRevealed).
/// </summary>
public sealed record RewardPayeeRevealed(string RewardId, string ReportId, string RevealedTo, DateTimeOffset RevealedAt);

public sealed record RewardPaid(string RewardId, string ReportId, decimal AmountYuan, RewardPayee PaidTo, string PaymentRef, string PaidBy, DateTimeOffset PaidAt);
