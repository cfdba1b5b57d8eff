using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Security;

namespace Fusion.Silo.Demo;

/// <summary>
/// The demo's accountability stories, played over HTTP by the people who would act (logged as "accountability story"):
/// a whistleblower's report verified, its reward proposed from the table, approved by Golmud's leader, the reporter revealed
/// for payment on record and paid, the receipt telling the reporter; Golmud's emergency reserve paying out to an incident on
/// the commissioner's request and the leader's approval, and an overdraft refused; a deputy's suggestion assigned in the
/// spring and never answered raising the overdue warning. Every id is fixed, so a resumed demo adds nothing twice.
/// </summary>
public static class DemoAccountability
{
    const string ReportId = "DEMO-REWARD-1", RewardId = "reward-DEMO-REWARD-1", SuggestionId = "NPC-2026-HX-017";

    public static async Task RunAsync(LocalTokens tokens, Uri baseUrl, MasterDataDocument masterData, Action<string> log, CancellationToken ct)
    {
        using var office = Client(tokens, "李娜 (12369 reporting office)", [Roles.HotlineOfficer, Roles.Inspector]);
        using var leader = Client(tokens, "扎西东智", [Roles.Leader], new Claim("person", "L-GOLMUD-HEAD"));
        using var commissioner = Client(tokens, "郭晓东", [Roles.Commissioner], new Claim("person", "COMM-01"));
        using var feeds = Client(tokens, "haixi-opinion-monitor", [Roles.Connector]);
        bool reward = false, reserve = false, suggestion = false, disclosure = false;
        while (!ct.IsCancellationRequested && !(reward && reserve && suggestion && disclosure))
        {
            try
            {
                disclosure = disclosure || await DisclosureAsync(feeds, baseUrl, masterData, log, ct);
                reward = reward || await RewardAsync(office, leader, baseUrl, masterData, log, ct);
                reserve = reserve || await ReserveAsync(commissioner, leader, baseUrl, log, ct);
                suggestion = suggestion || await SuggestionAsync(office, leader, baseUrl, log, ct);
            }
            catch (HttpRequestException e)
            {
                log($"accountability story: {e.Message}; trying again");
            }
            if (!(reward && reserve && suggestion && disclosure)) await Task.Delay(TimeSpan.FromSeconds(10), ct);
        }
    }

    static HttpClient Client(LocalTokens tokens, string name, string[] roles, params Claim[] claims)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(name, roles, TimeSpan.FromDays(366), more: claims));
        return http;
    }

    /// <summary>A monitored influencer's post arrives through the public reports' intake; the public part of the API shows what anyone may see.</summary>
    static async Task<bool> DisclosureAsync(HttpClient feeds, Uri baseUrl, MasterDataDocument masterData, Action<string> log, CancellationToken ct)
    {
        var enterprise = masterData.Enterprises!.First(e => e.RegionId.StartsWith("GOLMUD", StringComparison.Ordinal) && e.Sites is { Count: > 0 });
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        await Post(feeds, baseUrl, "api/ingest/public-reports", new[]
        {
            new
            {
                postId = "4927301166", platform = "weibo", account = "柴达木生态观察", accountKind = "influencer", postedAt = now.AddHours(-3),
                text = $"{enterprise.Name}的渣场又在夜里冒黄烟，附视频", url = "https://weibo.com/u/4927301166", siteId = enterprise.Sites![0].SiteId,
            },
        }, ct);
        log($"accountability story: a monitored influencer's Weibo post about {enterprise.Name} came in as a public report (channel Online, the account sealed); " +
            $"the public part of the API, no token: {new Uri(baseUrl, "api/public/enterprises?region=GOLMUD")} (risk level, credit grade), " +
            $"{new Uri(baseUrl, "api/public/cases?status=overdue")}, {new Uri(baseUrl, "api/public/reports-by-channel")}, {new Uri(baseUrl, "api/blacklist")}");
        return true;
    }

    static async Task<bool> RewardAsync(HttpClient office, HttpClient leader, Uri baseUrl, MasterDataDocument masterData, Action<string> log, CancellationToken ct)
    {
        var enterprise = masterData.Enterprises!.First(e => e.RegionId.StartsWith("GOLMUD", StringComparison.Ordinal) && e.Sites is { Count: > 0 });
        var site = enterprise.Sites!.FirstOrDefault(s => s.Kind == "slag-yard") ?? enterprise.Sites![0];
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var answer = await Post(office, baseUrl, "api/ingest/public-reports", new[]
        {
            new
            {
                reportId = ReportId, channel = "hotline-12369", receivedAt = now.AddHours(-6), siteId = site.SiteId,
                content = $"{enterprise.Name}渣场夜间偷倒含盐废渣，覆土掩盖", reporterName = "韩梅", reporterPhone = "13909791234",
            },
        }, ct);
        var receipt = (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("receipts")[0].GetProperty("receipt").GetString();
        await Post(office, baseUrl, $"api/public-reports/{ReportId}/verify", new { verdict = "true", severity = "high", note = "现场核实：渣场偷倒属实" }, ct);
        var response = await office.GetAsync(new Uri(baseUrl, $"api/rewards/{RewardId}"), ct);
        if (!response.IsSuccessStatusCode) return false;   // the reward subscription has not proposed it yet
        var status = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("reward").GetProperty("status").GetString();
        if (status == "Proposed") await Post(leader, baseUrl, $"api/rewards/{RewardId}/approve", new { note = "线索准确，查实重大违法" }, ct);
        if (status is "Proposed" or "Approved")
        {
            await Post(office, baseUrl, $"api/rewards/{RewardId}/payee", new { reason = "bank transfer of the reward" }, ct);
            await Post(office, baseUrl, $"api/rewards/{RewardId}/pay", new { paymentRef = "HX-JB-2026-0042" }, ct);
        }
        log($"accountability story: report {ReportId} verified, its reward proposed from the table, approved by 扎西东智, the reporter revealed for payment " +
            $"on record and paid — {new Uri(baseUrl, $"api/rewards/{RewardId}")}; what the reporter sees: {new Uri(baseUrl, $"api/public-reports/status/{receipt}")}");
        return true;
    }

    static async Task<bool> ReserveAsync(HttpClient commissioner, HttpClient leader, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        await Post(commissioner, baseUrl, "api/reserves/GOLMUD/disbursements", new
        {
            disbursementId = "GOLMUD-2026-D1", incidentId = "tailings seepage, Golmud Industrial Park", amountYuan = 1_800_000m, purpose = "尾矿库渗漏应急处置：截渗沟、应急监测",
        }, ct);
        await Post(leader, baseUrl, "api/reserves/GOLMUD/disbursements/GOLMUD-2026-D1/approve", new { }, ct);
        var overdraft = await commissioner.PostAsJsonAsync(new Uri(baseUrl, "api/reserves/GOLMUD/disbursements"), new
        {
            disbursementId = "GOLMUD-2026-D2", incidentId = "tailings seepage, Golmud Industrial Park", amountYuan = 50_000_000m, purpose = "full remediation",
        }, ct);
        var refusal = overdraft.IsSuccessStatusCode ? "" : (await overdraft.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString();
        log($"accountability story: Golmud's emergency reserve paid 1,800,000 yuan to a tailings-seepage incident (asked by 郭晓东, approved by 扎西东智) — " +
            $"{new Uri(baseUrl, "api/reserves/GOLMUD")}; 50,000,000 more refused ({(int)overdraft.StatusCode}): {refusal} All accounts: {new Uri(baseUrl, "api/reserves")}");
        return true;
    }

    static async Task<bool> SuggestionAsync(HttpClient office, HttpClient leader, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var proposed = await office.PostAsJsonAsync(new Uri(baseUrl, "api/suggestions"), new
        {
            suggestionId = SuggestionId, title = "关于加强格尔木工业园尾矿库防渗监管的建议", content = "建议对园区尾矿库逐库开展防渗排查，建立渗漏在线监测。",
            proposerName = "才让卓玛", group = "peoplesCongressDeputy", delegation = "格尔木市代表团", regionId = "GOLMUD",
            proposedOn = today.AddDays(-120).ToString("yyyy-MM-dd"),
        }, ct);
        if (!proposed.IsSuccessStatusCode)
            throw new HttpRequestException($"POST api/suggestions: {(int)proposed.StatusCode} {await proposed.Content.ReadAsStringAsync(ct)}");
        // Assigned in the spring and never answered: its deadline passed before the platform heard of it.
        await Post(leader, baseUrl, $"api/suggestions/{SuggestionId}/assign", new { department = "海西州生态环境局", assignedOn = today.AddDays(-100).ToString("yyyy-MM-dd") }, ct);
        var warnings = await office.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/warnings?rule=suggestion-response-overdue&limit=1"), ct);
        if (warnings.GetArrayLength() == 0) return false;   // the warning rules have not seen the assignment yet
        log($"accountability story: deputy 才让卓玛's suggestion {SuggestionId}, assigned 100 days ago and never answered, raised the overdue warning " +
            $"{new Uri(baseUrl, $"api/warnings/{warnings[0].GetProperty("id").GetString()}")} (suggestions: {new Uri(baseUrl, "api/suggestions?overdue=true")})");
        return true;
    }

    static async Task<HttpResponseMessage> Post(HttpClient http, Uri baseUrl, string path, object body, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(new Uri(baseUrl, path), body, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return response;
    }
}
