using System.Net.Http.Json;
using System.Text.Json;

namespace Fusion.Silo.Demo;

/// <summary>
/// The demo's responsibility story (measures 1 and 7), played over HTTP: once Golmud's mayor has received warnings from
/// the backfill, the prefecture moves him to Da Qaidam from today and a new mayor takes Golmud; he logs the stay (蹲点) he
/// made in Golmud last week. His record, who answered for a Golmud enterprise yesterday and today, and his duty report
/// (述职) are printed. Sent again on a resumed demo, the documents are duplicates and the visit no change.
/// </summary>
public static class DemoResponsibility
{
    const string Mayor = "L-GOLMUD-HEAD";
    const string NewMayor = "L-GOLMUD-HEAD-2";

    public static async Task RunAsync(HttpClient admin, HttpClient mayor, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        for (var attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                // Let the backfill's warnings reach him first (at most about five minutes), so his report has them.
                var report = await admin.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, $"api/leaders/{Mayor}/duty-report"), ct);
                if (report.GetProperty("warnings").GetProperty("received").GetInt32() > 0 || attempt >= 20)
                {
                    await PlayAsync(admin, mayor, baseUrl, log, ct);
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                log($"responsibility story: {e.Message}; trying again");
            }
            await Task.Delay(TimeSpan.FromSeconds(15), ct);
        }
    }

    static async Task PlayAsync(HttpClient admin, HttpClient mayor, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        var beijing = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var today = DateOnly.FromDateTime(beijing.DateTime);
        var leader = await admin.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, $"api/leaders/{Mayor}"), ct);
        if (leader.GetProperty("areaId").GetString() == "GOLMUD")
        {
            var moved = await admin.PostAsJsonAsync(new Uri(baseUrl, "api/master-data"), new
            {
                leaders = new object[]
                {
                    new { leaderId = Mayor, name = leader.GetProperty("name").GetString(), title = "大柴旦行委主任", areaId = "DAQAIDAM", level = "region", from = $"{today:yyyy-MM-dd}" },
                    new { leaderId = NewMayor, name = "才让多杰", title = "格尔木市市长", areaId = "GOLMUD", level = "region", email = "l-golmud-head-2@example.cn", from = $"{today:yyyy-MM-dd}" },
                },
            }, ct);
            if (!moved.IsSuccessStatusCode) throw new HttpRequestException($"POST api/master-data: {(int)moved.StatusCode} {await moved.Content.ReadAsStringAsync(ct)}");
        }
        var lastWeek = today.AddDays(-7);
        var logged = leader.GetProperty("visits").EnumerateArray().Any(v => v.GetProperty("visitId").GetString() == "DEMO-STAY-1");
        var visit = logged ? null : await mayor.PostAsJsonAsync(new Uri(baseUrl, $"api/leaders/{Mayor}/visits"), new
        {
            visitId = "DEMO-STAY-1", kind = "stay", regionId = "GOLMUD-IP", from = $"{lastWeek:yyyy-MM-dd}", to = $"{lastWeek.AddDays(2):yyyy-MM-dd}",
            purpose = "蹲点：格尔木工业园尾矿库防渗整改", observations = "两处渗漏点已封堵，监测井待建",
        }, ct);
        if (visit is { IsSuccessStatusCode: false }) throw new HttpRequestException($"POST api/leaders/{Mayor}/visits: {(int)visit.StatusCode} {await visit.Content.ReadAsStringAsync(ct)}");

        var enterprises = await admin.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/enterprises?region=GOLMUD&limit=1"), ct);
        var enterprise = enterprises.GetArrayLength() > 0 ? enterprises[0].GetProperty("enterpriseId").GetString() : "<id>";
        var yesterday = Uri.EscapeDataString(beijing.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:sszzz"));
        log($"responsibility story: Golmud's mayor {Mayor} moved to Da Qaidam from {today:yyyy-MM-dd} and {NewMayor} took Golmud — " +
            $"his record {new Uri(baseUrl, $"api/leaders/{Mayor}")}; who answered for a Golmud enterprise yesterday " +
            $"{new Uri(baseUrl, $"api/enterprises/{enterprise}/responsible?at={yesterday}")} and now {new Uri(baseUrl, $"api/enterprises/{enterprise}/responsible")}; " +
            $"his duty report (述职) {new Uri(baseUrl, $"api/leaders/{Mayor}/duty-report?year={today.Year}")}");
    }
}
