using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Security;

/// <summary>Every command and sensitive read leaves who, roles, when, what and from where in the audit; never the content.</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task GivenARevealAnSqlQueryAndAQuarantineRead_ThenEachIsInTheAuditWithWhoRoleWhatAndWhere_AndNoneOfTheirContent()
    {
        await using var app = await FusionApp.StartAsync();
        var admin = app.ClientAs(Roles.Admin, "运维 Ma");
        (await admin.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        var intake = app.ClientAs(Roles.HotlineOfficer, "officer Qian");
        (await intake.PostJsonAsync("/api/ingest/public-reports", new[]
        {
            new { reportId = "WX-A", channel = "wechat", content = "Black water at the outfall", receivedAt = FusionApp.T0, siteId = "S-POTASH-OUT", reporterName = "王芳", reporterPhone = "13909791234" },
        })).EnsureSuccessStatusCode();

        var officer = app.ClientAs(Roles.HotlineOfficer, "officer Zhao");
        var revealed = await officer.PostJsonAsync("/api/public-reports/WX-A/reporter/reveal", new { reason = "reward payment" });
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        Assert.Equal("officer Zhao", (await revealed.JsonAsync()).GetProperty("revealedTo").GetString());
        const string sql = """{"sql":"select 42 as answer"}""";
        (await app.ClientAs(Roles.Analyst, "李敏").PostAsync("/api/analytics/sql", new StringContent(sql, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await admin.GetAsync("/api/quarantine")).EnsureSuccessStatusCode();
        (await app.ClientAs(Roles.Leader).GetAsync("/api/regions")).EnsureSuccessStatusCode();

        var reveal = Assert.Single((await admin.GetJsonAsync("/api/audit?route=reveal")).EnumerateArray());
        Assert.Equal(("officer Zhao", "POST", "/api/public-reports/{reportId}/reporter/reveal", "reportId=WX-A"),
            (reveal.GetProperty("who").GetString(), reveal.GetProperty("method").GetString(), reveal.GetProperty("route").GetString(), reveal.GetProperty("target").GetString()));
        Assert.Equal([Roles.HotlineOfficer], reveal.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(FusionApp.T0, reveal.GetProperty("at").GetDateTimeOffset());
        Assert.Contains("127.0.0.1", reveal.GetProperty("from").GetString());

        var query = Assert.Single((await admin.GetJsonAsync("/api/audit?who=李敏")).EnumerateArray());
        Assert.Equal("analytics SQL", query.GetProperty("read").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql))), query.GetProperty("bodySha256").GetString());
        var quarantine = Assert.Single((await admin.GetJsonAsync("/api/audit?route=/api/quarantine")).EnumerateArray());
        Assert.Equal(("运维 Ma", "the quarantine's raw input"), (quarantine.GetProperty("who").GetString(), quarantine.GetProperty("read").GetString()));

        var all = await admin.GetStringAsync("/api/audit?limit=1000");
        foreach (var content in new[] { "王芳", "13909791234", "select 42", "Black water", "reward payment" }) Assert.DoesNotContain(content, all);
        Assert.DoesNotContain("/api/ingest/", all);  // feeds carry their own source in their events
        Assert.DoesNotContain("/api/regions", all);  // a plain read is not an audited act
        Assert.Contains("/api/master-data", all);    // every command is

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Roles.Analyst).GetAsync("/api/audit")).StatusCode);
    }
}
