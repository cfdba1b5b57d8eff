using System.Net;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.MasterData;

public sealed class MasterDataTests
{
    [Fact]
    public async Task GivenMasterDataPosted_ThenRegionsAndEnterprisesAreListedAndAReloadIsAllDuplicates()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();

        var first = await (await http.PostJsonAsync("/api/master-data", Haixi())).JsonAsync();
        var again = await (await http.PostJsonAsync("/api/master-data", Haixi())).JsonAsync();

        Assert.Equal(6, first.GetProperty("accepted").GetInt32());
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(6, again.GetProperty("duplicates").GetInt32());
        var regions = (await http.GetJsonAsync("/api/regions")).EnumerateArray().ToList();
        Assert.Equal(["DELINGHA", "GOLMUD", "GOLMUD-IP"], regions.Select(r => r.GetProperty("regionId").GetString()));
        Assert.Equal(1, regions[1].GetProperty("enterprises").GetInt32());
        var golmud = (await http.GetJsonAsync("/api/enterprises?region=GOLMUD")).EnumerateArray().Single();
        Assert.Equal(Potash, golmud.GetProperty("enterpriseId").GetString());
        Assert.Equal(2, golmud.GetProperty("sites").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/enterprises?region=ATLANTIS")).StatusCode);
    }

    [Fact]
    public async Task GivenAnEnterpriseWithAWrongCheckCharacter_ThenItIsRejectedWithTheReasonAndTheRestRegistered()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var wrong = Potash[..17] + (Potash[17] == 'A' ? 'B' : 'A');
        var doc = Haixi() with
        {
            Enterprises = [Haixi().Enterprises![0] with { EnterpriseId = wrong, Sites = [] }, Haixi().Enterprises![1]],
        };

        var response = await http.PostJsonAsync("/api/master-data", doc);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var rejected = (await response.JsonAsync()).GetProperty("rejected").EnumerateArray().Single();
        Assert.Equal(wrong, rejected.GetProperty("recordId").GetString());
        Assert.Contains("check character", rejected.GetProperty("reason").GetString());
        var listed = (await http.GetJsonAsync("/api/enterprises")).EnumerateArray().Select(e => e.GetProperty("enterpriseId").GetString());
        Assert.Equal([SodaAsh], listed);
    }
}
