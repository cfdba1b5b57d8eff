using System.Text.Json.Nodes;
using Fusion.Connectors.PublicReports;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.PublicReports;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.PublicReports;

public class PublicReportFeedSpecs
{
    static readonly PublicReportFeed Feed = new();
    static readonly DateTimeOffset ReceivedOn = new(2026, 11, 28, 8, 12, 0, Beijing);

    static readonly JsonObject HotlineCall = FeedSpec.Record(new PublicReportRecord(
        "12369-20261128-0042", "hotline-12369", "Black water running from the outfall into the Golmud river", ReceivedOn,
        EnterpriseId: SaltLake, SiteId: "outfall-1", ReporterContact: "139 0979 0000"));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenAHotlineCallAboutASite_WhenTranslated_ThenTheReportIsReceivedOnItsOwnStream() =>
        When(HotlineCall)
            .ThenEvents(new PublicReportReceived("12369-20261128-0042", ReportChannel.Hotline12369, "golmud", SaltLake, "outfall-1",
                "Black water running from the outfall into the Golmud river", false, "139 0979 0000", ReceivedOn))
            .ThenKeys("public-reports:12369-20261128-0042", "public-report:12369-20261128-0042");

    [Fact]
    public void GivenNoReporterContact_WhenTranslated_ThenTheReportIsAnonymous()
    {
        var report = When(HotlineCall.Without("reporterContact")).ThenSingle<PublicReportReceived>();

        Assert.Equal((true, (string?)null), (report.Anonymous, report.ReporterContact));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenABlankReporterContact_WhenTranslated_ThenTheReportIsAnonymous(string blank)
    {
        var report = When(HotlineCall.With("reporterContact", blank)).ThenSingle<PublicReportReceived>();

        Assert.Equal((true, (string?)null), (report.Anonymous, report.ReporterContact));
    }

    [Fact]
    public void GivenOnlyAPosition400mFromASite_WhenTranslated_ThenTheReportIsAttributedToIt()
    {
        var report = When(HotlineCall.Without("enterpriseId").Without("siteId")
            .With("longitude", OutfallLongitude).With("latitude", OutfallLatitude + NorthBy(400))).ThenSingle<PublicReportReceived>();

        Assert.Equal(("outfall-1", SaltLake, "golmud"), (report.SiteId, report.EnterpriseId, report.RegionId));
    }

    [Fact]
    public void GivenOnlyAPosition600mFromASite_WhenTranslated_ThenItIsAboutTheRegionAlone()
    {
        var report = When(HotlineCall.Without("enterpriseId").Without("siteId")
            .With("longitude", OutfallLongitude).With("latitude", OutfallLatitude + NorthBy(600))).ThenSingle<PublicReportReceived>();

        Assert.Equal(((string?)null, (string?)null, "golmud"), (report.SiteId, report.EnterpriseId, report.RegionId));
    }

    [Fact]
    public void GivenOnlyARegion_WhenTranslated_ThenTheReportIsAboutThatRegion() =>
        Assert.Equal("da-qaidam", When(HotlineCall.Without("enterpriseId").Without("siteId").With("regionId", "da-qaidam"))
            .ThenSingle<PublicReportReceived>().RegionId);

    [Fact]
    public void GivenNoPlaceAtAll_WhenTranslated_ThenRejectedSayingWhatToGive() =>
        When(HotlineCall.Without("enterpriseId").Without("siteId")).ThenRejected(
            "the report does not say where: give enterpriseId, siteId, regionId or longitude and latitude");

    [Fact]
    public void GivenAnUnregisteredRegion_WhenTranslated_ThenRejectedNamingIt() =>
        When(HotlineCall.With("regionId", "tianjun")).ThenRejected("region 'tianjun' is not registered in master data");

    [Fact]
    public void GivenAnUnknownChannel_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(HotlineCall.With("channel", "letter")).ThenRejected("'channel' is 'letter'; use one of: hotline-12369, wechat, sms, email");

    [Fact]
    public void GivenEmptyContent_WhenTranslated_ThenRejectedAsMissing() =>
        When(HotlineCall.With("content", "  ")).ThenRejected("'content' is missing or empty");

    [Fact]
    public void GivenAReceivedAtThatIsNotADate_WhenTranslated_ThenRejectedShowingTheValue() =>
        When(HotlineCall.With("receivedAt", "yesterday")).ThenRejected(
            "'receivedAt' should be a date and time with its UTC offset, like 2026-11-28T09:30:00+08:00, not 'yesterday'");
}
