namespace Fusion.Domain.Funds;

/// <summary>
/// A deposit into the enterprise's environmental fund. RequiredYuan is 1‰ of the period's
/// sales revenue, carried so readers need not redo the arithmetic.
/// </summary>
public sealed record FundDepositRecorded(
    string DepositId, string EnterpriseId, string RegionId, string Period,
    decimal AmountYuan, decimal SalesRevenueYuan, decimal RequiredYuan,
    DateTimeOffset DepositedAt);

/// <summary>
/// A credit to an enterprise's dedicated fund account, from its bank's statement. DepositId is the bank's transaction
/// id (or the statement line's hash); the enterprise is the account's holder in master data.
/// </summary>
public sealed record FundDepositBanked(
    string DepositId, string EnterpriseId, string RegionId, string AccountNumber,
    DateOnly ValueDate, decimal AmountYuan, string? Reference,
    DateTimeOffset ReceivedAt);

/// <summary>
/// An enterprise's sales revenue for a fund period (a month, quarter or year), with the obligation it gives: 1‰ of it
/// for the share of the period on or after ObligationStart (the production start, not before 2018-01-01).
/// </summary>
public sealed record SalesRevenueDeclared(
    string DeclarationId, string EnterpriseId, string RegionId, string Period,
    decimal SalesRevenueYuan, decimal ObligationYuan, DateOnly ObligationStart,
    DateTimeOffset DeclaredAt);

/// <summary>
/// A period's obligation was not met by its due day (derived by the fund ledger's clock, once per period):
/// SettledYuan of ObligationYuan; nothing settled is a missing deposit.
/// </summary>
public sealed record FundPeriodFellShort(
    string EnterpriseId, string RegionId, string Period,
    decimal ObligationYuan, decimal SettledYuan, decimal ShortfallYuan, DateOnly DueOn,
    DateTimeOffset DetectedAt);
