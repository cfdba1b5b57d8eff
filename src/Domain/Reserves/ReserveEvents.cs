namespace Fusion.Domain.Reserves;

/// <summary>
/// An emergency reserve account (measure 6): the prefecture's, or a county's (RegionId). Opened from configuration.
/// Stream "reserve:{AccountId}".
/// </summary>
public sealed record ReserveAccountOpened(string AccountId, string Name, string? RegionId, DateTimeOffset OpenedAt);

/// <summary>Money put into the reserve (the budget's appropriation, Reference its document).</summary>
public sealed record ReserveFundsAllocated(string AccountId, string AllocationId, decimal AmountYuan, string Reference, decimal BalanceYuan,
    string AllocatedBy, DateTimeOffset AllocatedAt);

/// <summary>A disbursement to an incident asked for; it waits for approval and holds its amount meanwhile.</summary>
public sealed record ReserveDisbursementRequested(string AccountId, string DisbursementId, string IncidentId, decimal AmountYuan, string Purpose,
    string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>Approved and paid out of the reserve: BalanceYuan is what remains.</summary>
public sealed record ReserveDisbursementApproved(string AccountId, string DisbursementId, string IncidentId, decimal AmountYuan, decimal BalanceYuan,
    string ApprovedBy, DateTimeOffset ApprovedAt);

public sealed record ReserveDisbursementRefused(string AccountId, string DisbursementId, string Reason, string RefusedBy, DateTimeOffset RefusedAt);
