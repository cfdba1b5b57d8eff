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

    /// <summary>A deposit is no risk signal by itself: the ledger's shortfall per period is (<see cref="FundPeriodFellShort"/>).</summary>
    public static (EventFacts, AnalyticsRow[]) Fold(long seq, FundDepositRecorded e)
    {
        return (new EventFacts(RiskSignals.FundFeed, e.EnterpriseId, e.RegionId, null, null, false, e.DepositedAt),
            [new FundDepositRow(seq, e.DepositId, e.EnterpriseId, e.RegionId, e.Period,
                Money.Yuan(e.AmountYuan), Money.Yuan(e.SalesRevenueYuan), Money.Yuan(e.RequiredYuan), e.DepositedAt)]);
    }
}

public sealed record FundDeclarationRow(long Sequence, string DeclarationId, string EnterpriseId, string RegionId, string Period,
    DateOnly PeriodStart, DateOnly PeriodEnd, decimal SalesRevenueYuan, decimal ObligationYuan, DateTimeOffset DeclaredAt) : AnalyticsRow(Sequence);

public sealed record FundBankDepositRow(long Sequence, string DepositId, string EnterpriseId, string RegionId, string AccountNumber,
    DateOnly ValueDate, decimal AmountYuan, string? Reference) : AnalyticsRow(Sequence);

public sealed record FundShortfallRow(long Sequence, string EnterpriseId, string RegionId, string Period, decimal ObligationYuan,
    decimal SettledYuan, decimal ShortfallYuan, DateOnly DueOn, DateTimeOffset DetectedAt) : AnalyticsRow(Sequence);

/// <summary>The ledger's inputs as the fund-compliance query reads them: declared obligations per period, banked deposits, recorded shortfalls.</summary>
public static class FundLedgerTables
{
    public static readonly AnalyticsTable<FundDeclarationRow> Declarations = new("fund_declarations", """
        sequence BIGINT NOT NULL, declaration_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        period VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL,
        sales_revenue_yuan DECIMAL(18,2) NOT NULL, obligation_yuan DECIMAL(18,2) NOT NULL, declared_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.DeclarationId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.Period)
            .AppendValue(x.PeriodStart).AppendValue(x.PeriodEnd).AppendValue(x.SalesRevenueYuan).AppendValue(x.ObligationYuan).AppendValue(x.DeclaredAt).EndRow());

    public static readonly AnalyticsTable<FundBankDepositRow> BankDeposits = new("fund_bank_deposits", """
        sequence BIGINT NOT NULL, deposit_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        account_number VARCHAR NOT NULL, value_date DATE NOT NULL, amount_yuan DECIMAL(18,2) NOT NULL, reference VARCHAR
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.DepositId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.AccountNumber)
            .AppendValue(x.ValueDate).AppendValue(x.AmountYuan).AppendValue(x.Reference).EndRow());

    public static readonly AnalyticsTable<FundShortfallRow> Shortfalls = new("fund_shortfalls", """
        sequence BIGINT NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL, period VARCHAR NOT NULL,
        obligation_yuan DECIMAL(18,2) NOT NULL, settled_yuan DECIMAL(18,2) NOT NULL, shortfall_yuan DECIMAL(18,2) NOT NULL,
        due_on DATE NOT NULL, detected_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.Period).AppendValue(x.ObligationYuan)
            .AppendValue(x.SettledYuan).AppendValue(x.ShortfallYuan).AppendValue(x.DueOn).AppendValue(x.DetectedAt).EndRow());

    public static (EventFacts, AnalyticsRow[])? Fold(long seq, object e) => e switch
    {
        SalesRevenueDeclared x when FundPeriod.Parse(x.Period) is { } p => (new EventFacts(null, x.EnterpriseId, x.RegionId, null, null, false, x.DeclaredAt),
            [new FundDeclarationRow(seq, x.DeclarationId, x.EnterpriseId, x.RegionId, x.Period, p.Start, p.End, Money.Yuan(x.SalesRevenueYuan), Money.Yuan(x.ObligationYuan), x.DeclaredAt)]),
        FundDepositBanked x => (new EventFacts(null, x.EnterpriseId, x.RegionId, null, null, false, x.ReceivedAt),
            [new FundBankDepositRow(seq, x.DepositId, x.EnterpriseId, x.RegionId, x.AccountNumber, x.ValueDate, Money.Yuan(x.AmountYuan), x.Reference)]),
        // A signal: WithSignal gives its feed, severity and time from the risk model.
        FundPeriodFellShort x => (new EventFacts(null, x.EnterpriseId, x.RegionId, null, null, false, x.DetectedAt),
            [new FundShortfallRow(seq, x.EnterpriseId, x.RegionId, x.Period, Money.Yuan(x.ObligationYuan), Money.Yuan(x.SettledYuan), Money.Yuan(x.ShortfallYuan), x.DueOn, x.DetectedAt)]),
        _ => null,
    };
}
