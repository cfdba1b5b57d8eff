using System.Net;
using Microsoft.Extensions.DependencyInjection;
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
        Assert.DoesNotContain("/api/regions", all);  // a plain read is not an audited act
        Assert.Contains("/api/master-data", all);    // every command is

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Roles.Analyst).GetAsync("/api/audit")).StatusCode);

        // A command's record carries how it was answered: the reveal 200, one without a reason 422, a report nobody has 404.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await officer.PostJsonAsync("/api/public-reports/WX-A/reporter/reveal", new { reason = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostJsonAsync("/api/public-reports/NO-SUCH/reporter/reveal", new { reason = "reward payment" })).StatusCode);
        await RecordAsync(admin, "route=reveal", r => r.GetProperty("target").GetString() == "reportId=WX-A" && r.TryGetProperty("status", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Number && s.GetInt32() == 200, "the reveal's 200");
        await RecordAsync(admin, "route=reveal&status=422", r => r.GetProperty("target").GetString() == "reportId=WX-A", "the reveal without a reason, 422");
        await RecordAsync(admin, "route=reveal&status=404", r => r.GetProperty("target").GetString() == "reportId=NO-SUCH", "the reveal of an unknown report, 404");
        await RecordAsync(admin, "route=/api/master-data&status=200", _ => true, "master data's 200");
    }

    /// <summary>Refusals and ingest batches are recorded off the request path: wait until the record is there.</summary>
    static async Task<System.Text.Json.JsonElement> RecordAsync(HttpClient admin, string query, Func<System.Text.Json.JsonElement, bool> match, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var found = (await admin.GetJsonAsync($"/api/audit?limit=1000&{query}")).EnumerateArray().Where(match).ToList();
            if (found.Count > 0) return found[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no audit record of {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task RefusedAttempts_AndIngestBatches_AreInTheAuditWithWhoWhatAndWhy_ButNoSecretOrContent()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1" });
        var admin = app.ClientAs(Roles.Admin, "运维 Ma");
        (await admin.PostJsonAsync("/api/master-data", Fusion.Silo.Tests.Monitoring.Hj212TcpTests.WithMonitor())).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().GetAsync("/api/regions")).StatusCode);
        var forged = app.AnonymousClient();
        forged.DefaultRequestHeaders.Add("X-Api-Key", "fk_0123456789ab_not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostJsonAsync("/api/ingest/camera-alarms", Array.Empty<object>())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Roles.Analyst, "李敏").GetAsync("/api/quarantine")).StatusCode);
        var batch = await app.ClientAs(Roles.Connector, "NVR platform").PostJsonAsync("/api/ingest/camera-alarms",
            new[] { Alarm("A-1", "CAM-POTASH-1", FusionApp.T0.AddHours(-1)), Alarm("A-2", "CAM-NOPE", FusionApp.T0.AddHours(-1)) });
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        using (var logger = new System.Net.Sockets.TcpClient())
        {
            await logger.ConnectAsync(IPAddress.Loopback, await app.Services.GetRequiredService<Fusion.Silo.Monitoring.Hj212Listener>().Port);
            await logger.GetStream().WriteAsync(Fusion.Connectors.Hj212.Hj212Frames.Data(Fusion.Silo.Tests.Monitoring.Hj212TcpTests.Mn,
                Fusion.Connectors.Hj212.Hj212Frames.MinuteData, FusionApp.T0.AddSeconds(20), FusionApp.T0,
                [new Fusion.Connectors.Hj212.Hj212Pollutant("w01018", Avg: 30)], pw: "654321"));

            static int? Status(System.Text.Json.JsonElement r) => r.GetProperty("status").ValueKind == System.Text.Json.JsonValueKind.Number ? r.GetProperty("status").GetInt32() : null;
            static string Text(System.Text.Json.JsonElement r, string p) => r.GetProperty(p).GetString() ?? "";

            var anonymous = await RecordAsync(admin, "who=anonymous", r => Status(r) == 401 && Text(r, "route") == "/api/regions", "the anonymous read");
            Assert.Contains("needs a bearer token", Text(anonymous, "outcome"));
            var key = await RecordAsync(admin, "status=401", r => Text(r, "who") == "unverified key 0123456789ab", "the forged key");
            Assert.Equal("/api/ingest/camera-alarms", Text(key, "route"));
            var role = await RecordAsync(admin, "who=李敏", r => Status(r) == 403, "the analyst's refusal");
            Assert.Equal("/api/quarantine", Text(role, "route"));
            Assert.Equal([Roles.Analyst], role.GetProperty("roles").EnumerateArray().Select(x => x.GetString()));
            Assert.Contains("needs the role admin", Text(role, "outcome"));
            var ingest = await RecordAsync(admin, "route=/api/ingest/camera-alarms", r => Text(r, "who") == "NVR platform", "the NVR's batch");
            Assert.Equal((400, "feed=camera-alarms"), (Status(ingest), Text(ingest, "target")));
            Assert.StartsWith("1 accepted, 0 duplicates, 1 rejected", Text(ingest, "outcome"));
            var device = await RecordAsync(admin, "target=mn=", r => Text(r, "who").StartsWith("data logger"), "the wrong PW");
            Assert.Equal(($"data logger {Fusion.Silo.Tests.Monitoring.Hj212TcpTests.Mn}", 403), (Text(device, "who"), Status(device)));
            Assert.Contains("access password", Text(device, "outcome"));
            Assert.StartsWith("127.0.0.1", Text(device, "from"));
        }

        var all = await admin.GetStringAsync("/api/audit?limit=1000");
        foreach (var secret in new[] { "not-the-secret", "654321", "CAM-NOPE" }) Assert.DoesNotContain(secret, all);
    }
}
