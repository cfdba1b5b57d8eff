using System.Net;
using System.Text;
using System.Text.Json;
using Fusion.Domain;
using Fusion.Domain.PublicReports;
using Fusion.Silo.Analytics;
using Fusion.Silo.Ingest;
using Fusion.Silo.PublicReports;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.PublicReports;

/// <summary>Reporters' identities through the real host: sealed in events, absent everywhere else, revealed on record, shredded for good.</summary>
public sealed class ProtectedReporterTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;
    static readonly string[] Identity = ["李明", "13909790000", "li.ming@example.cn", "liming_haixi", "0979-8412345"];

    static object WeChatReport(string id, string? regionId = null) => new
    {
        reportId = id, channel = "wechat", receivedAt = T0.AddHours(-2), siteId = regionId is null ? "S-SODA-SLAG" : null, regionId,
        content = "渣场扬尘严重，请联系 13909790000 或 li.ming@example.cn，办公室 0979-8412345",
        reporterName = "李明", reporterPhone = "13909790000", reporterEmail = "li.ming@example.cn", reporterWeChatId = "liming_haixi",
    };

    static async Task<string> StoredTextAsync(FusionApp app)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT coalesce(string_agg(data::text, ' '), '') FROM fusion.mt_events UNION ALL SELECT coalesce(string_agg(data::text, ' '), '') FROM fusion.mt_doc_quarantinedrecord", conn);
        var text = new StringBuilder();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) text.Append(reader.GetString(0));
        return text.ToString();
    }

    static async Task<long> AnalyticsMentionsAsync(HttpClient http, string part)
    {
        long total = 0;
        foreach (var table in new[] { "events", "public_reports" })
        {
            var response = await http.PostAsync("/api/analytics/sql", new StringContent(JsonSerializer.Serialize(new
            {
                sql = $"SELECT count(*) AS n FROM {table} AS t WHERE CAST(t AS VARCHAR) LIKE '%{part}%'",
            }), Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            total += (await response.JsonAsync()).GetProperty("rows")[0].GetProperty("n").GetInt64();
        }
        return total;
    }

    [Fact]
    public async Task GivenReportsNamingTheirSenders_WhenIngested_ThenIdentitiesAreNowhereInPlainTextAndOnlyARecordedRevealShowsThem()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());

        var response = await http.PostJsonAsync("/api/ingest/public-reports", new[] { WeChatReport("WX-1"), WeChatReport("WX-2", regionId: "NOWHERE") });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await response.JsonAsync();
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        var receipt = Assert.Single(answer.GetProperty("receipts").EnumerateArray());
        Assert.Equal("WX-1", receipt.GetProperty("reportId").GetString());
        var code = receipt.GetProperty("receipt").GetString()!;
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", code);

        // Sent again: a duplicate, with the same receipt.
        var again = await (await http.PostJsonAsync("/api/ingest/public-reports", new[] { WeChatReport("WX-1") })).JsonAsync();
        Assert.Equal((0, 1, code), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32(),
            again.GetProperty("receipts")[0].GetProperty("receipt").GetString()));

        var stored = await StoredTextAsync(app);
        Assert.Contains("WX-1", stored);
        Assert.Contains("WX-2", stored);
        Assert.All(Identity, part => Assert.DoesNotContain(part, stored));
        var quarantine = await http.GetStringAsync("/api/quarantine?feed=public-reports");
        Assert.Contains("NOWHERE", quarantine);
        Assert.All(Identity, part => Assert.DoesNotContain(part, quarantine));

        await app.CaughtUpAsync();
        foreach (var part in Identity) Assert.Equal(0, await AnalyticsMentionsAsync(http, part));

        var status = await http.GetStringAsync($"/api/public-reports/status/{code.ToLowerInvariant()}");
        Assert.Equal($$"""{"receipt":"{{code}}","status":"received","receivedAt":"2026-11-28T02:00:00+00:00"}""", status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/public-reports/status/0000-0000-0000")).StatusCode);

        var refused = await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/WX-1/reporter/reveal", new { reason = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var revealed = await (await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/WX-1/reporter/reveal", new { reason = "reward payment" })).JsonAsync();
        Assert.Equal(("李明", "13909790000", "li.ming@example.cn", "liming_haixi"), (
            revealed.GetProperty("reporter").GetProperty("name").GetString(), revealed.GetProperty("reporter").GetProperty("phone").GetString(),
            revealed.GetProperty("reporter").GetProperty("email").GetString(), revealed.GetProperty("reporter").GetProperty("weChatId").GetString()));
        await using (var session = app.Store.QuerySession())
        {
            var events = await session.Events.FetchStreamAsync(Streams.PublicReport("WX-1"));
            Assert.Equal(new ReporterIdentityRevealed("WX-1", "officer Zhao", "reward payment", T0), events[^1].Data);
        }

        Assert.Equal(HttpStatusCode.OK, (await app.ClientAs(Roles.HotlineOfficer, "officer Qian").PostJsonAsync("/api/public-reports/WX-1/reporter/shred", new { reason = "the reporter asked" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/WX-1/reporter/reveal", new { reason = "reward payment" })).StatusCode);
        Assert.Null(await app.Services.GetRequiredService<ReporterSeals>().KeyAsync("WX-1", CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/public-reports/status/{code}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/NO-SUCH/reporter/reveal", new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task GivenReportsStoredWithPlainContacts_WhenTheMigrationRuns_ThenContactsAreSealedStoredEventsMaskedQuarantineRedactedAndAnalyticsRebuilt()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.Append(Streams.PublicReport("OLD-1"), new PublicReportReceived("OLD-1", ReportChannel.Sms, "DELINGHA", SodaAsh, "S-SODA-SLAG",
                "渣场扬尘，回电 13909790000", false, "13909790000", T0.AddDays(-3)));
            session.Events.Append(Streams.PublicReport("OLD-2"), new PublicReportReceived("OLD-2", ReportChannel.Hotline12369, "GOLMUD", null, null,
                "夜间偷排", true, null, T0.AddDays(-2)));
            session.Store(new QuarantinedRecord
            {
                Id = Guid.NewGuid(), Feed = "public-reports", Index = 0, RecordId = "OLD-3", Reason = "region 'X' is not registered in master data",
                Raw = """{"reportId":"OLD-3","reporterContact":"li.ming@example.cn","content":"call 13909790000"}""", ReceivedAt = T0.AddDays(-1),
            });
            await session.SaveChangesAsync();
        }
        await app.CaughtUpAsync();
        Assert.True(await AnalyticsMentionsAsync(http, "13909790000") > 0);

        await using (var session = app.Store.LightweightSession())
        {
            session.Delete<AppliedMigration>(SealedReportersMigration.Id);
            await session.SaveChangesAsync();
        }
        var migration = ActivatorUtilities.CreateInstance<SealedReportersMigration>(app.Services);
        await migration.StartAsync(CancellationToken.None);
        await app.Services.GetRequiredService<AnalyticsRebuild>().Completion;

        var stored = await StoredTextAsync(app);
        Assert.DoesNotContain("13909790000", stored);
        Assert.DoesNotContain("li.ming@example.cn", stored);
        Assert.Contains("渣场扬尘，回电 [电话已隐去]", stored);
        Assert.Equal(0, await AnalyticsMentionsAsync(http, "13909790000"));

        var revealed = await (await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/OLD-1/reporter/reveal", new { reason = "reward payment" })).JsonAsync();
        Assert.Equal("13909790000", revealed.GetProperty("reporter").GetProperty("contact").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/OLD-2/reporter/reveal", new { reason = "reward" })).StatusCode);

        // Done once: a second run finds nothing left to seal.
        Assert.Equal(0, (await migration.RunAsync(CancellationToken.None)).ContactsSealed);
        await using (var session = app.Store.QuerySession())
            Assert.Single(await session.Events.FetchStreamAsync(Streams.PublicReport("OLD-1")), e => e.Data is ReporterIdentitySealed);
    }
}
