using System.Net.Http.Headers;
using System.Text;
using Fusion.Domain;
using Fusion.Domain.PublicReports;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.PublicReports;

/// <summary>The same complaint by hotline, WeChat and SMS through the real host: one case, one signal.</summary>
public sealed class DuplicateComplaintTests
{
    [Fact]
    public async Task GivenTheSameComplaintThroughThreeChannels_WhenIngested_ThenOneCaseWithTwoDuplicatesAndOneSignal()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());

        var at = FusionApp.T0.AddHours(-5);
        var csv = new ByteArrayContent(Encoding.UTF8.GetBytes(
            "举报编号,受理时间,举报方式,举报内容,被举报对象\r\n" +
            $"12369-0100,{at.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm:ss},电话,渣场扬尘严重，整个村子都是灰,Delingha Soda Ash Test Co.\r\n"));
        csv.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        await http.PostAsync("/api/ingest/public-reports", csv);
        var answer = await (await http.PostJsonAsync("/api/ingest/public-reports", new object[]
        {
            new { MsgId = "8801", FromUserName = "oWx_abc", CreateTime = at.AddHours(1).ToUnixTimeSeconds(), Content = "渣场扬尘严重 整个村子都是灰！", siteId = "S-SODA-SLAG" },
            new { sender = "13900000000", text = "渣场扬尘严重，整个村子都是灰", time = at.AddHours(2), siteId = "S-SODA-SLAG" },
            new { sender = "13900000001", text = "半夜排污口冒黑水", time = at.AddHours(2), siteId = "S-SODA-SLAG" },
        })).JsonAsync();
        Assert.Equal(3, answer.GetProperty("accepted").GetInt32());
        var wechatReceipt = answer.GetProperty("receipts")[0].GetProperty("receipt").GetString();

        var status = await app.AnonymousClient().GetJsonAsync($"/api/public-reports/status/{wechatReceipt}");
        Assert.Equal("linked to an earlier report of the same complaint", status.GetProperty("status").GetString());

        var complaint = await http.GetJsonAsync("/api/public-reports/wechat-8801/case");
        Assert.Equal("12369-0100", complaint.GetProperty("caseId").GetString());
        Assert.Equal(2, complaint.GetProperty("duplicates").GetArrayLength());

        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/risk");
        var reports = risk.GetProperty("signals").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "PublicReport")
            .Select(s => s.GetProperty("signalId").GetString()).Order().ToList();
        Assert.Equal(2, reports.Count);
        Assert.Contains("public-report:12369-0100", reports);
        Assert.DoesNotContain("public-report:wechat-8801", reports);
    }

    [Fact]
    public async Task GivenAReportStoredBeforeReportersWereSealed_WhenTheSameComplaintArrivesAgain_ThenItIsLinkedToTheStoredOne()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.Append(Streams.PublicReport("OLD-7"), new PublicReportReceived("OLD-7", ReportChannel.Hotline12369, "DELINGHA", SodaAsh, "S-SODA-SLAG",
                "渣场扬尘严重，整个村子都是灰", true, null, FusionApp.T0.AddHours(-30)));
            await session.SaveChangesAsync();
        }

        var answer = await (await http.PostJsonAsync("/api/ingest/public-reports", new object[]
        {
            new { sender = "13900000002", text = "渣场扬尘严重，整个村子都是灰！", time = FusionApp.T0.AddHours(-2), siteId = "S-SODA-SLAG" },
        })).JsonAsync();
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        var reportId = answer.GetProperty("receipts")[0].GetProperty("reportId").GetString();

        var complaint = await http.GetJsonAsync($"/api/public-reports/{reportId}/case");
        Assert.Equal("OLD-7", complaint.GetProperty("caseId").GetString());
        Assert.Equal(reportId, complaint.GetProperty("duplicates")[0].GetProperty("reportId").GetString());
        Assert.Equal("OLD-7", (await http.GetJsonAsync("/api/public-reports/OLD-7/case")).GetProperty("caseId").GetString());
    }
}
