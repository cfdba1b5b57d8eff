using System.Security.Cryptography;
using Fusion.Domain.Common;
using Fusion.Domain.PublicReports;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.PublicReports;

/// <summary>Sealing, masking, revealing and destroying a reporter's identity.</summary>
public class ReporterSpecs
{
    static readonly ReporterIdentity Li = new("李明", "13909790000", "li.ming@example.cn", "liming_haixi");
    static readonly byte[] Key = ReporterSeal.NewKey();
    static readonly PublicReportFiled Filed = new("r-1", ReportChannel.WeChat, Golmud, SaltLake, Outfall, "黑水", false, "7K3M-9QPA-2DXW",
        ReporterSeal.Seal(Li, Key, "r-1"), T0);
    static readonly PublicReportFiled Anonymous = Filed with { Anonymous = true, SealedReporter = null };

    static object[] When(ReporterCommand command, params object[] given) => ReporterDecider.Decide(command, PublicReport.Fold(given));

    [Fact]
    public void GivenASealedIdentity_WhenOpenedWithItsKeyForItsReport_ThenTheIdentityComesBack() =>
        Assert.Equal(Li, ReporterSeal.Open(Filed.SealedReporter!, Key, "r-1"));

    [Fact]
    public void GivenASealedIdentity_WhenOpenedWithAnotherKeyOrForAnotherReport_ThenItDoesNotOpen()
    {
        Assert.ThrowsAny<CryptographicException>(() => ReporterSeal.Open(Filed.SealedReporter!, ReporterSeal.NewKey(), "r-1"));
        Assert.ThrowsAny<CryptographicException>(() => ReporterSeal.Open(Filed.SealedReporter!, Key, "r-2"));
    }

    [Fact]
    public void GivenAnIdentity_WhenSealed_ThenNoneOfItIsReadableInTheSealedForm() =>
        Assert.All(new[] { "李明", "13909790000", "li.ming", "liming_haixi" }, part => Assert.DoesNotContain(part, Filed.SealedReporter));

    [Theory]
    [InlineData("电话13909790000", "电话[电话已隐去]")]
    [InlineData("call +86 139 0979 0000 now", "call [电话已隐去] now")]
    [InlineData("办公室(0979)8412345", "办公室[电话已隐去]")]
    [InlineData("邮箱：li.ming@example.cn。", "邮箱：[邮箱已隐去]。")]
    [InlineData("加微信号:liming_haixi详谈", "加微信号:[微信号已隐去]详谈")]
    [InlineData("WeChat ID liming_haixi", "WeChat ID [微信号已隐去]")]
    [InlineData("2026年11月28日 排放口 pH 12.5，流量 3000 吨", "2026年11月28日 排放口 pH 12.5，流量 3000 吨")]
    [InlineData("编号 20261128000042", "编号 20261128000042")]
    public void GivenFreeText_WhenMasked_ThenContactsAreReplacedAndOtherNumbersKept(string text, string masked) =>
        Assert.Equal(masked, ContactMasking.Mask(text));

    [Fact]
    public void GivenMaskedText_WhenMaskedAgain_ThenUnchanged() =>
        Assert.Equal(ContactMasking.Mask("13909790000 li@x.cn 微信 abcdefg"), ContactMasking.Mask(ContactMasking.Mask("13909790000 li@x.cn 微信 abcdefg")));

    [Fact]
    public void GivenAStoredReportOfTheFirstShape_WhenUpcast_ThenNoContactAndContactsInTheTextMasked() =>
        Assert.Equal(new PublicReportFiled("r-0", ReportChannel.Sms, Golmud, null, null, "烟囱冒黑烟 [电话已隐去]", false, null, null, T0),
            PublicReportUpcast.From(new PublicReportReceived("r-0", ReportChannel.Sms, Golmud, null, null, "烟囱冒黑烟 13909790000", false, "13909790000", T0)));

    [Fact]
    public void GivenASealedReport_WhenRevealedWithAReason_ThenTheActIsRecorded() =>
        Assert.Equal([new ReporterIdentityRevealed("r-1", "officer Zhao", "reward payment", T0.AddDays(1))],
            When(new RevealReporter(" officer Zhao ", "reward payment", T0.AddDays(1)), Filed));

    [Theory]
    [InlineData("", "reward")]
    [InlineData("officer Zhao", " ")]
    public void GivenASealedReport_WhenRevealedWithoutSayingWhoOrWhy_ThenRejected(string by, string reason) =>
        Assert.Throws<DomainRejected>(() => When(new RevealReporter(by, reason, T0), Filed));

    [Fact]
    public void GivenAShreddedReport_WhenRevealed_ThenRefusedSayingWhen() =>
        Assert.Contains($"destroyed on {T0.AddDays(1):yyyy-MM-dd}", Assert.Throws<TransitionRefused>(() =>
            When(new RevealReporter("officer Zhao", "reward", T0.AddDays(2)), Filed, new ReporterIdentityShredded("r-1", "officer Qian", "reporter asked", T0.AddDays(1)))).Message);

    [Fact]
    public void GivenAShreddedReport_WhenShreddedAgain_ThenNothingHappens() =>
        Assert.Empty(When(new ShredReporter("officer Qian", "again", T0.AddDays(2)), Filed, new ReporterIdentityShredded("r-1", "officer Qian", "reporter asked", T0.AddDays(1))));

    [Fact]
    public void GivenAnAnonymousReport_WhenRevealed_ThenRefused() =>
        Assert.Throws<TransitionRefused>(() => When(new RevealReporter("officer Zhao", "reward", T0), Anonymous));

    [Fact]
    public void GivenAMigratedReport_WhenRevealed_ThenItsSealedContactIsTheOneRevealed()
    {
        var legacy = new PublicReportReceived("r-0", ReportChannel.Sms, Golmud, null, null, "烟", false, null, T0);
        var state = PublicReport.Fold([legacy, new ReporterIdentitySealed("r-0", "ABCD-EFGH-JKMN", "c2VhbGVk", "migration", T0.AddDays(30))]);
        Assert.Equal(("ABCD-EFGH-JKMN", "c2VhbGVk", false), (state!.ReceiptCode, state.SealedReporter, state.Anonymous));
    }
}
