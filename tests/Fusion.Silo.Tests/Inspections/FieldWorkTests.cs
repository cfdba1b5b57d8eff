using System.Text;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Inspections;

/// <summary>The inspectors' spreadsheet and third-party risk pre-assessments through the real host, into the enterprise's risk.</summary>
public sealed class FieldWorkTests
{
    static object Assessment(string id, object[] issues, object[]? resolved = null) => new
    {
        assessmentId = id, subjectKind = "enterprise", subjectId = SodaAsh, assessor = "青海环科评估有限公司", riskLevel = "较大",
        issues, remediationDueBy = "2027-01-31", assessedAt = FusionApp.T0.AddDays(-2), resolvedIssues = resolved ?? [],
    };

    [Fact]
    public async Task GivenAnInspectionSheetAndAnAssessment_WhenIngested_ThenFindingsAndOpenIssuesWeighOnRiskUntilResolved()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());

        var sheet = "问题编号,统一社会信用代码,点位编号,问题描述,问题等级,整改期限,检查人,检查时间\n" +
                    $"HX-2026-201,{SodaAsh},S-SODA-SLAG,渣场未苫盖,重大,2026/12/31,王检查,2026/11/27 10:30\n" +
                    $"HX-2026-202,{SodaAsh},,台账缺失,一般般,2026/12/31,王检查,2026/11/27 10:40\n";
        var answer = await (await http.PostAsync("/api/ingest/inspection-findings", new StringContent(sheet, Encoding.UTF8, "text/csv"))).JsonAsync();
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        Assert.Contains("'severity' is '一般般'", answer.ToString());

        var assessed = await (await http.PostJsonAsync("/api/ingest/risk-assessments", new[]
        {
            Assessment("PA-2026-07", [new { issueId = "I-1", description = "slag yard runoff reaches the ditch", severity = "重大" }]),
        })).JsonAsync();
        Assert.Equal(1, assessed.GetProperty("accepted").GetInt32());

        await app.CaughtUpAsync();
        var kinds = (await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/risk")).GetProperty("signals").EnumerateArray()
            .ToDictionary(s => s.GetProperty("signalId").GetString()!, s => s.GetProperty("kind").GetString());
        Assert.Equal("InspectionFinding", kinds["inspection:HX-2026-201"]);
        Assert.Equal("AssessmentIssue", kinds["assessment:PA-2026-07:I-1"]);

        await http.PostJsonAsync("/api/ingest/risk-assessments", new[] { Assessment("PA-2026-09", [], [new { assessmentId = "PA-2026-07", issueId = "I-1" }]) });
        await app.CaughtUpAsync();
        var after = (await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/risk")).GetProperty("signals").EnumerateArray()
            .Select(s => s.GetProperty("signalId").GetString()).ToList();
        Assert.DoesNotContain("assessment:PA-2026-07:I-1", after);
        Assert.Contains("inspection:HX-2026-201", after);
    }
}
