using System.Text.Json.Nodes;
using Fusion.Connectors.PublicReports;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.PublicReports;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.PublicReports;

public class PublicReportFeedSpecs
{
    static readonly ReporterKeyring Keys = ReporterKeyring.InMemory();
    static readonly PublicReportFeed Feed = new(Keys);
    static readonly DateTimeOffset ReceivedOn = new(2026, 11, 28, 8, 12, 0, Beijing);

    static readonly JsonObject HotlineCall = FeedSpec.Record(new PublicReportRecord(
        "12369-20261128-0042", "hotline-12369", "Black water running from the outfall into the Golmud river", ReceivedOn,
        EnterpriseId: SaltLake, SiteId: "outfall-1", ReporterContact: "139 0979 0000"));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenAHotlineCallAboutASite_WhenTranslated_ThenTheReportIsFiledOnItsOwnStreamWithTheReporterSealed()
    {
        var outcome = When(HotlineCall).ThenKeys("public-reports:12369-20261128-0042", "public-report:12369-20261128-0042");
        var report = outcome.ThenSingle<PublicReportFiled>();
        var seal = Keys.For("12369-20261128-0042");

        Assert.Equal(new PublicReportFiled("12369-20261128-0042", ReportChannel.Hotline12369, "golmud", SaltLake, "outfall-1",
            "Black water running from the outfall into the Golmud river", false, seal.ReceiptCode, report.SealedReporter, ReceivedOn), report);
        Assert.DoesNotContain("0979", report.SealedReporter);
        Assert.Equal(new ReporterIdentity(Contact: "139 0979 0000"), ReporterSeal.Open(report.SealedReporter!, seal.Key!, report.ReportId));
    }

    [Fact]
    public void GivenAWeChatReportNamingItsSender_WhenTranslated_ThenNameWeChatIdPhoneAndEmailAreSealedAndContactsInTheTextMasked()
    {
        var report = When(HotlineCall.With("channel", "wechat").With("reporterName", "李明").With("reporterWeChatId", "liming_haixi")
                .With("reporterPhone", "13909790000").With("reporterEmail", "li.ming@example.cn").Without("reporterContact")
                .With("content", "排污口冒黑水，请联系我 139-0979-0000 或 li.ming@example.cn，微信 liming_haixi，办公室 0979-8412345"))
            .ThenSingle<PublicReportFiled>();

        Assert.Equal("排污口冒黑水，请联系我 [电话已隐去] 或 [邮箱已隐去]，微信 [微信号已隐去]，办公室 [电话已隐去]", report.Content);
        Assert.Equal(new ReporterIdentity("李明", "13909790000", "li.ming@example.cn", "liming_haixi"),
            ReporterSeal.Open(report.SealedReporter!, Keys.For(report.ReportId).Key!, report.ReportId));
    }

    [Fact]
    public void GivenAHostWithoutKeys_WhenTranslated_ThenRejectedRatherThanStoredUnsealed() =>
        FeedSpec.Given(Catalog).When(new PublicReportFeed(), HotlineCall).ThenRejected(
            "public reports are taken only where their reporters' identities can be sealed (through the platform's ingest)");

    [Fact]
    public void GivenARejectedReport_WhenKeptForTheQuarantine_ThenNoIdentityAndNoContactInItsText()
    {
        var raw = Feed.Redact(System.Text.Json.JsonSerializer.SerializeToElement(HotlineCall.With("reporterName", "李明")
            .With("content", "call me on 13909790000")));

        Assert.DoesNotContain("0979", raw);
        Assert.DoesNotContain("李明", raw);
        Assert.DoesNotContain("reporter", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("call me on [电话已隐去]", raw);
    }

    [Fact]
    public void GivenAnUnreadableBody_WhenKeptForTheQuarantine_ThenReporterFieldsAndContactsAreCutOutOfTheText() =>
        Assert.Equal("""[{"reportId":"r-1","reporterName":"[removed]","reporterPhone":"[removed]", "content":"[电话已隐去]" """,
            Feed.Redact("""[{"reportId":"r-1","reporterName":"李明","reporterPhone":"13909790000", "content":"13909790000" """));

    [Fact]
    public void GivenAnSmsOrWeChatMessageNotReadableAsOne_WhenKeptForTheQuarantine_ThenItsSenderIsCutOut()
    {
        var sms = Feed.Redact(System.Text.Json.JsonSerializer.SerializeToElement(new { sender = "李明的手机", text = new[] { 1 } }));
        var weChat = Feed.Redact(System.Text.Json.JsonSerializer.SerializeToElement(new { MsgId = new { }, FromUserName = "liming_haixi", Content = "黑水" }));
        var unreadable = Feed.Redact("""{"sender":"李明的手机","FromUserName":"liming_haixi","text":""");

        Assert.Equal("""{"text":[1]}""", sms);
        Assert.Equal("""{"MsgId":{},"Content":"黑水"}""", weChat);
        Assert.DoesNotContain("李明", unreadable);
        Assert.DoesNotContain("liming_haixi", unreadable);
    }

    [Fact]
    public void GivenNoReporterContact_WhenTranslated_ThenTheReportIsAnonymousWithAReceipt()
    {
        var report = When(HotlineCall.Without("reporterContact")).ThenSingle<PublicReportFiled>();

        Assert.Equal((true, (string?)null, Keys.For(report.ReportId).ReceiptCode), (report.Anonymous, report.SealedReporter, report.ReceiptCode));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenABlankReporterContact_WhenTranslated_ThenTheReportIsAnonymous(string blank)
    {
        var report = When(HotlineCall.With("reporterContact", blank)).ThenSingle<PublicReportFiled>();

        Assert.Equal((true, (string?)null), (report.Anonymous, report.SealedReporter));
    }

    [Fact]
    public void GivenOnlyAPosition400mFromASite_WhenTranslated_ThenTheReportIsAttributedToIt()
    {
        var report = When(HotlineCall.Without("enterpriseId").Without("siteId")
            .With("longitude", OutfallLongitude).With("latitude", OutfallLatitude + NorthBy(400))).ThenSingle<PublicReportFiled>();

        Assert.Equal(("outfall-1", SaltLake, "golmud"), (report.SiteId, report.EnterpriseId, report.RegionId));
    }

    [Fact]
    public void GivenOnlyAPosition600mFromASite_WhenTranslated_ThenItIsAboutTheRegionAlone()
    {
        var report = When(HotlineCall.Without("enterpriseId").Without("siteId")
            .With("longitude", OutfallLongitude).With("latitude", OutfallLatitude + NorthBy(600))).ThenSingle<PublicReportFiled>();

        Assert.Equal(((string?)null, (string?)null, "golmud"), (report.SiteId, report.EnterpriseId, report.RegionId));
    }

    [Fact]
    public void GivenOnlyARegion_WhenTranslated_ThenTheReportIsAboutThatRegion() =>
        Assert.Equal("da-qaidam", When(HotlineCall.Without("enterpriseId").Without("siteId").With("regionId", "da-qaidam"))
            .ThenSingle<PublicReportFiled>().RegionId);

    [Fact]
    public void GivenNoPlaceButTheTextNamesAnEnterprise_WhenTranslated_ThenItIsAttributedToIt() =>
        Assert.Equal((SaltLake, "golmud"), When(HotlineCall.Without("enterpriseId").Without("siteId")
                .With("content", "Qarhan Salt Lake Potash dumps brine at night")).ThenSingle<PublicReportFiled>() is var r ? (r.EnterpriseId, r.RegionId) : default);

    [Fact]
    public void GivenNoPlaceButTheTextNamesARegion_WhenTranslated_ThenItIsAboutTheRegion() =>
        Assert.Equal(((string?)null, "golmud"), When(HotlineCall.Without("enterpriseId").Without("siteId")
            .With("content", "格尔木东边夜里有刺鼻气味")).ThenSingle<PublicReportFiled>() is var r ? (r.EnterpriseId, r.RegionId) : default);

    [Fact]
    public void GivenNoPlaceAtAll_WhenTranslated_ThenRejectedSayingWhatToGive() =>
        When(HotlineCall.Without("enterpriseId").Without("siteId").With("content", "black water somewhere")).ThenRejected(
            "the report does not say where: give enterpriseId, siteId, regionId or longitude and latitude");

    [Fact]
    public void GivenAnUnregisteredRegion_WhenTranslated_ThenRejectedNamingIt() =>
        When(HotlineCall.With("regionId", "tianjun")).ThenRejected("region 'tianjun' is not registered in master data");

    [Fact]
    public void GivenAnUnknownChannel_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(HotlineCall.With("channel", "letter")).ThenRejected("'channel' is 'letter'; use one of: hotline-12369, wechat, sms, email, online");

    [Fact]
    public void GivenEmptyContent_WhenTranslated_ThenRejectedAsMissing() =>
        When(HotlineCall.With("content", "  ")).ThenRejected("'content' is missing or empty");

    [Fact]
    public void GivenAReceivedAtThatIsNotADate_WhenTranslated_ThenRejectedShowingTheValue() =>
        When(HotlineCall.With("receivedAt", "yesterday")).ThenRejected(
            "'receivedAt' should be a date and time with its UTC offset, like 2026-11-28T09:30:00+08:00, not 'yesterday'");
}
