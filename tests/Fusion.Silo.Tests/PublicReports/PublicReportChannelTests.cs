using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Fusion.Silo.Tests.Hosting;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.PublicReports;

/// <summary>The ingest routes dispatch on Content-Type: public reports as the 12369 CSV export and as e-mail, through the real host.</summary>
public sealed class PublicReportChannelTests
{
    static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Fact]
    public async Task GivenTheHost_WhenReportsArriveAsGbkCsvAndAsAnEmail_ThenBothAreStoredSealedAndOtherTypesAre415()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());

        var csv = "举报编号,受理时间,举报方式,举报内容,被举报对象,所属区县,举报人,联系电话\r\n" +
                  "12369-0001,2026-11-28 09:30:00,电话,渣场扬尘严重,Delingha Soda Ash Test Co.,,王芳,13897001234\r\n" +
                  "12369-0002,2026-11-28 10:00:00,电话,不知道在哪里,,,赵六,13897009999\r\n";
        var response = await http.PostAsync("/api/ingest/public-reports", Body(Encoding.GetEncoding("gb18030").GetBytes(csv), "text/csv; charset=gb18030"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await response.JsonAsync();
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        Assert.Equal("12369-0001", answer.GetProperty("receipts")[0].GetProperty("reportId").GetString());

        var mail = "From: Li Ming <li.ming@example.cn>\r\nTo: 12369@haixi.gov.cn\r\nSubject: Slag yard dust\r\nDate: Sat, 28 Nov 2026 09:41:00 +0800\r\n" +
                   "Message-ID: <m-1@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDust from the slag yard of Delingha Soda Ash Test Co., call 13909790000\r\n";
        var mailAnswer = await (await http.PostAsync("/api/ingest/public-reports", Body(Encoding.UTF8.GetBytes(mail), "message/rfc822"))).JsonAsync();
        Assert.Equal("email-m-1@example.cn", mailAnswer.GetProperty("receipts")[0].GetProperty("reportId").GetString());

        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT string_agg(data::text, ' ') FROM fusion.mt_events WHERE stream_id LIKE 'public-report:%'", conn);
            var stored = (string)(await cmd.ExecuteScalarAsync())!;
            Assert.Contains("渣场扬尘严重", stored);
            Assert.Contains(SodaAsh, stored);
            Assert.All(new[] { "王芳", "13897001234", "li.ming", "Li Ming", "13909790000" }, part => Assert.DoesNotContain(part, stored));
        }
        var quarantine = await http.GetStringAsync("/api/quarantine?feed=public-reports");
        Assert.Contains("12369-0002", quarantine);
        Assert.DoesNotContain("赵六", quarantine);
        Assert.DoesNotContain("13897009999", quarantine);

        var xml = await http.PostAsync("/api/ingest/public-reports", Body("<report/>"u8.ToArray(), "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        Assert.Contains("application/json, text/csv, message/rfc822", await xml.Content.ReadAsStringAsync());
        var csvAlarms = await http.PostAsync("/api/ingest/camera-alarms", Body("alarmId\nA-1\n"u8.ToArray(), "text/csv"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, csvAlarms.StatusCode);
        Assert.Contains("application/json", await csvAlarms.Content.ReadAsStringAsync());
    }
}
