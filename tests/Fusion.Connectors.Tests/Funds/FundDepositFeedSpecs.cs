using System.Text.Json.Nodes;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.Funds;
using Fusion.Domain.Risk;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Funds;

public class FundDepositFeedSpecs
{
    static readonly FundDepositFeed Feed = new();
    static readonly DateTimeOffset DepositedAt = new(2026, 11, 10, 11, 0, 0, Beijing);

    /// <summary>October sales of ¥96.5 million owe ¥96,500; ¥90,000 was paid.</summary>
    static readonly JsonObject October = FeedSpec.Record(new FundDepositRecord("ICBC-HX-000731", SaltLake, "2026-10", 90_000m, 96_500_000m, DepositedAt));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenAMonthlyDeposit_WhenTranslated_ThenItIsRecordedWithTheOneInAThousandOwed() =>
        When(October)
            .ThenEvents(new FundDepositRecorded("ICBC-HX-000731", SaltLake, "golmud", "2026-10", 90_000m, 96_500_000m, 96_500m, DepositedAt))
            .ThenKeys("fund-deposits:ICBC-HX-000731", SaltLake);

    /// <summary>The ledger judges a period after its due day (one FundPeriodFellShort); a deposit itself is no signal.</summary>
    [Fact]
    public void GivenADepositShortOfWhatIsOwed_WhenTranslated_ThenItIsNoSignalByItself() =>
        Assert.Null(RiskSignals.From(When(October).ThenAccepted().Events[0], 1));

    [Theory]
    [InlineData("2026-Q4")]
    [InlineData("2026-01")]
    [InlineData("2026-12")]
    public void GivenAMonthOrQuarter_WhenTranslated_ThenThePeriodIsKept(string period) =>
        Assert.Equal(period, When(October.With("period", period)).ThenSingle<FundDepositRecorded>().Period);

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("October 2026")]
    [InlineData("2026-1")]
    public void GivenAPeriodInAnotherForm_WhenTranslated_ThenRejectedShowingTheForms(string period) =>
        When(October.With("period", period)).ThenRejected($"'period' is '{period}'; use a month like 2026-10 or a quarter like 2026-Q4");

    [Theory]
    [InlineData(0)]
    [InlineData(-500)]
    public void GivenANonPositiveAmount_WhenTranslated_ThenRejectedSayingItMustBeMoreThanZero(int amount) =>
        When(October.With("amountYuan", amount)).ThenRejected($"'amountYuan' is {amount}; a deposit must be more than 0");

    [Fact]
    public void GivenNegativeSales_WhenTranslated_ThenRejected() =>
        When(October.With("salesRevenueYuan", -1)).ThenRejected("'salesRevenueYuan' is -1; it cannot be negative");

    [Fact]
    public void GivenAnAmountInWords_WhenTranslated_ThenRejectedAsNotAnAmount() =>
        When(October.With("amountYuan", "ninety thousand")).ThenRejected("'amountYuan' should be an amount, not text \"ninety thousand\"");

    [Fact]
    public void GivenAnUnregisteredEnterprise_WhenTranslated_ThenRejectedNamingIt() =>
        When(October.With("enterpriseId", Stranger)).ThenRejected($"enterprise '{Stranger}' is not registered in master data");
}
