using Fusion.Projections.Queries;
using static Fusion.Projections.Tests.Given;

namespace Fusion.Projections.Tests.Queries;

/// <summary>Each named query against the known dataset (see Dataset), answers worked out by hand.</summary>
public class NamedQueryTests(QueryFixture f) : IClassFixture<QueryFixture>
{
    static string[][] Expect(params string[] rows) => rows.Select(r => r.Split(" | ")).ToArray();

    static void AssertRows(string[][] expected, string[][] actual) =>
        Assert.Equal(string.Join("\n", expected.Select(r => string.Join(" | ", r))), string.Join("\n", actual.Select(r => string.Join(" | ", r))));

    [Fact]
    public void RiskByRegionDaily_CarriesTheClosingScoreOverQuietDaysAndCountsLocalDays() =>
        Assert.Equal(Expect(
                "2026-03-01 | golmud | Golmud | 25 | Blue | 25 | 2",
                "2026-03-02 | delingha | Delingha | 5 | Green | 5 | 1",
                "2026-03-02 | golmud | Golmud | 25 | Blue | 25 | 0",
                "2026-03-03 | delingha | Delingha | 5 | Green | 5 | 0",
                "2026-03-03 | golmud | Golmud | 45 | Yellow | 45 | 1",
                "2026-03-04 | delingha | Delingha | 8 | Green | 8 | 1",
                "2026-03-04 | golmud | Golmud | 45 | Yellow | 45 | 0"),
            f.Rows("risk-by-region-daily", ["day", "region_id", "region_name", "closing_score", "closing_level", "max_score", "assessments"],
                ("from", "2026-03-01"), ("to", "2026-03-04")));

    [Fact]
    public void RiskByRegionDaily_ForOneRegion() =>
        Assert.Equal(Expect("2026-03-05 | delingha | 99 | 99 | 1"),
            f.Rows("risk-by-region-daily", ["day", "region_id", "closing_score", "max_score", "assessments"],
                ("from", "2026-03-05"), ("to", "2026-03-05"), ("region", Delingha)));

    [Fact]
    public void TopEnterprises_ByScore_RanksByThePeriodsHighestScore() =>
        Assert.Equal(Expect(
                $"{Soda} | Delingha Soda | 70 | 70 | Red | 2",
                $"{SaltLake} | Salt Lake Potash | 62 | 50 | Yellow | 7"),
            f.Rows("top-enterprises", ["enterprise_id", "name", "max_score", "closing_score", "closing_level", "signals"],
                ("from", "2026-03-01"), ("to", "2026-03-03"), ("limit", "2")));

    [Fact]
    public void TopEnterprises_BySignals_CountsEverySignalAboutTheEnterprise() =>
        Assert.Equal(Expect($"{SaltLake} | 7", $"{Potash} | 6", $"{Soda} | 2"),
            f.Rows("top-enterprises", ["enterprise_id", "signals"], ("from", "2026-03-01"), ("to", "2026-03-03"), ("by", "signals")));

    [Fact]
    public void SignalMix_PerLocalDayRegionAndFeed() =>
        Assert.Equal(Expect(
                "2026-03-01 | golmud | aerial-findings | 1",
                "2026-03-01 | golmud | camera-alarms | 2",
                "2026-03-01 | golmud | camera-health | 1",
                "2026-03-01 | golmud | fund-deposits | 1",
                "2026-03-01 | golmud | inspection-findings | 2",
                "2026-03-01 | golmud | public-reports | 1",
                "2026-03-02 | delingha | camera-health | 1",
                "2026-03-02 | delingha | inspection-findings | 1",
                "2026-03-02 | delingha | public-reports | 1",
                "2026-03-02 | golmud | camera-alarms | 1",
                "2026-03-02 | golmud | online-monitoring | 3",
                "2026-03-02 | golmud | public-reports | 1",
                "2026-03-03 | golmud | online-monitoring | 1"),
            f.Rows("signal-mix", ["day", "region_id", "feed", "signals"], ("from", "2026-03-01"), ("to", "2026-03-03")));

    [Fact]
    public void EmissionExceedanceHours_PerSiteAndPollutant_SiteFromTheMonitor() =>
        AssertRows(Expect(
                $"s-2 | Potash outfall | {Potash} | w01018 | 2 | 4 | 1.6",
                $"s-2 | Potash outfall | {Potash} | a21026 | 2 | 1 | 2.286"),
            f.Rows("emission-exceedance-hours", ["site_id", "site_name", "enterprise_id", "pollutant", "exceedances", "hours", "max_ratio"],
                ("from", "2026-03-01"), ("to", "2026-03-03")));

    [Fact]
    public void DeviceAvailability_ClipsOutagesToThePeriodAndCountsOpenOnesToItsEnd() =>
        Assert.Equal(Expect(
                $"{Soda} | 1 | 0.875 | 0 | null | 6",
                $"{SaltLake} | 2 | 0.9375 | 0 | null | 6",
                $"{Potash} | 0 | null | 1 | 0.9583 | 2"),
            f.Rows("device-availability", ["enterprise_id", "cameras", "camera_availability", "monitors", "monitor_availability", "offline_hours"],
                ("from", "2026-03-01"), ("to", "2026-03-02")));

    [Fact]
    public void PublicReportsByChannel_WithVerificationRate() =>
        Assert.Equal(Expect("Hotline12369 | 2 | 1 | 1 | 0.5 | 0", "Sms | 1 | 0 | 0 | 0 | 1", "WeChat | 1 | 0 | 1 | 1 | 0"),
            f.Rows("public-reports-by-channel", ["channel", "reports", "anonymous", "verified", "verification_rate", "duplicates"],
                ("from", "2026-03-01"), ("to", "2026-03-03")));

    [Fact]
    public void FundCompliance_ForAYear_IncludesEnterprisesThatDepositedNothing() =>
        Assert.Equal(Expect(
                $"{SaltLake} | 2026 | 1000000.00 | 800000.00 | 200000.00 | 2 | false",
                $"{Soda} | 2026 | 200000.00 | 0.00 | 200000.00 | 0 | false",
                $"{Potash} | 2026 | 500000.00 | 500000.00 | 0.00 | 1 | true"),
            f.Rows("fund-compliance", ["enterprise_id", "period", "obligation_yuan", "deposited_yuan", "shortfall_yuan", "deposits", "compliant"],
                ("period", "2026")));

    [Fact]
    public void OverdueRectifications_ByCommissioner_AsOfADay()
    {
        Assert.Equal(Expect("k-1 | Wang | golmud | 1 | 22 | 2026-02-10", "k-2 | Zhao | delingha | 1 | 1 | 2026-03-03"),
            f.Rows("overdue-rectifications", ["commissioner_id", "commissioner_name", "region_id", "overdue", "max_days_overdue", "oldest_rectify_by"],
                ("as_of", "2026-03-04")));
        Assert.Equal(Expect("k-1 | 2 | 2 | 2026-03-04", "k-2 | 1 | 3 | 2026-03-03"),
            f.Rows("overdue-rectifications", ["commissioner_id", "overdue", "max_days_overdue", "oldest_rectify_by"], ("as_of", "2026-03-06")));
    }

    [Fact]
    public void WarningResponseTimes_PerRule() =>
        Assert.Equal(Expect(
                "alarms-24h | 2 | 2 | 1 | 60 | 60 | 84 | 240 | 240 | 240",
                "fund-absent | 1 | 0 | 0 | null | null | null | null | null | null"),
            f.Rows("warning-response-times", ["rule_id", "raised", "acknowledged", "resolved",
                    "mean_minutes_to_acknowledge", "median_minutes_to_acknowledge", "p90_minutes_to_acknowledge",
                    "mean_minutes_to_resolve", "median_minutes_to_resolve", "p90_minutes_to_resolve"],
                ("from", "2026-03-01"), ("to", "2026-03-03")));

    [Fact]
    public void EnterpriseRiskHistory_OldestFirst() =>
        Assert.Equal(Expect("30 | Blue", "62 | Red", "50 | Yellow"),
            f.Rows("enterprise-risk-history", ["score", "level"], ("enterprise", SaltLake), ("from", "2026-03-01"), ("to", "2026-03-31")));

    [Fact]
    public void DefaultsAreRelativeToTheGivenToday()
    {
        var bound = NamedQueries.Get("signal-mix").Bind(new Dictionary<string, string?>(), new DateOnly(2026, 3, 31));
        Assert.Equal([new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 31), null], bound.Parameters.Select(p => p.Value));
    }

    [Theory]
    [InlineData("signal-mix", "from", "yesterday", "must be a date")]
    [InlineData("signal-mix", "colour", "red", "has no parameter 'colour'")]
    [InlineData("top-enterprises", "by", "size", "must be one of score, signals")]
    [InlineData("top-enterprises", "limit", "0", "between 1 and 10000")]
    [InlineData("enterprise-risk-history", "from", "2026-03-01", "needs parameter 'enterprise'")]
    public void BadParameters_AreRejectedWithTheReason(string query, string name, string value, string reason)
    {
        var e = Assert.Throws<AnalyticsQueryException>(() => NamedQueries.Get(query).Bind(new Dictionary<string, string?> { [name] = value }, new DateOnly(2026, 3, 4)));
        Assert.Equal(QueryProblem.BadRequest, e.Problem);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void FromAfterTo_IsRejected() =>
        Assert.Contains("is after", Assert.Throws<AnalyticsQueryException>(() => f.Named("signal-mix", ("from", "2026-03-05"), ("to", "2026-03-01"))).Message);

    [Fact]
    public void UnknownQuery_IsNotFound() =>
        Assert.Equal(QueryProblem.NotFound, Assert.Throws<AnalyticsQueryException>(() => NamedQueries.Get("nope")).Problem);

    [Fact]
    public async Task EveryNamedQueryRunsOnAnEmptyDatabase()
    {
        using var empty = new TempAnalytics();
        var runner = new AnalyticsQueryRunner(() => empty.Database, QueryLimits.Default);
        foreach (var q in NamedQueries.All)
        {
            var args = q.Parameters.Where(p => p.Required).ToDictionary(p => p.Name, p => (string?)"x");
            using var run = runner.Start(q.Bind(args, new DateOnly(2026, 3, 4)), Fusion.Projections.Formats.ResultFormat.Json);
            await run.WriteToAsync(Stream.Null);
        }
    }
}
