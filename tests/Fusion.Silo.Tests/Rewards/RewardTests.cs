using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Rewards;

/// <summary>Measure 9 through the real host: a report verified, its reward proposed, approved, its payee revealed on record, paid; the receipt tells the reporter.</summary>
public sealed class RewardTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>A person with one role and the areas the token names.</summary>
    public static HttpClient As(FusionApp app, string name, string role, string? areas = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            app.Tokens.Issue(name, [role], TimeSpan.FromHours(1), more: areas is null ? null : [new Claim("areas", areas)]));
        return client;
    }

    static object NamedReport(string id, string site) => new
    {
        reportId = id, channel = "hotline-12369", receivedAt = T0.AddHours(-3), siteId = site, content = "尾矿库夜间向河道排放黑水",
        reporterName = "韩梅", reporterPhone = "13909791111",
    };

    [Fact]
    public async Task GivenANamedReport_WhenVerifiedAMajorViolation_ThenItsRewardIsProposedApprovedRevealedOnRecordAndPaid_AndTheReceiptShowsItWithoutTheReporter()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        var ingest = await (await http.PostJsonAsync("/api/ingest/public-reports", new[] { NamedReport("R-1", "S-POTASH-TP") })).JsonAsync();
        var receipt = ingest.GetProperty("receipts")[0].GetProperty("receipt").GetString()!;
        var publicView = app.AnonymousClient();
        Assert.Equal("received", (await publicView.GetJsonAsync($"/api/public-reports/status/{receipt}")).GetProperty("status").GetString());

        // Verified by an inspector who checked on site; an analyst may not verify.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Roles.Analyst).PostJsonAsync("/api/public-reports/R-1/verify", new { verdict = "true", severity = "high" })).StatusCode);
        var verified = await app.ClientAs(Roles.Inspector, "Inspector Li").PostJsonAsync("/api/public-reports/R-1/verify", new { verdict = "true", severity = "high", note = "黑水排放属实" });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Equal("Inspector Li", (await verified.JsonAsync()).GetProperty("verifiedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync("/api/public-reports/R-1/verify", new { verdict = "false", severity = "high" })).StatusCode);
        await app.CaughtUpAsync();

        var reward = Assert.Single((await http.GetJsonAsync("/api/rewards?status=proposed")).EnumerateArray());
        Assert.Equal(("reward-R-1", 5000m), (reward.GetProperty("id").GetString(), reward.GetProperty("proposedYuan").GetDecimal()));
        Assert.Contains("reward table: High 5000 yuan", reward.GetProperty("basis").GetString());
        var status = await publicView.GetJsonAsync($"/api/public-reports/status/{receipt}");
        Assert.Equal("True", status.GetProperty("verification").GetProperty("verdict").GetString());
        Assert.Equal("Proposed", status.GetProperty("reward").GetProperty("status").GetString());

        // Approval: a leader of the report's area only, within the bounds.
        var delingha = As(app, "Delingha Leader", Roles.Leader, "DELINGHA");
        Assert.Equal(HttpStatusCode.Forbidden, (await delingha.PostJsonAsync("/api/rewards/reward-R-1/approve", new { })).StatusCode);
        var golmud = As(app, "Golmud Leader", Roles.Leader, "GOLMUD");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await golmud.PostJsonAsync("/api/rewards/reward-R-1/approve", new { amountYuan = 50000 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await golmud.PostJsonAsync("/api/rewards/reward-R-1/approve", new { amountYuan = 8000, note = "重大线索" })).StatusCode);

        // Paid only once the payee is known by a recorded act.
        var office = app.ClientAs(Roles.HotlineOfficer, "Hotline Officer Zhou");
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostJsonAsync("/api/rewards/reward-R-1/pay", new { paymentRef = "BANK-2026-001" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await golmud.PostJsonAsync("/api/rewards/reward-R-1/payee", new { })).StatusCode);
        var payee = await (await office.PostJsonAsync("/api/rewards/reward-R-1/payee", new { reason = "bank transfer" })).JsonAsync();
        Assert.Equal("韩梅", payee.GetProperty("payee").GetProperty("name").GetString());
        Assert.Equal(8000m, payee.GetProperty("amountYuan").GetDecimal());
        var paid = await office.PostJsonAsync("/api/rewards/reward-R-1/pay", new { paymentRef = "BANK-2026-001" });
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal("RevealedReporter", (await paid.JsonAsync()).GetProperty("paidTo").GetString());

        // The reveal is on the report's record too, naming the reward; the reward's history never holds the identity.
        var detail = await http.GetJsonAsync("/api/rewards/reward-R-1");
        Assert.Equal(["reward_proposed", "reward_approved", "reward_payee_revealed", "reward_paid"],
            detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));
        Assert.DoesNotContain("韩梅", detail.GetRawText());
        Assert.DoesNotContain("13909791111", detail.GetRawText());

        status = await publicView.GetJsonAsync($"/api/public-reports/status/{receipt}");
        Assert.Equal("verified; reward paid", status.GetProperty("status").GetString());
        Assert.Equal(8000m, status.GetProperty("reward").GetProperty("amountYuan").GetDecimal());
        Assert.Equal(T0, status.GetProperty("reward").GetProperty("paidAt").GetDateTimeOffset());
        Assert.DoesNotContain("韩梅", status.GetRawText());
        Assert.DoesNotContain("Hotline Officer Zhou", status.GetRawText());
        Assert.DoesNotContain("Golmud Leader", status.GetRawText());

        // The audit has the reveal as a sensitive read by the officer.
        var audit = (await http.GetJsonAsync("/api/audit?route=/payee")).EnumerateArray().ToList();
        Assert.Contains(audit, a => a.GetProperty("who").GetString() == "Hotline Officer Zhou" && a.TryGetProperty("read", out var read) && read.GetString()?.Contains("reward") == true);
    }

    [Fact]
    public async Task GivenAnAnonymousReport_WhenItsApprovedRewardIsClaimed_ThenPaidToTheReceiptHolder_AndAFalseReportEarnsNothing()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        var ingest = await (await http.PostJsonAsync("/api/ingest/public-reports", new[]
        {
            Report("ANON-1", "S-SODA-SLAG", T0.AddHours(-5)),
            new { reportId = "FALSE-1", channel = "wechat", receivedAt = T0.AddHours(-4), siteId = "S-POTASH-OUT", content = "排污口冒烟", reporterName = "路人" },
        })).JsonAsync();
        var receipt = ingest.GetProperty("receipts").EnumerateArray().Single(r => r.GetProperty("reportId").GetString() == "ANON-1").GetProperty("receipt").GetString()!;
        (await http.PostJsonAsync("/api/public-reports/ANON-1/verify", new { verdict = "partlyTrue", severity = "critical" })).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/public-reports/FALSE-1/verify", new { verdict = "false", severity = "critical" })).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();

        var reward = Assert.Single((await http.GetJsonAsync("/api/rewards")).EnumerateArray());
        Assert.Equal(("reward-ANON-1", 10000m, true), (reward.GetProperty("id").GetString(), reward.GetProperty("proposedYuan").GetDecimal(), reward.GetProperty("anonymous").GetBoolean()));
        (await http.PostJsonAsync("/api/rewards/reward-ANON-1/approve", new { })).EnsureSuccessStatusCode();
        Assert.Contains("Claim the reward", (await app.AnonymousClient().GetJsonAsync($"/api/public-reports/status/{receipt}")).GetProperty("reward").GetProperty("claim").GetString());

        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync("/api/rewards/reward-ANON-1/payee", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostJsonAsync("/api/rewards/reward-ANON-1/pay", new { paymentRef = "CASH-1", receipt = "0000-0000-0000" })).StatusCode);
        var paid = await http.PostJsonAsync("/api/rewards/reward-ANON-1/pay", new { paymentRef = "CASH-1", receipt = receipt.ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal("ReceiptHolder", (await paid.JsonAsync()).GetProperty("paidTo").GetString());
        Assert.Equal("verified; reward paid", (await app.AnonymousClient().GetJsonAsync($"/api/public-reports/status/{receipt}")).GetProperty("status").GetString());
    }
}
