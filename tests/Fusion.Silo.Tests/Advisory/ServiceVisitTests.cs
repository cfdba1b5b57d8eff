using System.Net;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Advisory;

/// <summary>Experts (参事) and stewards (环保管家) through the real host: master data, a service visit whose problem opens a case and weighs in risk.</summary>
public sealed class ServiceVisitTests
{
    [Fact]
    public async Task GivenAStewardsVisitToAPark_WhenAProblemIsRecorded_ThenItOpensACaseAndWeighsInTheEnterprisesRisk_AndTheVisitAgainIsNoChange()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var posted = await (await http.PostJsonAsync("/api/master-data", Haixi() with
        {
            Experts = [new("EXP-1", "王教授", "tailings safety", "青海大学")],
            Stewards = [new("STW-1", "青海绿源环保管家", ["GOLMUD-IP"])],
        })).JsonAsync();
        Assert.Equal(14, posted.GetProperty("accepted").GetInt32());
        Assert.Equal(["EXP-1"], (await http.GetJsonAsync("/api/experts")).EnumerateArray().Select(e => e.GetProperty("expertId").GetString()));
        Assert.Equal(["GOLMUD-IP"], (await http.GetJsonAsync("/api/stewards")).EnumerateArray().Single().GetProperty("servedAreas").EnumerateArray().Select(a => a.GetString()));

        var visit = new
        {
            visitId = "SV-1", provider = "steward", providerId = "STW-1", regionId = "GOLMUD-IP", visitedAt = FusionApp.T0.AddHours(-3), summary = "园区月度巡查",
            problems = new[] { new { problemId = "P1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "尾矿库渗漏", severity = "high", rectifyBy = "2026-12-31" } },
        };
        var inspector = app.ClientAs(Roles.Inspector, "Inspector Li");
        var recorded = await inspector.PostJsonAsync("/api/service-visits", visit);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal(["SV-1.P1"], (await recorded.JsonAsync()).GetProperty("findingIds").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await inspector.PostJsonAsync("/api/service-visits", visit)).StatusCode);

        await app.CaughtUpAsync();
        var @case = (await http.GetJsonAsync("/api/cases/finding-SV-1.P1")).GetProperty("case");
        Assert.Equal((Potash, "GOLMUD-IP"), (@case.GetProperty("enterpriseId").GetString(), @case.GetProperty("regionId").GetString()));
        Assert.Contains((await http.GetJsonAsync($"/api/enterprises/{Potash}/risk")).GetProperty("signals").EnumerateArray(),
            s => s.GetProperty("signalId").GetString() == "inspection:SV-1.P1");
        Assert.Single((await http.GetJsonAsync("/api/service-visits?provider=STW-1")).EnumerateArray());
        Assert.Equal("Inspector Li", (await http.GetJsonAsync("/api/service-visits/SV-1")).GetProperty("recordedBy").GetString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await inspector.PostJsonAsync("/api/service-visits", visit with { visitId = "SV-2", providerId = "NOBODY" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await inspector.PostJsonAsync("/api/service-visits", visit with { visitId = "SV-3", regionId = "DELINGHA" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Roles.Analyst).PostJsonAsync("/api/service-visits", visit)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/service-visits/SV-9")).StatusCode);
    }
}
