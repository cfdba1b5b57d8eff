using System.Net.Http.Json;
using System.Text.Json;

namespace Fusion.Silo.Demo;

/// <summary>
/// The demo's experts-and-stewards story (measure 2), over HTTP: the prefecture registers two expert advisers (参事) and a
/// steward provider (环保管家) serving the Golmud park; the steward's monthly visit to the park finds a problem at one of
/// its enterprises, which opens a rectification case like an inspection's. Fixed ids: a resumed demo adds nothing.
/// </summary>
public static class DemoAdvisory
{
    public static async Task RunAsync(HttpClient admin, HttpClient officer, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await PlayAsync(admin, officer, baseUrl, log, ct);
                return;
            }
            catch (HttpRequestException e)
            {
                log($"experts and stewards story: {e.Message}; trying again");
            }
            await Task.Delay(TimeSpan.FromSeconds(15), ct);
        }
    }

    static async Task PlayAsync(HttpClient admin, HttpClient officer, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        await Post(admin, baseUrl, "api/master-data", new
        {
            experts = new[]
            {
                new { expertId = "EXP-HX-01", name = "马德林", field = "尾矿库安全与防渗", organisation = "青海大学", email = "exp-hx-01@example.cn" },
                new { expertId = "EXP-HX-02", name = "索南卓玛", field = "盐湖生态与湿地保护", organisation = "中国科学院青海盐湖研究所", email = "exp-hx-02@example.cn" },
            },
            stewards = new[] { new { stewardId = "STW-HX-01", name = "青海绿源环保管家服务有限公司", servedAreas = new[] { "GOLMUD-IP" }, email = "stw-hx-01@example.cn" } },
        }, ct);
        var enterprises = await admin.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/enterprises?region=GOLMUD-IP&limit=50"), ct);
        var target = enterprises.EnumerateArray().FirstOrDefault(e => e.GetProperty("regionId").GetString() == "GOLMUD-IP" && e.GetProperty("sites").GetArrayLength() > 0);
        if (target.ValueKind != JsonValueKind.Object) return;
        var enterprise = target.GetProperty("enterpriseId").GetString();
        var site = target.GetProperty("sites")[0].GetProperty("siteId").GetString();
        var visitedAt = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddHours(-3);
        await Post(officer, baseUrl, "api/service-visits", new
        {
            visitId = "DEMO-STEWARD-VISIT-1", provider = "steward", providerId = "STW-HX-01", regionId = "GOLMUD-IP", visitedAt,
            summary = "环保管家月度巡查：园区危废贮存与雨污分流",
            problems = new[]
            {
                new { problemId = "P1", enterpriseId = enterprise, siteId = site, violation = "危废暂存间未做防渗、台账缺失", severity = "medium",
                      rectifyBy = DateOnly.FromDateTime(visitedAt.DateTime).AddDays(20).ToString("yyyy-MM-dd") },
            },
        }, ct);
        log($"experts and stewards story: the Golmud park's steward found a problem at {enterprise} — visit {new Uri(baseUrl, "api/service-visits/DEMO-STEWARD-VISIT-1")}, " +
            $"its case {new Uri(baseUrl, "api/cases/finding-DEMO-STEWARD-VISIT-1.P1")}; experts {new Uri(baseUrl, "api/experts")}, stewards {new Uri(baseUrl, "api/stewards")}");
    }

    static async Task Post(HttpClient http, Uri baseUrl, string path, object body, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(new Uri(baseUrl, path), body, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
