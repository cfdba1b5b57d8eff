using System.Net;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;
using static Fusion.Silo.Tests.Rectification.RectificationTests;

namespace Fusion.Silo.Tests.Disclosure;

/// <summary>Measures 4, 8 and 11 through the real host: the public part of the API without a token and without internal detail; online posts as public reports.</summary>
public sealed class PublicDisclosureTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static object Post(string id, string platform, string kind, string? site = null) => new
    {
        postId = id, platform, account = "海西环保观察", accountKind = kind, text = "格尔木工业园一企业尾矿库有黄色液体外渗，附视频", postedAt = T0.AddHours(-1),
        url = $"https://weibo.example/{id}", siteId = site,
    };

    [Fact]
    public async Task GivenReportsPostsAndACase_WhenTheUnauthenticatedPublicAsks_ThenLevelsGradesCaseStatusAndCountsByChannel_WithNothingInternal()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner())).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("I-1", Potash, DateOnly.FromDateTime(T0.UtcDateTime).AddDays(20), T0.AddHours(-2)) })).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/ingest/public-reports", new[] { Report("R-1", "S-POTASH-OUT", T0.AddHours(-5)), Report("R-2", "S-SODA-SLAG", T0.AddHours(-4), "wechat") }))
            .EnsureSuccessStatusCode();

        // A monitored account's post comes through the public reports' intake: placed, sealed, answered with a receipt.
        var posted = await http.PostJsonAsync("/api/ingest/public-reports", new[] { Post("P-1", "weibo", "influencer", "S-POTASH-TP"), Post("P-2", "douyin", "celebrity") });
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        var answer = await posted.JsonAsync();
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        Assert.Contains("accountKind", answer.GetProperty("rejected")[0].GetProperty("reason").GetString());
        Assert.Equal("online-weibo-P-1", answer.GetProperty("receipts")[0].GetProperty("reportId").GetString());
        (await http.PostJsonAsync("/api/public-reports/R-1/verify", new { verdict = "true", severity = "medium" })).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();

        var post = await http.GetJsonAsync("/api/public-reports/online-weibo-P-1/case");
        Assert.Equal(("Online", Potash), (post.GetProperty("first").GetProperty("channel").GetString(), post.GetProperty("first").GetProperty("enterpriseId").GetString()));
        Assert.StartsWith("【weibo·网络大V】", post.GetProperty("first").GetProperty("content").GetString());
        Assert.DoesNotContain("海西环保观察", post.GetRawText());

        var anyone = app.AnonymousClient();
        var enterprises = await anyone.GetAsync("/api/public/enterprises?limit=1");
        Assert.Equal(HttpStatusCode.OK, enterprises.StatusCode);
        Assert.Equal("2", enterprises.Headers.GetValues("X-Total-Count").Single());
        var first = Assert.Single((await enterprises.JsonAsync()).EnumerateArray());
        Assert.Equal(["creditCode", "name", "industry", "regionId", "region", "riskLevel", "creditGrade"], first.EnumerateObject().Select(p => p.Name));
        var potash = (await anyone.GetJsonAsync("/api/public/enterprises?region=GOLMUD")).EnumerateArray().Single();
        Assert.Equal(Potash, potash.GetProperty("creditCode").GetString());
        Assert.StartsWith("blue", potash.GetProperty("creditGrade").GetString());

        var cases = (await anyone.GetJsonAsync("/api/public/cases?status=in-progress")).EnumerateArray().ToList();
        var c = Assert.Single(cases);
        Assert.Equal(["caseId", "creditCode", "enterprise", "regionId", "problem", "severity", "deadline", "status", "overdue", "rectifiedAt"], c.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("awaiting a rectification plan", "Tailings seepage"), (c.GetProperty("status").GetString(), c.GetProperty("problem").GetString()));
        Assert.DoesNotContain("Inspector Li", c.GetRawText());
        Assert.DoesNotContain("K-GOLMUD", c.GetRawText());
        Assert.Empty((await anyone.GetJsonAsync("/api/public/cases?status=rectified")).EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await anyone.GetAsync("/api/public/cases?status=secret")).StatusCode);

        var counts = (await anyone.GetJsonAsync("/api/public/reports-by-channel")).EnumerateArray()
            .ToDictionary(x => x.GetProperty("channel").GetString()!, x => (x.GetProperty("received").GetInt32(), x.GetProperty("handled").GetInt32()));
        Assert.Equal((1, 1), counts["Hotline12369"]);
        Assert.Equal((1, 0), counts["WeChat"]);
        Assert.Equal((1, 0), counts["Online"]);
        Assert.Equal((0, 0), counts["Email"]);
        Assert.All((await anyone.GetJsonAsync("/api/public/reports-by-channel?from=2026-11-29")).EnumerateArray(), x => Assert.Equal(0, x.GetProperty("received").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await anyone.GetAsync("/api/public/reports-by-channel?from=2026-11-29&to=2026-11-01")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync("/api/blacklist")).StatusCode);
    }
}
