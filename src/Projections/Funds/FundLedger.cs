using DuckDB.NET.Data;
using Fusion.Domain.Funds;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Funds;

public sealed record FundDepositRow(long Sequence, string DepositId, string EnterpriseId, string RegionId, string Period,
    decimal AmountYuan, decimal SalesRevenueYuan, decimal RequiredYuan, DateTimeOffset DepositedAt) : AnalyticsRow(Sequence);

/// <summary>The environmental-fund ledger: every deposit, with the 1‰-of-sales obligation it was measured against.</summary>
public static class FundLedger
{
    public static readonly AnalyticsTable<FundDepositRow> Table = new("fund_deposits", """
        sequence BIGINT NOT NULL, deposit_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        period VARCHAR NOT NULL, amount_yuan DECIMAL(18,2) NOT NULL, sales_revenue_yuan DECIMAL(18,2) NOT NULL,
        required_yuan DECIMAL(18,2) NOT NULL, deposited_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.DepositId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.Period)
            .AppendValue(x.AmountYuan).AppendValue(x.SalesRevenueYuan).AppendValue(x.RequiredYuan).AppendValue(x.DepositedAt).EndRow());

    /// <summary>A deposit below what is required is a risk signal (a fund shortfall), as in <see cref="RiskSignals"/>.</summary>
    public static (EventFacts, AnalyticsRow[]) Fold(long seq, FundDepositRecorded e)
    {
        var shortfall = e.AmountYuan < e.RequiredYuan;
        var severity = !shortfall ? null : e.AmountYuan < e.RequiredYuan / 2 ? "High" : "Medium";
        return (new EventFacts(RiskSignals.FundFeed, e.EnterpriseId, e.RegionId, null, severity, shortfall, e.DepositedAt),
            [new FundDepositRow(seq, e.DepositId, e.EnterpriseId, e.RegionId, e.Period,
                Money.Yuan(e.AmountYuan), Money.Yuan(e.SalesRevenueYuan), Money.Yuan(e.RequiredYuan), e.DepositedAt)]);
    }
}
