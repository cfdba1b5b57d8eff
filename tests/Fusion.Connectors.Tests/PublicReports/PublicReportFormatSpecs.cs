using System.Text;
using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.PublicReports;
using Fusion.Domain.PublicReports;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.PublicReports;

/// <summary>The 12369 CSV export, e-mail, SMS and WeChat messages, each read into the canonical record and translated.</summary>
public class PublicReportFormatSpecs
{
    static readonly ReporterKeyring Keys = ReporterKeyring.InMemory();
    static readonly PublicReportFeed Feed = new(Keys);

    static TranslatedBatch Translate(IEnumerable<SourceRecord<RecordReader>> records) =>
        IngestBatch.Translate(Feed.Name, records, r => [Feed.Translate(r, Catalog, ReceivedAt)]);

    static PublicReportFiled Filed(TranslatedBatch batch, int index) =>
        Assert.IsType<PublicReportFiled>(Assert.Single(Assert.Single(batch.Accepted, a => a.Index == index).Item.Events));

    static ReporterIdentity Reporter(PublicReportFiled e) => ReporterSeal.Open(e.SealedReporter!, Keys.For(e.ReportId).Key!, e.ReportId);

    const string Export12369 =
        "\uFEFF举报编号,受理时间,举报方式,举报内容,被举报对象,经度,纬度,所属区县,举报人,联系电话\r\n" +
        "12369-630000-0001,2026-11-28 09:30:00,电话,\"夜间偷排，废水发黑, 有刺鼻气味\",Qarhan Salt Lake Potash,,,格尔木市,王芳,13897001234\r\n" +
        "12369-630000-0002,2026/11/28 10:05,微信,\"渣场扬尘，见\"\"照片\"\"\",,,,德令哈市,,\r\n" +
        "12369-630000-0003,2026-11-28 11:00:00,短信,烟囱冒黑烟,,,,,,\r\n" +
        "12369-630000-0004,昨天,电话,渣场扬尘,,,,德令哈市,,\r\n";

    [Fact]
    public void GivenThe12369Export_WhenRead_ThenEachRowIsAReportInBeijingTimeAttributedByNameWithItsReporterSealed()
    {
        var batch = Translate(PublicReportFormats.FromCsv(Export12369, Feed));

        var first = Filed(batch, 0);
        Assert.Equal(new PublicReportFiled("12369-630000-0001", ReportChannel.Hotline12369, "golmud", SaltLake, null, "夜间偷排，废水发黑, 有刺鼻气味",
            false, Keys.For("12369-630000-0001").ReceiptCode, first.SealedReporter, new DateTimeOffset(2026, 11, 28, 9, 30, 0, TimeSpan.FromHours(8))), first);
        Assert.Equal(new ReporterIdentity("王芳", "13897001234"), Reporter(first));

        var second = Filed(batch, 1);
        Assert.Equal((ReportChannel.WeChat, "delingha", (string?)null, "渣场扬尘，见\"照片\"", true), (second.Channel, second.RegionId, second.EnterpriseId, second.Content, second.Anonymous));

        Assert.Equal([(2, "the report does not say where: give enterpriseId, siteId, regionId or longitude and latitude"),
                (3, "'receivedAt' should be a date and time with its UTC offset, like 2026-11-28T09:30:00+08:00, not '昨天'")],
            batch.Rejected.Select(r => (r.Index, r.Reason)));
        Assert.DoesNotContain("13897001234", string.Concat(batch.Rejected.Select(r => r.RawJson)));
    }

    [Fact]
    public void GivenAStrayQuoteThatCarriesTheNextRowsIntoATextCell_WhenRead_ThenNoReporterIsInTheQuarantinedRows()
    {
        // Row 2's time starts a quote that only row 4's text closes: rows 3 and 4, reporters and all, become one cell of row 2.
        const string csv =
            "举报编号,受理时间,举报方式,举报内容,被举报对象,经度,纬度,所属区县,举报人,联系电话\r\n" +
            "12369-Q-1,2026-11-28 09:30:00,电话,渣场扬尘,,,,德令哈市,欧阳保密,13912340000\r\n" +
            "12369-Q-2,\"2026-11-28 09:40:00,电话,渣场扬尘,,,,德令哈市,欧阳保密,13912340000\r\n" +
            "12369-Q-3,2026-11-28 09:50:00,电话,渣场扬尘,,,,德令哈市,欧阳保密,13912340000\r\n" +
            "12369-Q-4,2026-11-28 10:00:00,电话,\"扬尘\",,,,德令哈市,欧阳保密,13912340000\r\n";

        var batch = Translate(PublicReportFormats.FromCsv(csv, Feed));

        Assert.Equal(["12369-Q-1"], batch.Accepted.Select(a => Assert.IsType<PublicReportFiled>(Assert.Single(a.Item.Events)).ReportId));
        var rejected = Assert.Single(batch.Rejected);
        Assert.Equal("row 3 has 8 cells for 10 columns (a stray quote or comma?)", rejected.Reason);
        Assert.DoesNotContain("欧阳保密", rejected.RawJson);
        Assert.DoesNotContain("13912340000", rejected.RawJson);
    }

    [Fact]
    public void GivenARejectedRowWhoseTextHoldsAnotherRowsReporter_WhenRead_ThenThatReporterIsMaskedInTheQuarantinedRow()
    {
        const string csv =
            "举报编号,受理时间,举报方式,举报内容,被举报对象,经度,纬度,所属区县,举报人,联系电话\r\n" +
            "12369-M-1,2026-11-28 09:30:00,电话,渣场扬尘,,,,德令哈市,欧阳保密,13912340000\r\n" +
            "12369-M-2,昨天,电话,\"见欧阳保密的举报\",,,,德令哈市,,\r\n";

        var rejected = Assert.Single(Translate(PublicReportFormats.FromCsv(csv, Feed)).Rejected);

        Assert.Equal(1, rejected.Index);
        Assert.DoesNotContain("欧阳保密", rejected.RawJson);
        Assert.Contains("见[reporter]的举报", rejected.RawJson);
    }

    [Fact]
    public void GivenACsvWithoutAReportIdColumn_WhenRead_ThenRejectedNamingTheColumn() =>
        Assert.Contains("no '举报编号' (reportId) column", Assert.Throws<RecordRejected>(() => PublicReportFormats.FromCsv("受理时间,举报内容\n2026-11-28 09:30,x\n", Feed).ToList()).Message);

    static byte[] Mail(string charset, string body, bool attachment = true)
    {
        var encoding = Encoding.GetEncoding(charset);
        var text = Convert.ToBase64String(encoding.GetBytes(body));
        var b64Subject = Convert.ToBase64String(encoding.GetBytes("举报：格尔木排污"));
        var mail = $"""
            From: =?{charset}?B?{Convert.ToBase64String(encoding.GetBytes("李明"))}?= <li.ming@example.cn>
            To: 12369@haixi.gov.cn
            Subject: =?{charset}?B?{b64Subject}?=
            Date: Sat, 28 Nov 2026 09:41:00 +0800
            Message-ID: <20261128094100.4711@mail.example.cn>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset={charset}
            Content-Transfer-Encoding: base64

            {text}
            """ + (attachment ? """

            --b1
            Content-Type: image/jpeg; name="outfall.jpg"
            Content-Disposition: attachment; filename="outfall.jpg"
            Content-Transfer-Encoding: base64

            /9j/4AAQSkZJRgABAQ==
            """ : "") + "\n--b1--\n";
        return Encoding.ASCII.GetBytes(mail.Replace("\n", "\r\n"));
    }

    [Theory]
    [InlineData("gb2312")]
    [InlineData("gb18030")]
    [InlineData("utf-8")]
    public void GivenAnEmail_WhenRead_ThenTheMessageIdIsTheReportTheTextDecodedAttachmentsListedAndTheSenderSealed(string charset)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var batch = Translate([PublicReportFormats.FromEmail(Mail(charset, "Qarhan Salt Lake Potash 的排污口在冒黑水，电话 13909790000"), Feed)]);

        var report = Filed(batch, 0);
        Assert.Equal(("email-20261128094100.4711@mail.example.cn", ReportChannel.Email, SaltLake), (report.ReportId, report.Channel, report.EnterpriseId));
        Assert.Equal("举报：格尔木排污\nQarhan Salt Lake Potash 的排污口在冒黑水，电话 [电话已隐去]\n附件: outfall.jpg (image/jpeg, 13 bytes)", report.Content);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 41, 0, TimeSpan.FromHours(8)), report.ReceivedAt);
        Assert.Equal(new ReporterIdentity("李明", Email: "li.ming@example.cn"), Reporter(report));
    }

    [Fact]
    public void GivenSomethingThatIsNotAnEmail_WhenRead_ThenRejectedAsNotAnEmail() =>
        Assert.StartsWith("the body is not an e-mail message", Assert.Throws<RecordRejected>(() => PublicReportFormats.FromEmail([0xFF, 0xFE, 0x00], Feed)).Message);

    [Fact]
    public void GivenAnSmsAndAWeChatMessage_WhenRead_ThenTheyAreReportsOnTheirChannelsWithSenderSealed()
    {
        var body = JsonSerializer.SerializeToElement(new object[]
        {
            new { messageId = "SM-88", sender = "+8613897005678", text = "德令哈 渣场扬尘", time = "2026-11-28T08:00:00+08:00" },
            new { MsgId = 6112233445566, FromUserName = "oWx_9fz1a2b3c4", CreateTime = 1795834800, MsgType = "location", Label = "格尔木 夜间异味", Location_X = 36.4167, Location_Y = 94.9033 },
        });
        var batch = Translate(Feeds.Records(JsonSerializer.SerializeToElement(body.EnumerateArray().Select(PublicReportFormats.Canonical)), "reportId", Feed));

        var sms = Filed(batch, 0);
        Assert.Equal(("sms-SM-88", ReportChannel.Sms, "delingha"), (sms.ReportId, sms.Channel, sms.RegionId));
        Assert.Equal(new ReporterIdentity(Phone: "+8613897005678"), Reporter(sms));
        var wechat = Filed(batch, 1);
        Assert.Equal(("wechat-6112233445566", ReportChannel.WeChat, "golmud", DateTimeOffset.FromUnixTimeSeconds(1795834800)),
            (wechat.ReportId, wechat.Channel, wechat.RegionId, wechat.ReceivedAt));
        Assert.Equal(new ReporterIdentity(WeChatId: "oWx_9fz1a2b3c4"), Reporter(wechat));
    }

    [Fact]
    public void GivenMonitoredAccountsPosts_WhenRead_ThenOnlineReportsPlacedLikeAnyWithTheAccountSealed_AndAnUnknownKindOfAccountRefused()
    {
        var body = JsonSerializer.SerializeToElement(new object[]
        {
            new { postId = "4927301166", platform = "weibo", account = "柴达木生态观察", accountKind = "influencer", text = "排污口夜里冒黑水", postedAt = "2026-11-28T08:00:00+08:00",
                url = "https://weibo.com/u/4927301166", siteId = "outfall-1" },
            new { postId = "77", platform = "douyin", account = "someone", accountKind = "celebrity", text = "德令哈 渣场扬尘", postedAt = "2026-11-28T08:00:00+08:00" },
            new { postId = "78", platform = "douyin", accountKind = "opinion-monitor", text = "德令哈 渣场扬尘", postedAt = "2026-11-28T08:00:00+08:00" },
        });
        var batch = Translate(Feeds.Records(JsonSerializer.SerializeToElement(body.EnumerateArray().Select(PublicReportFormats.Canonical)), "reportId", Feed));

        var post = Filed(batch, 0);
        Assert.Equal(("online-weibo-4927301166", ReportChannel.Online, SaltLake, "outfall-1"), (post.ReportId, post.Channel, post.EnterpriseId, post.SiteId));
        Assert.Equal("【weibo·网络大V】排污口夜里冒黑水 https://weibo.com/u/4927301166", post.Content);
        Assert.Equal(new ReporterIdentity(Name: "柴达木生态观察"), Reporter(post));
        Assert.Equal([(1, "'accountKind' is 'celebrity'; use one of: influencer, opinion-monitor"), (2, "'account' is missing: a post is attributed to the monitored account that made it")],
            batch.Rejected.Select(r => (r.Index, r.Reason)));
    }
}
