using Fusion.Domain.Funds;

namespace Fusion.Domain.Tests.Funds;

/// <summary>The 1‰ fund ledger: obligations from declared sales across the 2018-01-01 and production-start boundaries, FIFO settlement, shortfalls once per period.</summary>
public class FundLedgerSpecs
{
    const string Potash = "91632801MA7523XK8A";
    static readonly FundPolicy Policy = new();
    static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));

    static SalesRevenueDeclared Declared(string period, decimal revenue, DateOnly? productionStart = null)
    {
        var p = FundPeriod.Parse(period)!;
        var start = FundPeriod.ObligationStartFor(productionStart, Policy);
        return new($"{Potash}:{period}", Potash, "GOLMUD", period, revenue, p.Obligation(revenue, start, Policy.ObligationRate), start, At);
    }

    static FundDepositBanked Banked(string id, DateOnly on, decimal amount) => new(id, Potash, "GOLMUD", "6217000000000001", on, amount, "环保基金", At);

    static FundLedger Given(params object[] events) => events.Aggregate(FundLedger.Empty(Potash), (l, e) => l.Apply(e));

    [Theory]
    [InlineData("2017-12", null, 0)]                 // before 2018-01-01: nothing owed
    [InlineData("2018-01", null, 1000)]              // from 2018-01-01: 1‰ of 1,000,000
    [InlineData("2017", null, 0)]                    // a whole year before it
    [InlineData("2017-Q4", null, 0)]
    [InlineData("2015-06", "2012-03-01", 0)]         // an existing enterprise owes from 2018 only
    [InlineData("2022-05", "2022-05-17", 483.87)]    // production from the 17th: 15 of 31 days
    [InlineData("2022-04", "2022-05-17", 0)]         // the month before production
    [InlineData("2022-Q2", "2022-05-17", 494.51)]    // 45 of 91 days
    [InlineData("2022-06", "2022-05-17", 1000)]
    public void GivenDeclaredSalesOfAMillion_ThenTheObligationRunsFromTheLaterOf2018AndProductionStart(string period, string? productionStart, double expected) =>
        Assert.Equal((decimal)expected, Declared(period, 1_000_000m, productionStart is null ? null : DateOnly.Parse(productionStart)).ObligationYuan);

    [Fact]
    public void GivenTwoPeriodsAndOneDepositCoveringTheFirstAndHalfTheSecond_ThenTheOldestIsSettledFirst()
    {
        var lines = Given(Declared("2026-08", 1_000_000m), Declared("2026-09", 1_000_000m), Banked("b1", new(2026, 9, 20), 1500m))
            .Lines(new DateOnly(2026, 11, 15), Policy);

        Assert.Equal([(FundPeriodStatus.Paid, 1000m, 0m), (FundPeriodStatus.Short, 500m, 500m)], lines.Select(l => (l.Status, l.SettledYuan, l.OutstandingYuan)));
        Assert.Equal(-500m, lines[^1].BalanceYuan);
    }

    [Fact]
    public void GivenAPeriodNotYetDue_ThenItIsOpenNotShort()
    {
        var line = Assert.Single(Given(Declared("2026-10", 1_000_000m)).Lines(new DateOnly(2026, 11, 30), Policy));
        Assert.Equal((FundPeriodStatus.Open, new DateOnly(2026, 11, 30)), (line.Status, line.DueOn));
    }

    [Fact]
    public void GivenACorrectedDeclaration_ThenTheLatestCounts() =>
        Assert.Equal(2000m, Assert.Single(Given(Declared("2026-08", 1_000_000m), Declared("2026-08", 2_000_000m)).Lines(new DateOnly(2026, 9, 1), Policy)).ObligationYuan);

    [Fact]
    public void GivenNoDepositAfterTheDueDay_WhenChecked_ThenOneMissingShortfallForThatPeriod_AndNotAgainOnceRecorded()
    {
        var ledger = Given(Declared("2026-09", 1_000_000m), Declared("2026-10", 1_000_000m));
        var found = Assert.Single(ledger.DueShortfalls(new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero), Policy));

        Assert.Equal(new FundPeriodFellShort(Potash, "GOLMUD", "2026-09", 1000m, 0m, 1000m, new DateOnly(2026, 10, 30), new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero)), found);
        Assert.Empty(ledger.Apply(found).DueShortfalls(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), Policy));
    }

    [Fact]
    public void GivenADepositAfterTheDueDay_WhenChecked_ThenThePeriodStillFellShortAsOfItsDueDay()
    {
        var ledger = Given(Declared("2026-09", 1_000_000m), Banked("late", new DateOnly(2026, 11, 10), 400m), Banked("early", new DateOnly(2026, 10, 5), 600m));

        var found = Assert.Single(ledger.DueShortfalls(new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero), Policy));
        Assert.Equal((600m, 400m), (found.SettledYuan, found.ShortfallYuan));
        Assert.Equal(FundPeriodStatus.Paid, Assert.Single(ledger.Lines(new DateOnly(2026, 11, 15), Policy)).Status);
    }

    [Fact]
    public void GivenTheSameDepositTwice_ThenItCountsOnce() =>
        Assert.Equal(1000m, Given(Declared("2026-09", 2_000_000m), Banked("b1", new(2026, 10, 1), 1000m), Banked("b1", new(2026, 10, 1), 1000m))
            .Lines(new DateOnly(2026, 10, 2), Policy)[0].SettledYuan);

    [Fact]
    public void GivenADepositRecordOfTheFirstFeed_ThenItDeclaresThePeriodAndPaysIntoTheLedger()
    {
        var line = Assert.Single(Given(new FundDepositRecorded("d1", Potash, "GOLMUD", "2026-Q3", 2500m, 3_000_000m, 3000m, At)).Lines(new DateOnly(2026, 12, 1), Policy));
        Assert.Equal((3000m, 2500m, FundPeriodStatus.Short), (line.ObligationYuan, line.SettledYuan, line.Status));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("26-10")]
    [InlineData("1999")]
    public void GivenAMalformedPeriod_ThenItDoesNotParse(string period) => Assert.Null(FundPeriod.Parse(period));
}
