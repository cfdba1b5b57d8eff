using Fusion.Domain.Common;

namespace Fusion.Domain.Reserves;

public enum DisbursementStatus { Requested, Approved, Refused }

public sealed record Disbursement(string DisbursementId, string IncidentId, decimal AmountYuan, string Purpose, DisbursementStatus Status,
    string RequestedBy, DateTimeOffset RequestedAt, string? DecidedBy = null, DateTimeOffset? DecidedAt = null, string? RefusalReason = null);

/// <summary>
/// An emergency reserve account, folded from stream "reserve:{Id}" (kept as a document for lists): what was allocated,
/// what was disbursed, what requests hold, and what is left.
/// </summary>
public sealed record Reserve(string Id, string Name, string? RegionId, decimal AllocatedYuan, decimal DisbursedYuan,
    IReadOnlyList<string> Allocations, IReadOnlyList<Disbursement> Disbursements, DateTimeOffset OpenedAt)
{
    public decimal BalanceYuan => AllocatedYuan - DisbursedYuan;

    /// <summary>Held by requests not yet decided.</summary>
    public decimal PendingYuan => Disbursements.Where(d => d.Status == DisbursementStatus.Requested).Sum(d => d.AmountYuan);

    /// <summary>What a new request may still ask for.</summary>
    public decimal AvailableYuan => BalanceYuan - PendingYuan;

    public static Reserve? Fold(IEnumerable<object> events) => events.Aggregate((Reserve?)null, Apply);

    public static Reserve? Apply(Reserve? state, object @event) => (state, @event) switch
    {
        (null, ReserveAccountOpened e) => new(e.AccountId, e.Name, e.RegionId, 0, 0, [], [], e.OpenedAt),
        ({ } s, ReserveFundsAllocated e) => s with { AllocatedYuan = s.AllocatedYuan + e.AmountYuan, Allocations = [.. s.Allocations, e.AllocationId] },
        ({ } s, ReserveDisbursementRequested e) => s with
        {
            Disbursements = [.. s.Disbursements, new Disbursement(e.DisbursementId, e.IncidentId, e.AmountYuan, e.Purpose, DisbursementStatus.Requested, e.RequestedBy, e.RequestedAt)],
        },
        ({ } s, ReserveDisbursementApproved e) => s with
        {
            DisbursedYuan = s.DisbursedYuan + e.AmountYuan,
            Disbursements = s.Disbursements.Select(d => d.DisbursementId == e.DisbursementId
                ? d with { Status = DisbursementStatus.Approved, DecidedBy = e.ApprovedBy, DecidedAt = e.ApprovedAt } : d).ToArray(),
        },
        ({ } s, ReserveDisbursementRefused e) => s with
        {
            Disbursements = s.Disbursements.Select(d => d.DisbursementId == e.DisbursementId
                ? d with { Status = DisbursementStatus.Refused, DecidedBy = e.RefusedBy, DecidedAt = e.RefusedAt, RefusalReason = e.Reason } : d).ToArray(),
        },
        _ => state,
    };
}

public abstract record ReserveCommand(DateTimeOffset Now);

/// <summary>Opens a configured account (with its first allocation, when it has one); an open account is not opened again.</summary>
public sealed record OpenReserve(string AccountId, string Name, string? RegionId, decimal InitialYuan, string Reference, DateTimeOffset Now) : ReserveCommand(Now);

public sealed record AllocateFunds(string AllocationId, decimal AmountYuan, string Reference, string By, DateTimeOffset Now) : ReserveCommand(Now);

public sealed record RequestDisbursement(string DisbursementId, string IncidentId, decimal AmountYuan, string Purpose, string By, DateTimeOffset Now) : ReserveCommand(Now);

public sealed record ApproveDisbursement(string DisbursementId, string By, DateTimeOffset Now) : ReserveCommand(Now);

public sealed record RefuseDisbursement(string DisbursementId, string Reason, string By, DateTimeOffset Now) : ReserveCommand(Now);

/// <summary>
/// The emergency reserve (measure 6) as a pure decision. Nothing is ever paid out that the account does not hold: a
/// request beyond what is available (the balance less the requests waiting) is refused, and so is an approval beyond
/// the balance. Whoever asked for a disbursement does not approve it. The same allocation or request sent again
/// decides nothing. Invalid commands throw <see cref="DomainRejected"/> (422), refused transitions
/// <see cref="TransitionRefused"/> (409).
/// </summary>
public static class ReserveDecider
{
    public static object[] Decide(ReserveCommand command, Reserve? state)
    {
        Validate(command);
        return (command, state) switch
        {
            (OpenReserve c, null) => c.InitialYuan > 0
                ? [new ReserveAccountOpened(c.AccountId, c.Name, c.RegionId, c.Now),
                   new ReserveFundsAllocated(c.AccountId, "initial", c.InitialYuan, c.Reference, c.InitialYuan, "configuration", c.Now)]
                : [new ReserveAccountOpened(c.AccountId, c.Name, c.RegionId, c.Now)],
            (OpenReserve, _) => [],
            (_, null) => throw new TransitionRefused("There is no such reserve account."),

            (AllocateFunds c, { } s) when s.Allocations.Contains(c.AllocationId) => [],
            (AllocateFunds c, { } s) => [new ReserveFundsAllocated(s.Id, c.AllocationId, c.AmountYuan, c.Reference.Trim(), s.BalanceYuan + c.AmountYuan, c.By.Trim(), c.Now)],

            (RequestDisbursement c, { } s) when s.Disbursements.FirstOrDefault(d => d.DisbursementId == c.DisbursementId) is { } known =>
                known.IncidentId == c.IncidentId.Trim() && known.AmountYuan == c.AmountYuan ? []
                    : throw new TransitionRefused($"Disbursement {c.DisbursementId} was already requested ({known.AmountYuan:0.##} yuan for {known.IncidentId})."),
            (RequestDisbursement c, { } s) when c.AmountYuan > s.AvailableYuan => throw new TransitionRefused(
                $"{s.Name} cannot pay {c.AmountYuan:0.##} yuan: it holds {s.BalanceYuan:0.##} yuan, {s.PendingYuan:0.##} of it for requests waiting for approval, " +
                $"so {s.AvailableYuan:0.##} yuan is available. A reserve is never overdrawn."),
            (RequestDisbursement c, { } s) => [new ReserveDisbursementRequested(s.Id, c.DisbursementId, c.IncidentId.Trim(), c.AmountYuan, c.Purpose.Trim(), c.By.Trim(), c.Now)],

            (ApproveDisbursement or RefuseDisbursement, { } s) when Find(s, command) is null => throw new TransitionRefused(
                $"{s.Name} has no disbursement request {IdOf(command)}."),
            (ApproveDisbursement c, { } s) when Find(s, c) is { Status: DisbursementStatus.Approved } => [],
            (ApproveDisbursement or RefuseDisbursement, { } s) when Find(s, command) is { Status: not DisbursementStatus.Requested } d => throw new TransitionRefused(
                $"Disbursement {d.DisbursementId} was {d.Status.ToString().ToLowerInvariant()} on {d.DecidedAt:yyyy-MM-dd} by {d.DecidedBy}."),
            (ApproveDisbursement c, { } s) when Find(s, c)!.RequestedBy == c.By.Trim() => throw new TransitionRefused(
                $"{c.By.Trim()} asked for disbursement {c.DisbursementId}: another officer approves it."),
            (ApproveDisbursement c, { } s) when Find(s, c)!.AmountYuan > s.BalanceYuan => throw new TransitionRefused(
                $"{s.Name} holds {s.BalanceYuan:0.##} yuan, less than the {Find(s, c)!.AmountYuan:0.##} yuan of disbursement {c.DisbursementId}. A reserve is never overdrawn."),
            (ApproveDisbursement c, { } s) when Find(s, c) is { } d =>
                [new ReserveDisbursementApproved(s.Id, d.DisbursementId, d.IncidentId, d.AmountYuan, s.BalanceYuan - d.AmountYuan, c.By.Trim(), c.Now)],
            (RefuseDisbursement c, { } s) => [new ReserveDisbursementRefused(s.Id, c.DisbursementId, c.Reason.Trim(), c.By.Trim(), c.Now)],
            _ => throw new DomainRejected($"Unknown command {command.GetType().Name}."),
        };
    }

    static string IdOf(ReserveCommand command) => command switch
    {
        ApproveDisbursement c => c.DisbursementId,
        RefuseDisbursement c => c.DisbursementId,
        _ => "",
    };

    static Disbursement? Find(Reserve s, ReserveCommand command) => s.Disbursements.FirstOrDefault(d => d.DisbursementId == IdOf(command));

    static void Validate(ReserveCommand command)
    {
        (string Field, string? Value)[] required = command switch
        {
            OpenReserve c => [("accountId", c.AccountId), ("name", c.Name)],
            AllocateFunds c => [("allocationId", c.AllocationId), ("reference", c.Reference), ("by", c.By)],
            RequestDisbursement c => [("disbursementId", c.DisbursementId), ("incidentId", c.IncidentId), ("purpose", c.Purpose), ("by", c.By)],
            ApproveDisbursement c => [("by", c.By)],
            RefuseDisbursement c => [("reason", c.Reason), ("by", c.By)],
            _ => [],
        };
        foreach (var (field, value) in required)
            if (string.IsNullOrWhiteSpace(value))
                throw new DomainRejected($"'{field}' is required.");
        var amount = command switch
        {
            AllocateFunds c => c.AmountYuan,
            RequestDisbursement c => c.AmountYuan,
            OpenReserve c when c.InitialYuan < 0 => c.InitialYuan,
            _ => 1m,
        };
        if (amount <= 0) throw new DomainRejected($"'amountYuan' should be more than 0 yuan, not {amount:0.##}.");
    }
}
