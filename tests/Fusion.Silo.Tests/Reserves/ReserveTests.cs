using System.Net;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;
using static Fusion.Silo.Tests.Rewards.RewardTests;

namespace Fusion.Silo.Tests.Reserves;

/// <summary>Measure 6 through the real host: the configured accounts, a disbursement to an incident asked for, approved by another officer, never overdrawn.</summary>
public sealed class ReserveTests
{
    [Fact]
    public async Task GivenTheConfiguredAccounts_WhenADisbursementIsRequestedAndApproved_ThenTheBalanceFalls_AndAnOverdraftIsRefused()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();

        var accounts = (await http.GetJsonAsync("/api/reserves")).EnumerateArray().ToList();
        var prefecture = accounts.Single(a => a.GetProperty("id").GetString() == "HAIXI");
        Assert.Equal(100_000_000m, prefecture.GetProperty("balanceYuan").GetDecimal());
        Assert.False(prefecture.TryGetProperty("regionId", out var none) && none.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Equal(10_000_000m, accounts.Single(a => a.GetProperty("id").GetString() == "GOLMUD").GetProperty("balanceYuan").GetDecimal());
        var page = await http.GetAsync("/api/reserves?limit=2");
        Assert.Equal(accounts.Count.ToString(), page.Headers.GetValues("X-Total-Count").Single());

        // A Golmud commissioner asks for Golmud's reserve; a Delingha one may not; Golmud's leader approves, not the one who asked.
        var commissioner = As(app, "Commissioner Ma", Roles.Commissioner, "GOLMUD");
        var disbursement = new { disbursementId = "D-1", incidentId = "warning:repeated-discharge-alarms.S-POTASH-OUT.1", amountYuan = 6_000_000m, purpose = "尾矿库渗漏应急处置" };
        Assert.Equal(HttpStatusCode.Forbidden, (await As(app, "Commissioner Wu", Roles.Commissioner, "DELINGHA").PostJsonAsync("/api/reserves/GOLMUD/disbursements", disbursement)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await commissioner.PostJsonAsync("/api/reserves/GOLMUD/disbursements", disbursement)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await commissioner.PostJsonAsync("/api/reserves/GOLMUD/disbursements", disbursement)).StatusCode);
        var overdraft = await commissioner.PostJsonAsync("/api/reserves/GOLMUD/disbursements", disbursement with { disbursementId = "D-2", amountYuan = 5_000_000m });
        Assert.Equal(HttpStatusCode.Conflict, overdraft.StatusCode);
        Assert.Contains("never overdrawn", (await overdraft.JsonAsync()).GetProperty("detail").GetString());

        var leader = As(app, "Golmud Leader", Roles.Leader, "GOLMUD");
        Assert.Equal(HttpStatusCode.Forbidden, (await commissioner.PostJsonAsync("/api/reserves/GOLMUD/disbursements/D-1/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostJsonAsync("/api/reserves/HAIXI/disbursements/D-1/approve", new { })).StatusCode);
        var approved = await (await leader.PostJsonAsync("/api/reserves/GOLMUD/disbursements/D-1/approve", new { })).JsonAsync();
        Assert.Equal((6_000_000m, 4_000_000m), (approved.GetProperty("disbursedYuan").GetDecimal(), approved.GetProperty("balanceYuan").GetDecimal()));

        var detail = await http.GetJsonAsync("/api/reserves/GOLMUD");
        var d1 = Assert.Single(detail.GetProperty("disbursements").EnumerateArray());
        Assert.Equal(("Approved", "Commissioner Ma", "Golmud Leader"), (d1.GetProperty("status").GetString(), d1.GetProperty("requestedBy").GetString(), d1.GetProperty("decidedBy").GetString()));
        Assert.Equal(["reserve_account_opened", "reserve_funds_allocated", "reserve_disbursement_requested", "reserve_disbursement_approved"],
            detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/reserves/NOWHERE")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostJsonAsync("/api/reserves/GOLMUD/allocations", new { allocationId = "A-1", amountYuan = -1m, reference = "x" })).StatusCode);
    }

    [Fact]
    public async Task GivenAnOpenedAccount_WhenTheHostStartsAgain_ThenNothingIsOpenedOrAllocatedTwice()
    {
        string connection;
        await using (var first = await FusionApp.StartAsync())
        {
            connection = first.ConnectionString;
            (await first.CreateClient().PostJsonAsync("/api/reserves/HAIXI/allocations", new { allocationId = "2027", amountYuan = 5_000_000m, reference = "2027年州本级预算" })).EnsureSuccessStatusCode();
        }
        await using var second = await FusionApp.StartAsync(connection);
        var haixi = await second.CreateClient().GetJsonAsync("/api/reserves/HAIXI");
        Assert.Equal(105_000_000m, haixi.GetProperty("account").GetProperty("balanceYuan").GetDecimal());
        Assert.Equal(3, haixi.GetProperty("history").GetArrayLength());
    }
}
