using Fusion.Domain.Common;
using Fusion.Domain.PublicReports;

namespace Fusion.Domain.Rewards;

public enum RewardStatus { Proposed, Approved, Declined, Paid }

/// <summary>A whistleblower's reward, folded from stream "reward:{Id}" (kept as a document for lists).</summary>
public sealed record Reward(
    string Id, string ReportId, string RegionId, string? EnterpriseId, ReportVerdict Verdict, Severity Severity, bool Anonymous,
    RewardStatus Status, decimal ProposedYuan, string Basis, decimal? ApprovedYuan, DateTimeOffset ProposedAt,
    DateTimeOffset? DecidedAt = null, string? DecidedBy = null, string? DeclineReason = null,
    DateTimeOffset? PayeeRevealedAt = null, DateTimeOffset? PaidAt = null, RewardPayee? PaidTo = null, string? PaymentRef = null)
{
    public static string IdFor(string reportId) => $"reward-{reportId}";

    public static Reward? Fold(IEnumerable<object> events) => events.Aggregate((Reward?)null, Apply);

    public static Reward? Apply(Reward? state, object @event) => (state, @event) switch
    {
        (null, RewardProposed e) => new(e.RewardId, e.ReportId, e.RegionId, e.EnterpriseId, e.Verdict, e.Severity, e.Anonymous,
            RewardStatus.Proposed, e.AmountYuan, e.Basis, null, e.ProposedAt),
        ({ } s, RewardApproved e) => s with { Status = RewardStatus.Approved, ApprovedYuan = e.AmountYuan, DecidedAt = e.ApprovedAt, DecidedBy = e.ApprovedBy },
        ({ } s, RewardDeclined e) => s with { Status = RewardStatus.Declined, DecidedAt = e.DeclinedAt, DecidedBy = e.DeclinedBy, DeclineReason = e.Reason },
        ({ } s, RewardPayeeRevealed e) => s with { PayeeRevealedAt = s.PayeeRevealedAt ?? e.RevealedAt },
        ({ } s, RewardPaid e) => s with { Status = RewardStatus.Paid, PaidAt = e.PaidAt, PaidTo = e.PaidTo, PaymentRef = e.PaymentRef },
        _ => state,
    };
}

public abstract record RewardCommand(DateTimeOffset Now);

/// <summary>Issued for every verification (PublicReportVerified): proposes a reward when the table gives one.</summary>
public sealed record ProposeReward(PublicReportVerified Verification, bool Anonymous, RewardPolicy Policy, DateTimeOffset Now) : RewardCommand(Now);

/// <summary>The authorised officer's approval, at the proposed amount (AmountYuan null) or another within the bounds.</summary>
public sealed record ApproveReward(decimal? AmountYuan, string? Note, string By, RewardPolicy Policy, DateTimeOffset Now) : RewardCommand(Now);

public sealed record DeclineReward(string Reason, string By, DateTimeOffset Now) : RewardCommand(Now);

/// <summary>The reporter's identity shown to By so the reward can be paid (a named report only).</summary>
public sealed record RevealPayee(string By, DateTimeOffset Now) : RewardCommand(Now);

/// <summary>
/// The payment made: to the revealed reporter, or — for an anonymous report — to whoever presented its receipt code
/// (ReceiptPresented: the code given matched the report's).
/// </summary>
public sealed record PayReward(string PaymentRef, bool ReceiptPresented, string By, DateTimeOffset Now) : RewardCommand(Now);

/// <summary>
/// Whistleblower rewards (measure 9) as a pure decision: proposed from the table for a verified major violation, approved
/// or declined by an authorised officer, paid once to a payee known by a recorded act. Invalid commands throw
/// <see cref="DomainRejected"/> (422), transitions the reward does not allow <see cref="TransitionRefused"/> (409).
/// </summary>
public static class RewardDecider
{
    public static object[] Decide(RewardCommand command, Reward? state)
    {
        Validate(command);
        return (command, state) switch
        {
            (ProposeReward c, null) => c.Policy.For(c.Verification.Verdict, c.Verification.Severity) is { } earned
                ? [new RewardProposed(Reward.IdFor(c.Verification.ReportId), c.Verification.ReportId, c.Verification.RegionId, c.Verification.EnterpriseId,
                    c.Verification.Verdict, c.Verification.Severity, c.Anonymous, earned.AmountYuan, earned.Basis, c.Now)]
                : [],
            (ProposeReward, _) => [],
            (_, null) => throw new TransitionRefused("There is no such reward."),

            (ApproveReward c, { Status: RewardStatus.Proposed } s) => [new RewardApproved(s.Id, s.ReportId, Amount(c, s), Text(c.Note), c.By.Trim(), c.Now)],
            (ApproveReward c, { Status: RewardStatus.Approved } s) when Amount(c, s) == s.ApprovedYuan => [],
            (DeclineReward c, { Status: RewardStatus.Proposed } s) => [new RewardDeclined(s.Id, s.ReportId, c.Reason.Trim(), c.By.Trim(), c.Now)],
            (ApproveReward or DeclineReward, { Status: RewardStatus.Declined } s) => throw new TransitionRefused(
                $"Reward {s.Id} was declined on {s.DecidedAt:yyyy-MM-dd} by {s.DecidedBy}: {s.DeclineReason}"),
            (ApproveReward or DeclineReward, { } s) => throw new TransitionRefused(
                $"Reward {s.Id} was approved on {s.DecidedAt:yyyy-MM-dd} by {s.DecidedBy} at {s.ApprovedYuan:0} yuan{(s.Status == RewardStatus.Paid ? " and paid" : "")}; it is not decided again."),

            (RevealPayee, { Anonymous: true } s) => throw new TransitionRefused(
                $"Report {s.ReportId} was made anonymously: there is no identity to reveal; the reward goes to whoever presents its receipt code."),
            (RevealPayee c, { Status: RewardStatus.Approved } s) => [new RewardPayeeRevealed(s.Id, s.ReportId, c.By.Trim(), c.Now)],
            (RevealPayee, { } s) => throw new TransitionRefused($"Reward {s.Id} is {s.Status.ToString().ToLowerInvariant()}: a reporter is revealed only to pay an approved reward."),

            (PayReward, { Status: RewardStatus.Paid }) => [],
            (PayReward c, { Status: RewardStatus.Approved, Anonymous: true } s) when c.ReceiptPresented =>
                [new RewardPaid(s.Id, s.ReportId, s.ApprovedYuan!.Value, RewardPayee.ReceiptHolder, c.PaymentRef.Trim(), c.By.Trim(), c.Now)],
            (PayReward, { Status: RewardStatus.Approved, Anonymous: true } s) => throw new TransitionRefused(
                $"Report {s.ReportId} was made anonymously: pay the reward to whoever presents its receipt code, and give that code ('receipt')."),
            (PayReward c, { Status: RewardStatus.Approved, PayeeRevealedAt: not null } s) =>
                [new RewardPaid(s.Id, s.ReportId, s.ApprovedYuan!.Value, RewardPayee.RevealedReporter, c.PaymentRef.Trim(), c.By.Trim(), c.Now)],
            (PayReward, { Status: RewardStatus.Approved } s) => throw new TransitionRefused(
                $"The payee of reward {s.Id} is not known yet: reveal the reporter for payment first (POST /api/rewards/{s.Id}/payee), a recorded act."),
            (PayReward, { } s) => throw new TransitionRefused($"Reward {s.Id} is {s.Status.ToString().ToLowerInvariant()}: only an approved reward is paid."),
            _ => throw new DomainRejected($"Unknown command {command.GetType().Name}."),
        };
    }

    static decimal Amount(ApproveReward c, Reward s) => c.AmountYuan ?? s.ProposedYuan;

    static string? Text(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    static void Validate(RewardCommand command)
    {
        (string Field, string? Value)[] required = command switch
        {
            ApproveReward c => [("by", c.By)],
            DeclineReward c => [("by", c.By), ("reason", c.Reason)],
            RevealPayee c => [("by", c.By)],
            PayReward c => [("by", c.By), ("paymentRef", c.PaymentRef)],
            _ => [],
        };
        foreach (var (field, value) in required)
            if (string.IsNullOrWhiteSpace(value))
                throw new DomainRejected($"'{field}' is required for this reward step.");
        if (command is ApproveReward { AmountYuan: { } amount } a && (amount < a.Policy.MinYuan || amount > a.Policy.MaxYuan))
            throw new DomainRejected($"'amountYuan' {amount:0.##} is outside the reward bounds of {a.Policy.MinYuan:0}–{a.Policy.MaxYuan:0} yuan.");
    }
}
