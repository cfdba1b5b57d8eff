using System.Net;
using System.Text;
using Fusion.Silo.Funds;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Funds;

/// <summary>The 1‰ fund ledger through the real host: accounts in master data, declared revenue and a bank statement as CSV, the ledger's clock, the risk signal and the query.</summary>
public sealed class FundLedgerTests
{
    static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task GivenAccountsRevenueAndAStatement_WhenAPeriodsDueDayPassesUnpaid_ThenOneShortfallSignalAndTheLedgerShowsIt()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        // The same enterprise again, now with its fund account and production start: only those are new.
        var potash = Haixi().Enterprises![0] with
        {
            Sites = null, FundAccounts = [new("6217-0028-0000-0001", "中国建设银行格尔木分行")], ProductionStartedOn = "2019-03-01",
        };
        var md = await (await http.PostJsonAsync("/api/master-data", new { enterprises = new[] { potash } })).JsonAsync();
        Assert.Equal((2, 1), (md.GetProperty("accepted").GetInt32(), md.GetProperty("duplicates").GetInt32()));

        var declared = await http.PostAsync("/api/ingest/sales-revenue", Csv(
            $"统一社会信用代码,所属期,销售收入\n{Potash},2026-08,2000000\n{Potash},2026-09,2000000\n{SodaAsh},2026-10,1000000\n"));
        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        var statement = await (await http.PostAsync("/api/ingest/bank-statements", Csv(
            "交易流水号,账号,起息日,贷方发生额,摘要\nT-1,6217-0028-0000-0001,2026/09/20,2000.00,8月环保基金\nT-2,6217-9999,2026/09/20,5.00,?\n"))).JsonAsync();
        Assert.Equal(1, statement.GetProperty("accepted").GetInt32());
        Assert.Contains("account '6217-9999' is not a registered fund account", statement.ToString());

        // Today (2026-11-28): August is paid, September (due 2026-10-30) has nothing, Soda Ash's October is not due yet.
        var clock = app.Services.GetRequiredService<FundClock>();
        await clock.CheckAsync(CancellationToken.None);
        var events = await app.EventCountAsync();
        await clock.CheckAsync(CancellationToken.None);
        Assert.Equal(events, await app.EventCountAsync());

        var ledger = await http.GetJsonAsync($"/api/enterprises/{Potash}/fund");
        Assert.Equal("2019-03-01", ledger.GetProperty("obligationStart").GetString());
        Assert.Equal([("2026-08", "paid", 2000m), ("2026-09", "missing", 0m)],
            ledger.GetProperty("periods").EnumerateArray().Select(p => (p.GetProperty("period").GetString()!, p.GetProperty("status").GetString()!, p.GetProperty("settledYuan").GetDecimal())));
        Assert.Equal(-2000m, ledger.GetProperty("balanceYuan").GetDecimal());
        Assert.Equal("open", (await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/fund")).GetProperty("periods")[0].GetProperty("status").GetString());

        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        var fund = Assert.Single(risk.GetProperty("signals").EnumerateArray(), s => s.GetProperty("kind").GetString() == "FundShortfall");
        Assert.Equal(($"fund-period:{Potash}:2026-09", "High"), (fund.GetProperty("signalId").GetString(), fund.GetProperty("severity").GetString()));

        var compliance = await http.GetJsonAsync("/api/analytics/queries/fund-compliance?period=2026-09");
        var row = Assert.Single(compliance.GetProperty("rows").EnumerateArray());
        Assert.Equal((Potash, 2000m, false), (row.GetProperty("enterprise_id").GetString(),
            decimal.Parse(row.GetProperty("shortfall_yuan").ToString(), System.Globalization.CultureInfo.InvariantCulture), row.GetProperty("compliant").GetBoolean()));
    }
}
