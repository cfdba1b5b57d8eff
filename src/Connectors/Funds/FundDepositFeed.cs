using System.Text.RegularExpressions;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Funds;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Funds;

/// <summary>
/// A deposit into the enterprise's environmental fund for a period (a month "2026-10" or a quarter
/// "2026-Q4"), with the period's sales revenue: 1‰ of it is owed.
/// </summary>
public sealed record FundDepositRecord(
    string DepositId, string EnterpriseId, string Period, decimal AmountYuan, decimal SalesRevenueYuan, DateTimeOffset DepositedAt);

public sealed partial class FundDepositFeed(FundPolicy policy) : IFeed
{
    public FundDepositFeed() : this(new FundPolicy()) { }

    public string Name => "fund-deposits";
    public string IdField => "depositId";

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var depositId = r.String("depositId");
        r.String("enterpriseId");
        var (enterprise, _) = Attribution.Resolve(r, catalog, null, 0);
        var period = r.String("period");
        if (!PeriodPattern().IsMatch(period))
            throw new RecordRejected($"'period' is '{period}'; use a month like 2026-10 or a quarter like 2026-Q4");
        var amount = r.Decimal("amountYuan");
        var revenue = r.Decimal("salesRevenueYuan");
        if (amount <= 0) throw new RecordRejected($"'amountYuan' is {amount}; a deposit must be more than 0");
        if (revenue < 0) throw new RecordRejected($"'salesRevenueYuan' is {revenue}; it cannot be negative");
        var at = r.Time("depositedAt");
        return new IngestItem(Feeds.Key(Name, depositId), Streams.Enterprise(enterprise!.EnterpriseId),
            [new FundDepositRecorded(depositId, enterprise.EnterpriseId, enterprise.RegionId, period, amount, revenue,
                FundPeriod.Parse(period)!.Obligation(revenue, FundPeriod.ObligationStartFor(enterprise.ProductionStartedOn, policy), policy.ObligationRate), at)]);
    }

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")]
    private static partial Regex PeriodPattern();
}
