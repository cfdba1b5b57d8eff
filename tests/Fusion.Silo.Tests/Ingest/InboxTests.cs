using System.Text;
using System.Text.Json;
using Fusion.Silo.Ingest;
using Fusion.Silo.Tests.Hosting;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>Files dropped into the watched inbox folders, through the real host: done/, rejected/ with the answer beside, restart and resend.</summary>
public sealed class InboxTests
{
    const string Sheet = "问题编号,统一社会信用代码,点位编号,问题描述,问题等级,整改期限,检查人,检查时间\n";

    static Dictionary<string, string?> Settings(string inbox) => new()
    {
        ["Fusion:Inbox:Folder"] = inbox, ["Fusion:Inbox:PollInterval"] = "00:00:00.200",
    };

    /// <summary>Waits (the machine may be loaded) until the folder holds a file of that name; its text.</summary>
    static async Task<string> ArrivesAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Path.GetFileName(path)} did not arrive; the folder holds: " +
                                           string.Join(", ", Directory.EnumerateFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName)));
            await Task.Delay(100);
        }
        return await File.ReadAllTextAsync(path);
    }

    /// <summary>Dropped as a writer should: under a temporary name, then renamed.</summary>
    static void Drop(string folder, string name, byte[] body)
    {
        File.WriteAllBytes(Path.Combine(folder, name + ".part"), body);
        File.Move(Path.Combine(folder, name + ".part"), Path.Combine(folder, name));
    }

    [Fact]
    public async Task GivenInboxFolders_WhenFilesAreDropped_ThenEachIsIngestedAndMovedToDoneOrRejectedWithItsAnswer_AndReportersNeverPlain()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var inbox = Directory.CreateTempSubdirectory("fusion-inbox-").FullName;
        var database = await TestDatabase.CreateAsync();
        var sheet = Sheet + $"HX-2026-301,{SodaAsh},S-SODA-SLAG,渣场未苫盖,重大,2026/12/31,王检查,2026/11/27 10:30\n" +
                    $"HX-2026-302,{SodaAsh},,台账缺失,一般,2026/12/31,王检查,2026/11/27 10:40\n";
        await using (var app = await FusionApp.StartAsync(database, settings: Settings(inbox)))
        {
            var http = app.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            var findings = Path.Combine(inbox, "inspection-findings");
            await FolderAsync(Path.Combine(inbox, "public-reports", "rejected"));

            // A sheet taken whole: done/, the answer beside it.
            Drop(findings, "sheet-1127.csv", Encoding.UTF8.GetBytes(sheet));
            var answer = JsonDocument.Parse(await ArrivesAsync(Path.Combine(findings, "done", "sheet-1127.csv.answer.json"))).RootElement;
            Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
            Assert.True(File.Exists(Path.Combine(findings, "done", "sheet-1127.csv")));
            Assert.False(File.Exists(Path.Combine(findings, "sheet-1127.csv")));
            Assert.Equal(1, await FindingsRecordedAsync(app, "HX-2026-301"));

            // A 12369 export (GB18030, as the desktop saves it) with one report that says nowhere: rejected/, each record named.
            var reports = Path.Combine(inbox, "public-reports");
            var csv = "举报编号,受理时间,举报方式,举报内容,被举报对象,所属区县,举报人,联系电话\r\n" +
                      "12369-0101,2026-11-28 09:30:00,电话,渣场扬尘严重 回电13897005678,Delingha Soda Ash Test Co.,,王芳,13897001234\r\n" +
                      "12369-0102,2026-11-28 10:00:00,电话,不知道在哪里,,,赵六,13897009999\r\n";
            Drop(reports, "12369-1128.csv", Encoding.GetEncoding("gb18030").GetBytes(csv));
            var reportAnswer = await ArrivesAsync(Path.Combine(reports, "rejected", Inbox.KeptName("12369-1128.csv") + ".answer.json"));
            var rejected = JsonDocument.Parse(reportAnswer).RootElement;
            Assert.Equal(1, rejected.GetProperty("accepted").GetInt32());
            Assert.Equal("12369-0102", rejected.GetProperty("rejected")[0].GetProperty("recordId").GetString());
            Assert.Contains("does not say where", rejected.GetProperty("rejected")[0].GetProperty("reason").GetString());
            Assert.Equal("12369-0101", rejected.GetProperty("receipts")[0].GetProperty("reportId").GetString());
            var kept = await File.ReadAllTextAsync(Path.Combine(reports, "rejected", Inbox.KeptName("12369-1128.csv")));
            Assert.Contains("渣场扬尘严重", kept);
            Assert.False(File.Exists(Path.Combine(reports, "12369-1128.csv")));

            // An e-mail taken whole.
            var mail = "From: Li Ming <li.ming@example.cn>\r\nTo: 12369@haixi.gov.cn\r\nSubject: Slag yard dust\r\nDate: Sat, 28 Nov 2026 09:41:00 +0800\r\n" +
                       "Message-ID: <inbox-1@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDust from the slag yard of Delingha Soda Ash Test Co., call 13909790000\r\n";
            Drop(reports, "mail-1.eml", Encoding.UTF8.GetBytes(mail));
            Assert.Equal(1, JsonDocument.Parse(await ArrivesAsync(Path.Combine(reports, "done", Inbox.KeptName("mail-1.eml") + ".answer.json"))).RootElement.GetProperty("accepted").GetInt32());

            // Nothing in done/ or rejected/ names a reporter.
            var everything = string.Join("\n", Directory.EnumerateFiles(reports, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
            Assert.All(new[] { "王芳", "13897001234", "赵六", "13897009999", "13897005678", "li.ming", "Li Ming", "13909790000" }, part => Assert.DoesNotContain(part, everything));

            // A type the feed does not take: rejected/, the answer naming what it takes.
            var alarms = Path.Combine(inbox, "camera-alarms");
            Drop(alarms, "alarms.txt", "A-1"u8.ToArray());
            var refused = await ArrivesAsync(Path.Combine(alarms, "rejected", "alarms.txt.answer.json"));
            Assert.Contains(".json (application/json)", refused);
            Assert.Contains("415", refused);
        }

        // The same sheet again while the host is down (as a crash before its move would leave it): taken at the restart, nothing appended twice.
        Drop(Path.Combine(inbox, "inspection-findings"), "sheet-1127.csv", Encoding.UTF8.GetBytes(sheet));
        await using (var app = await FusionApp.StartAsync(database, settings: Settings(inbox)))
        {
            var again = JsonDocument.Parse(await ArrivesAsync(Path.Combine(inbox, "inspection-findings", "done", "sheet-1127.2.csv.answer.json"))).RootElement;
            Assert.Equal(0, again.GetProperty("accepted").GetInt32());
            Assert.Equal(2, again.GetProperty("duplicates").GetInt32());
            Assert.Equal(1, await FindingsRecordedAsync(app, "HX-2026-301"));
        }
    }

    static async Task FolderAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Directory.Exists(path))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} was not made");
            await Task.Delay(50);
        }
    }

    static async Task<long> FindingsRecordedAsync(FusionApp app, string id)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM fusion.mt_events WHERE type = 'inspection_finding_recorded' AND data->>'findingId' = @p", conn);
        cmd.Parameters.AddWithValue("p", id);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
