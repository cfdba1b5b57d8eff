using Fusion.Domain.PublicReports;

namespace Fusion.Domain.Tests.PublicReports;

/// <summary>The same complaint through several channels or several times: linked to the first, by place, window and similar text.</summary>
public class DuplicateComplaintSpecs
{
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));
    static readonly DuplicatePolicy Policy = new();

    static PublicReportFiled Report(string id, string content, DateTimeOffset at, string? site = "S-1", string? enterprise = "E-1", ReportChannel channel = ReportChannel.Hotline12369) =>
        new(id, channel, "GOLMUD", enterprise, site, content, true, null, null, at);

    static EarlierReport Earlier(PublicReportFiled r, string? duplicateOf = null) => new(r.ReportId, r.SiteId, r.EnterpriseId, r.Content, r.ReceivedAt, duplicateOf);

    static readonly PublicReportFiled First = Report("12369-1", "尾矿库渗漏，黑水流进河里", T0);

    [Fact]
    public void GivenTheSameComplaintByWeChatTwoHoursLater_ThenItIsLinkedToTheFirst()
    {
        var original = DuplicateComplaints.OriginalOf(Report("wx-1", "尾矿库渗漏 黑水流进河里了！", T0.AddHours(2), channel: ReportChannel.WeChat), [Earlier(First)], Policy);
        Assert.Equal("12369-1", original?.OriginalId);
        Assert.True(original?.Similarity >= 0.8);
    }

    [Fact]
    public void GivenADuplicateOfADuplicate_ThenItIsLinkedToTheFirstOfAll() =>
        Assert.Equal("12369-1", DuplicateComplaints.OriginalOf(Report("sms-1", "尾矿库渗漏，黑水流进河里", T0.AddHours(5)),
            [Earlier(Report("wx-1", "尾矿库渗漏，黑水流进河里", T0.AddHours(2)), duplicateOf: "12369-1")], Policy)?.OriginalId);

    [Theory]
    [InlineData(72, true)]
    [InlineData(73, false)]
    public void GivenTheSameTextLater_ThenOnlyWithinTheWindowIsItTheSameComplaint(double hours, bool linked) =>
        Assert.Equal(linked, DuplicateComplaints.OriginalOf(Report("r-2", First.Content, T0.AddHours(hours)), [Earlier(First)], Policy) is not null);

    [Fact]
    public void GivenAnotherProblemAtTheSameSite_ThenItIsAComplaintOfItsOwn() =>
        Assert.Null(DuplicateComplaints.OriginalOf(Report("r-2", "夜里烟囱冒黄烟，气味刺鼻", T0.AddHours(1)), [Earlier(First)], Policy));

    [Fact]
    public void GivenTheSameTextAtAnotherSite_ThenItIsAComplaintOfItsOwn() =>
        Assert.Null(DuplicateComplaints.OriginalOf(Report("r-2", First.Content, T0.AddHours(1), site: "S-2"), [Earlier(First)], Policy));

    [Fact]
    public void GivenReportsPlacedOnlyInARegion_ThenTheyAreNeverLinked() =>
        Assert.Null(DuplicateComplaints.OriginalOf(Report("r-2", First.Content, T0.AddHours(1), site: null, enterprise: null),
            [Earlier(Report("r-1", First.Content, T0, site: null, enterprise: null))], Policy));

    [Fact]
    public void GivenTwoEarlierMatches_ThenTheEarliestIsTheOriginal() =>
        Assert.Equal("12369-1", DuplicateComplaints.OriginalOf(Report("r-3", First.Content, T0.AddHours(10)),
            [Earlier(Report("r-2", First.Content, T0.AddHours(30))), Earlier(First)], Policy)?.OriginalId);

    [Theory]
    [InlineData("black water from the outfall", "Black water from the outfall!", 1.0)]
    [InlineData("abc", "xyz", 0.0)]
    [InlineData("", "abc", 0.0)]
    public void GivenTwoTexts_ThenSimilarityIgnoresCaseAndPunctuation(string a, string b, double expected) =>
        Assert.Equal(expected, DuplicateComplaints.Similarity(a, b), 3);
}
