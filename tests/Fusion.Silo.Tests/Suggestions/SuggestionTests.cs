using System.Net;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;
using static Fusion.Silo.Tests.Rewards.RewardTests;

namespace Fusion.Silo.Tests.Suggestions;

/// <summary>Measure 10 through the real host: a deputy's suggestion assigned, its response deadline passing without an answer warns the region's leaders, the answer resolves it.</summary>
public sealed class SuggestionTests
{
    static object Suggestion(string id, string group = "peoplesCongressDeputy") => new
    {
        suggestionId = id, title = "关于格尔木工业园尾矿库防渗的建议", content = "建议对园区尾矿库开展防渗排查", proposerName = "张代表", group, delegation = "格尔木代表团", regionId = "GOLMUD",
    };

    [Fact]
    public async Task GivenAnAssignedSuggestion_WhenItsDeadlinePassesWithoutAnswer_ThenTheRegionIsWarned_AndTheAnswerResolvesIt()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Warnings:TickEvery"] = "00:00:00.2" });
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        var office = app.ClientAs(Roles.HotlineOfficer, "Liaison Office");
        Assert.Equal(HttpStatusCode.Created, (await office.PostJsonAsync("/api/suggestions", Suggestion("NPC-2026-001"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await office.PostJsonAsync("/api/suggestions", Suggestion("CPPCC-2026-007", "cppccMember"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await office.PostJsonAsync("/api/suggestions", new { suggestionId = "BAD", title = "t", content = "c", proposerName = "p", group = "cppccMember", regionId = "NOWHERE" })).StatusCode);

        var leader = As(app, "Golmud Leader", Roles.Leader, "GOLMUD");
        Assert.Equal(HttpStatusCode.Forbidden, (await As(app, "Delingha Leader", Roles.Leader, "DELINGHA").PostJsonAsync("/api/suggestions/NPC-2026-001/assign", new { department = "州生态环境局" })).StatusCode);
        var assigned = await (await leader.PostJsonAsync("/api/suggestions/NPC-2026-001/assign", new { department = "州生态环境局" })).JsonAsync();
        // FusionApp.T0 is 2026-11-28 12:00 in Beijing: ninety days on.
        Assert.Equal("2027-02-26", assigned.GetProperty("respondBy").GetString());

        var page = await http.GetAsync("/api/suggestions?status=assigned&limit=1");
        Assert.Equal("1", page.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal("NPC-2026-001", Assert.Single((await page.JsonAsync()).EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(2, (await http.GetJsonAsync("/api/suggestions")).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/suggestions?limit=100000")).StatusCode);

        await app.CaughtUpAsync();
        app.Time.Advance(TimeSpan.FromDays(91));
        var warning = Assert.Single((await Rectification.RectificationTests.WaitForAsync(http, "/api/warnings?rule=suggestion-response-overdue", w => w.GetArrayLength() == 1)).EnumerateArray());
        Assert.Equal(("Region", "GOLMUD"), (warning.GetProperty("subject").GetString(), warning.GetProperty("subjectId").GetString()));
        Assert.Contains("L-GOLMUD", warning.GetRawText());
        Assert.Equal("NPC-2026-001", Assert.Single((await http.GetJsonAsync("/api/suggestions?overdue=true")).EnumerateArray()).GetProperty("id").GetString());

        var answered = await (await leader.PostJsonAsync("/api/suggestions/NPC-2026-001/answer", new { answer = "已完成园区尾矿库防渗排查，3家企业限期整改" })).JsonAsync();
        Assert.True(answered.GetProperty("late").GetBoolean());
        await Rectification.RectificationTests.WaitForAsync(http, "/api/warnings?rule=suggestion-response-overdue&status=resolved", w => w.GetArrayLength() == 1);
        Assert.Empty((await http.GetJsonAsync("/api/suggestions?overdue=true")).EnumerateArray());
    }
}
