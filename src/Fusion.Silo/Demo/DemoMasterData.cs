using System.Net.Http.Json;
using System.Text.Json;
using Fusion.Connectors.MasterData;

namespace Fusion.Silo.Demo;

/// <summary>
/// The demo's master-data story (issue 16): the largest enterprise's audited sales come in 15% above what it registered,
/// so the prefecture amends its record through the API; its fund obligation follows. The same revision is posted twice:
/// the second appends nothing. On a resumed demo the enterprise is already amended and only the line is printed.
/// </summary>
public static class DemoMasterData
{
    public static async Task RunAsync(HttpClient admin, Uri baseUrl, MasterDataDocument seed, Action<string> log, CancellationToken ct)
    {
        var largest = (seed.Enterprises ?? []).OrderByDescending(e => e.AnnualSalesRevenueYuan).ThenBy(e => e.EnterpriseId, StringComparer.Ordinal).FirstOrDefault();
        if (largest is null) return;
        var url = new Uri(baseUrl, $"api/enterprises/{largest.EnterpriseId}");
        try
        {
            var before = await admin.GetFromJsonAsync<JsonElement>(url, ct);
            if (before.GetProperty("revision").GetInt32() > 0)
            {
                log($"master data story: {largest.Name} was amended before (revision {before.GetProperty("revision").GetInt32()}): annual sales " +
                    $"{before.GetProperty("annualSalesRevenueYuan").GetDecimal():0} yuan, fund obligation {before.GetProperty("annualFundObligationYuan").GetDecimal():0.##} yuan a year — {url}");
                return;
            }
            var revised = Math.Round(largest.AnnualSalesRevenueYuan * 1.15m / 10_000) * 10_000;
            var document = new
            {
                enterprises = new[]
                {
                    new { largest.EnterpriseId, largest.Name, largest.Industry, largest.RegionId, annualSalesRevenueYuan = revised, largest.Longitude, largest.Latitude },
                },
            };
            var accepted = new List<int>();
            for (var i = 0; i < 2; i++)
            {
                var posted = await admin.PostAsJsonAsync(new Uri(baseUrl, "api/master-data"), document, ct);
                if (!posted.IsSuccessStatusCode) throw new HttpRequestException($"POST api/master-data: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync(ct)}");
                accepted.Add((await posted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accepted").GetInt32());
            }
            var after = await admin.GetFromJsonAsync<JsonElement>(url, ct);
            log($"master data story: {largest.Name}'s annual sales revised from {largest.AnnualSalesRevenueYuan:0} to " +
                $"{after.GetProperty("annualSalesRevenueYuan").GetDecimal():0} yuan (revision {after.GetProperty("revision").GetInt32()}; " +
                $"records accepted: {accepted[0]}, and {accepted[1]} when the same document was posted again): its fund obligation " +
                $"{before.GetProperty("annualFundObligationYuan").GetDecimal():0.##} → {after.GetProperty("annualFundObligationYuan").GetDecimal():0.##} yuan a year — {url}");
        }
        catch (HttpRequestException e)
        {
            log($"master data story: {e.Message}");
        }
    }
}
