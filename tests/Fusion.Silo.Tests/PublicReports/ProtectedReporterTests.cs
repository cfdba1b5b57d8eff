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

    /// <summary>Every row of every Marten document table (audit, quarantine, cases, warnings, deliveries, keys...) as text.</summary>
    static async Task<string> DocumentsTextAsync(FusionApp app)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'fusion' AND table_name LIKE 'mt\\_doc\\_%'", conn))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Contains("mt_doc_quarantinedrecord", tables);
        Assert.Contains("mt_doc_auditrecord", tables);
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, ' '), '') FROM fusion.\"{table}\" AS t", conn);
            text.Append(table).Append(": ").Append((string)(await cmd.ExecuteScalarAsync())!).Append('\n');
        }
        return text.ToString();
    }

    static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Fact]
    public async Task GivenReportsThroughEveryChannelAndTheInbox_WhenTakenRevealedAndShredded_ThenNoIdentityIsInTheLogAtAnyLevel_AnyDocument_TheInboxOrAnyAnswer()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var inbox = Directory.CreateTempSubdirectory("fusion-inbox-").FullName;
        await using var app = await FusionApp.StartAsync(logEverything: true,
            settings: new() { ["Fusion:Inbox:Folder"] = inbox, ["Fusion:Inbox:PollInterval"] = "00:00:00.200" });
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        var answers = new StringBuilder();
        async Task<HttpResponseMessage> Answered(Task<HttpResponseMessage> request)
        {
            var response = await request;
            answers.Append(await response.Content.ReadAsStringAsync()).Append('\n');
            return response;
        }

        // JSON (canonical, one accepted, one rejected), an SMS and a WeChat message, the 12369 CSV, an e-mail.
        var json = await Answered(http.PostJsonAsync("/api/ingest/public-reports", new[] { WeChatReport("WX-1"), WeChatReport("WX-2", regionId: "NOWHERE") }));
        var code = (await json.JsonAsync()).GetProperty("receipts")[0].GetProperty("receipt").GetString()!;
        await Answered(http.PostJsonAsync("/api/ingest/public-reports", new object[]
        {
            new { sender = "13909790000", text = "渣场扬尘严重 回电 0979-8412345", time = T0.AddHours(-3), messageId = "SMS-1", siteId = "S-SODA-SLAG" },
            new { sender = "13909790000", text = "不知道在哪里", time = T0.AddHours(-3), messageId = "SMS-2" },
            new { MsgId = "7001", FromUserName = "liming_haixi", CreateTime = T0.AddHours(-4).ToUnixTimeSeconds(), Content = "排污口黑水 li.ming@example.cn", siteId = "S-SODA-SLAG" },
        }));
        var csv = "举报编号,受理时间,举报方式,举报内容,被举报对象,所属区县,举报人,联系电话\r\n" +
                  "12369-L1,2026-11-28 09:30:00,电话,渣场扬尘严重,Delingha Soda Ash Test Co.,,李明,13909790000\r\n" +
                  "12369-L2,2026-11-28 10:00:00,电话,不知道在哪里,,,李明,13909790000\r\n";
        await Answered(http.PostAsync("/api/ingest/public-reports", Body(Encoding.GetEncoding("gb18030").GetBytes(csv), "text/csv; charset=gb18030")));
        var mail = "From: 李明 <li.ming@example.cn>\r\nTo: 12369@haixi.gov.cn\r\nSubject: Slag yard dust\r\nDate: Sat, 28 Nov 2026 09:41:00 +0800\r\n" +
                   "Message-ID: <lm-1@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDust from the slag yard of Delingha Soda Ash Test Co., call 13909790000\r\n";
        await Answered(http.PostAsync("/api/ingest/public-reports", Body(Encoding.UTF8.GetBytes(mail), "message/rfc822")));
        await Answered(http.PostAsync("/api/ingest/public-reports", Body(Encoding.UTF8.GetBytes("From: 李明 <li.ming@example.cn>\r\n\r\n"), "message/rfc822")));
        await Answered(http.PostAsync("/api/ingest/public-reports", Body(Encoding.UTF8.GetBytes("{\"reporterName\":\"李明\",\"reporterPhone\":\"13909790000\""), "application/json")));

        // A message saved by a mail client under its sender's name, dropped into the inbox.
        var reports = Path.Combine(inbox, "public-reports");
        while (!Directory.Exists(reports)) await Task.Delay(50);
        File.WriteAllBytes(Path.Combine(reports, "李明 13909790000.eml.part"), Encoding.UTF8.GetBytes(mail.Replace("lm-1@", "lm-2@")));
        File.Move(Path.Combine(reports, "李明 13909790000.eml.part"), Path.Combine(reports, "李明 13909790000.eml"));
        var answerFile = Path.Combine(reports, "done", Inbox.KeptName("李明 13909790000.eml") + ".answer.json");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(answerFile))
        {
            Assert.True(DateTime.UtcNow < deadline, "the dropped message was not taken: " + string.Join(", ", Directory.EnumerateFileSystemEntries(reports, "*", SearchOption.AllDirectories)));
            await Task.Delay(100);
        }

        // The public-report endpoints' other answers; a reveal (its own answer is the one place an identity shows), then a shred.
        await Answered(http.GetAsync($"/api/public-reports/status/{code}"));
        await Answered(http.GetAsync("/api/public-reports/WX-1/case"));
        await Answered(http.GetAsync("/api/public-reports/sms-SMS-1/case"));
        await Answered(http.GetAsync("/api/quarantine?feed=public-reports"));
        Assert.Equal(HttpStatusCode.OK, (await app.ClientAs(Roles.HotlineOfficer, "officer Zhao").PostJsonAsync("/api/public-reports/WX-1/reporter/reveal", new { reason = "reward payment" })).StatusCode);
        await Answered(app.ClientAs(Roles.HotlineOfficer, "officer Qian").PostJsonAsync("/api/public-reports/sms-SMS-1/reporter/shred", new { reason = "the reporter asked" }));
        await app.CaughtUpAsync();

        var inboxText = string.Join("\n", Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories).Select(f => f + "\n" + File.ReadAllText(f)));
        var documents = await DocumentsTextAsync(app);
        var log = string.Join("\n", app.Log);
        // What was looked at is there: the reports, their files, the log at its lowest levels.
        Assert.Contains("WX-2", documents);
        Assert.Contains("sms-SMS-1", answers.ToString());
        Assert.Contains("Dust from the slag yard", inboxText);
        Assert.Contains(app.Log, line => line.StartsWith("Debug ", StringComparison.Ordinal));
        Assert.Contains(app.Log, line => line.StartsWith("Trace ", StringComparison.Ordinal));
        Assert.Contains(app.Log, line => line.Contains("Inbox public-reports: public-report-", StringComparison.Ordinal));
        foreach (var part in Identity)
        {
            Assert.DoesNotContain(part, log);
            Assert.DoesNotContain(part, documents);
            Assert.DoesNotContain(part, inboxText);
            Assert.DoesNotContain(part, answers.ToString());
        }
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
