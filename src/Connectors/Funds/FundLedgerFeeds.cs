using System.Security.Cryptography;
using System.Text;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Funds;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Funds;

/// <summary>One line of a bank statement of a dedicated fund account: a credit is a deposit.</summary>
public sealed record BankStatementLine(string AccountNumber, string ValueDate, decimal AmountYuan, string? Reference = null, string? DepositId = null);

/// <summary>
/// Bank-statement lines of enterprises' dedicated fund accounts (measure 6), mapped to the enterprise by the account in
/// master data. The bank's transaction id is the deposit id; a statement without one gets a hash of account, value date,
/// amount and reference, so the same statement sent again appends nothing.
/// </summary>
public sealed class BankStatementFeed : IFeed
{
    public string Name => "bank-statements";
    public string IdField => "depositId";

    /// <summary>Headings of Chinese banks' statement exports, and the canonical names.</summary>
    public static readonly IReadOnlyDictionary<string, string> CsvColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["账号"] = "accountNumber", ["账户"] = "accountNumber", ["本方账号"] = "accountNumber", ["accountNumber"] = "accountNumber", ["account"] = "accountNumber",
        ["起息日"] = "valueDate", ["交易日期"] = "valueDate", ["记账日期"] = "valueDate", ["valueDate"] = "valueDate",
        ["贷方发生额"] = "amountYuan", ["收入金额"] = "amountYuan", ["金额"] = "amountYuan", ["amountYuan"] = "amountYuan", ["amount"] = "amountYuan",
        ["摘要"] = "reference", ["附言"] = "reference", ["用途"] = "reference", ["reference"] = "reference",
        ["交易流水号"] = "depositId", ["流水号"] = "depositId", ["depositId"] = "depositId", ["transactionId"] = "depositId",
    };

    public static readonly string[] RequiredColumns = ["accountNumber", "valueDate", "amountYuan"];

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var account = r.String("accountNumber");
        var enterpriseId = catalog.FundAccounts.GetValueOrDefault(account)
            ?? throw new RecordRejected($"account '{account}' is not a registered fund account; register it with its enterprise in master data (fundAccounts)");
        var enterprise = catalog.Enterprises[enterpriseId];
        var valueDate = CsvRecords.Date(r, "valueDate");
        var amount = r.Decimal("amountYuan");
        if (amount <= 0) throw new RecordRejected($"'amountYuan' is {amount}; only credits (deposits) of a fund account are taken");
        var reference = r.OptionalString("reference");
        var depositId = r.OptionalString("depositId")
            ?? "stmt-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{account}|{valueDate:yyyy-MM-dd}|{amount:0.00}|{reference}")))[..20];
        return new IngestItem(Feeds.Key(Name, depositId), Streams.Enterprise(enterpriseId),
            [new FundDepositBanked(depositId, enterpriseId, enterprise.RegionId, account, valueDate, Math.Round(amount, 2), reference, receivedAt)]);
    }
}

/// <summary>An enterprise's declared sales revenue for a fund period (a month 2026-10, a quarter 2026-Q4 or a year 2026).</summary>
public sealed record SalesRevenueRecord(string EnterpriseId, string Period, decimal SalesRevenueYuan, DateTimeOffset? DeclaredAt = null, string? DeclarationId = null);

/// <summary>
/// Declared sales revenue per period, each with its fund obligation (1‰, from the enterprise's production start but not
/// before 2018-01-01). A corrected declaration of a period (another amount or id) replaces the earlier one in the ledger.
/// </summary>
public sealed class SalesRevenueFeed(FundPolicy policy) : IFeed
{
    public SalesRevenueFeed() : this(new FundPolicy()) { }

    public string Name => "sales-revenue";
    public string IdField => "declarationId";

    public static readonly IReadOnlyDictionary<string, string> CsvColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["统一社会信用代码"] = "enterpriseId", ["enterpriseId"] = "enterpriseId",
        ["所属期"] = "period", ["期间"] = "period", ["period"] = "period",
        ["销售收入"] = "salesRevenueYuan", ["营业收入"] = "salesRevenueYuan", ["salesRevenueYuan"] = "salesRevenueYuan",
        ["申报时间"] = "declaredAt", ["declaredAt"] = "declaredAt",
        ["申报编号"] = "declarationId", ["declarationId"] = "declarationId",
    };

    public static readonly string[] RequiredColumns = ["enterpriseId", "period", "salesRevenueYuan"];

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        r.String("enterpriseId");
        var (enterprise, _) = Attribution.Resolve(r, catalog, null, 0);
        var periodName = r.String("period");
        var period = FundPeriod.Parse(periodName)
            ?? throw new RecordRejected($"'period' is '{periodName}'; use a month like 2026-10, a quarter like 2026-Q4 or a year like 2026");
        var revenue = r.Decimal("salesRevenueYuan");
        if (revenue < 0) throw new RecordRejected($"'salesRevenueYuan' is {revenue}; it cannot be negative");
        var declaredAt = r.Has("declaredAt") ? r.Time("declaredAt") : receivedAt;
        var start = FundPeriod.ObligationStartFor(enterprise!.ProductionStartedOn, policy);
        var id = r.OptionalString("declarationId") ?? $"{enterprise.EnterpriseId}:{period.Name}:{revenue:0.00}";
        return new IngestItem(Feeds.Key(Name, id), Streams.Enterprise(enterprise.EnterpriseId),
            [new SalesRevenueDeclared(id, enterprise.EnterpriseId, enterprise.RegionId, period.Name, revenue, period.Obligation(revenue, start, policy.ObligationRate), start, declaredAt)]);
    }
}
