namespace Fusion.Domain.Funds;

/// <summary>
/// A deposit into the enterprise's environmental fund. RequiredYuan is 1‰ of the period's
/// sales revenue, carried so readers need not redo the arithmetic.
/// </summary>
public sealed record FundDepositRecorded(
    string DepositId, string EnterpriseId, string RegionId, string Period,
    decimal AmountYuan, decimal SalesRevenueYuan, decimal RequiredYuan,
    DateTimeOffset DepositedAt);
