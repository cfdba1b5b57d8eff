using System.Text.Json;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Funds;
using Fusion.Domain.MasterData;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Funds;

/// <summary>Bank statements of fund accounts and declared sales revenue, as CSV and JSON, into the fund ledger's events.</summary>
public class FundLedgerFeedSpecs
{
    const string Account = "6217-0028-0000-1234";

    static readonly MasterDataCatalog WithAccounts = Catalog.ApplyAll(
    [
        new FundAccountRegistered(Account, SaltLake, "中国建设银行格尔木分行", RegisteredAt),
        new ProductionStartRecorded(SodaAsh, new DateOnly(2022, 5, 17), RegisteredAt),
    ]);

    static TranslatedBatch Csv(IFeed feed, string csv, IReadOnlyDictionary<string, string> columns, string[] required) =>
        IngestBatch.Translate(feed.Name, CsvRecords.Read(csv, columns, required, feed.IdField), r => [feed.Translate(r, WithAccounts, ReceivedAt)]);

    const string Statement = """
        交易流水号,账号,起息日,贷方发生额,摘要
        CCB20261105001,6217-0028-0000-1234,2026/11/05,"12,500.00",2026年10月环保基金
        CCB20261105002,6217-0028-0000-9999,2026/11/05,800.00,其他
        CCB20261106003,6217-0028-0000-1234,20261106,-300.00,手续费
        """;

    [Fact]
    public void GivenABankStatementCsv_WhenTranslated_ThenCreditsOfRegisteredAccountsAreDepositsOfTheirEnterprise()
    {
        var batch = Csv(new BankStatementFeed(), Statement, BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns);

        var (_, item) = Assert.Single(batch.Accepted);
        Assert.Equal(("bank-statements:CCB20261105001", SaltLake), (item.Key, item.StreamKey));
        Assert.Equal(new FundDepositBanked("CCB20261105001", SaltLake, "golmud", Account, new DateOnly(2026, 11, 5), 12500m, "2026年10月环保基金", ReceivedAt),
            Assert.Single(item.Events));
        Assert.Equal(
            [(1, "account '6217-0028-0000-9999' is not a registered fund account; register it with its enterprise in master data (fundAccounts)"),
             (2, "'amountYuan' is -300.00; only credits (deposits) of a fund account are taken")],
            batch.Rejected.Select(r => (r.Index, r.Reason)));
        Assert.Contains("\"accountNumber\":\"6217-0028-0000-9999\"", batch.Rejected[0].RawJson);
    }

    [Fact]
    public void GivenAStatementWithoutTransactionIds_WhenTranslatedTwice_ThenTheSameIdsAreDerived()
    {
        const string csv = "account,valueDate,amount,reference\n6217-0028-0000-1234,2026-11-05,1000,fund\n";
        var first = Csv(new BankStatementFeed(), csv, BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns);
        var again = Csv(new BankStatementFeed(), csv, BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns);
        Assert.StartsWith("bank-statements:stmt-", first.Accepted[0].Item.Key);
        Assert.Equal(first.Accepted[0].Item.Key, again.Accepted[0].Item.Key);
    }

    [Fact]
    public void GivenAStatementWithoutAnAmountColumn_WhenRead_ThenTheWholeFileIsRefusedNamingIt() =>
        Assert.StartsWith("the CSV has no column for 'amountYuan'",
            Assert.Throws<RecordRejected>(() => CsvRecords.Read("账号,起息日\n1,2026-11-05\n", BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns, "depositId")).Message);

    [Fact]
    public void GivenABadValueDate_WhenTranslated_ThenRejectedSayingSo() =>
        Assert.Equal("'valueDate' should be a date like 2026-11-28, not '5 Nov'",
            Assert.Single(Csv(new BankStatementFeed(), "account,valueDate,amount\n6217-0028-0000-1234,5 Nov,10\n", BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns).Rejected).Reason);

    [Fact]
    public void GivenDeclaredRevenueAsCsv_WhenTranslated_ThenEachPeriodCarriesItsObligationFromTheProductionStart()
    {
        var csv = $"统一社会信用代码,所属期,销售收入\n{SaltLake},2026-10,80000000\n{SodaAsh},2022-05,31000000\n{SodaAsh},2022-13,1\n";
        var batch = Csv(new SalesRevenueFeed(), csv, SalesRevenueFeed.CsvColumns, SalesRevenueFeed.RequiredColumns);

        var declared = batch.Accepted.Select(a => Assert.IsType<SalesRevenueDeclared>(Assert.Single(a.Item.Events))).ToList();
        Assert.Equal([(SaltLake, "2026-10", 80000m, new DateOnly(2018, 1, 1)), (SodaAsh, "2022-05", 15000m, new DateOnly(2022, 5, 17))],
            declared.Select(d => (d.EnterpriseId, d.Period, d.ObligationYuan, d.ObligationStart)));
        Assert.Equal("'period' is '2022-13'; use a month like 2026-10, a quarter like 2026-Q4 or a year like 2026", Assert.Single(batch.Rejected).Reason);
    }

    [Fact]
    public void GivenDeclaredRevenueAsJson_WhenTheEnterpriseIsUnknown_ThenRejectedNamingIt()
    {
        var feed = new SalesRevenueFeed();
        using var doc = JsonDocument.Parse($$"""[{"enterpriseId":"{{Stranger}}","period":"2026-10","salesRevenueYuan":1}]""");
        Assert.Equal($"enterprise '{Stranger}' is not registered in master data",
            Assert.Single(Feeds.Translate(feed, doc.RootElement, WithAccounts, ReceivedAt).Rejected).Reason);
    }
}
