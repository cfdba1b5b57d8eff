using System.Net;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Tests.Rectification;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>Every list endpoint pages over a stable order: the total in X-Total-Count, the next page in the Link header, a limit above the cap refused with 400.</summary>
public sealed class PagingTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>Follows the Link header from the first page to the last, checking each page's size and total.</summary>
    static async Task<List<string>> WalkAsync(HttpClient http, string url, string idField, int limit)
    {
        var ids = new List<string>();
        long? total = null;
        var next = url + (url.Contains('?') ? "&" : "?") + $"limit={limit}";
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 100, $"{url}: the Link header never ends");
            using var answer = await http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var pageTotal = long.Parse(answer.Headers.GetValues("X-Total-Count").Single());
            Assert.Equal(total ??= pageTotal, pageTotal);
            var page = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.GetProperty(idField).GetString()!).ToList();
            Assert.InRange(page.Count, 1, limit);
            ids.AddRange(page);
            next = answer.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
            if (next is null) Assert.Equal(total, ids.Count);
            else Assert.Equal(limit, page.Count);
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
        return ids;
    }

    static async Task<List<string>> AllAsync(HttpClient http, string url, string idField)
    {
        using var answer = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Link"), $"{url}: one page holds everything, yet a next page is named");
        var all = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.GetProperty(idField).GetString()!).ToList();
        Assert.Equal(all.Count, long.Parse(answer.Headers.GetValues("X-Total-Count").Single()));
        return all;
    }

    static async Task RefusedAsync(HttpClient http, string url, int maxLimit)
    {
        foreach (var query in new[] { $"limit={maxLimit + 1}", "limit=0", "offset=-1" })
        {
            using var answer = await http.GetAsync(url + (url.Contains('?') ? "&" : "?") + query);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(maxLimit, problem.GetProperty("maxLimit").GetInt32());
            Assert.Contains(query.Split('=')[0], problem.GetProperty("detail").GetString());
        }
        using var largest = await http.GetAsync(url + (url.Contains('?') ? "&" : "?") + $"limit={maxLimit}");
        Assert.Equal(HttpStatusCode.OK, largest.StatusCode);
    }

    [Fact]
    public async Task GivenMoreRowsThanOnePage_WhenEachListIsWalkedByItsLinks_ThenEveryRowComesOnceInTheSameOrder_AndAnOversizedPageIsRefused()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Warnings:TickEvery"] = "00:00:00.2" });
        var http = app.CreateClient();
        // Delingha has a commissioner of its own, so Golmud's commissioner oversees only the Potash cases.
        (await http.PostJsonAsync("/api/master-data", RectificationTests.HaixiWithCommissioner() with
        {
            Commissioners = [new("K-GOLMUD", "Commissioner Ma", "GOLMUD"), new("K-DELINGHA", "Commissioner Han", "DELINGHA")],
        })).EnsureSuccessStatusCode();
        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        // The soonest-due cases are Delingha's: a commissioner filter applied after the page cut would find none of Golmud's in the first page.
        var findings = Enumerable.Range(1, 6).Select(i => RectificationTests.Finding($"D-{i}", SodaAsh, day.AddDays(i), T0.AddHours(-1)))
            .Concat(Enumerable.Range(1, 3).Select(i => RectificationTests.Finding($"G-{i}", Potash, day.AddDays(20 + i), T0.AddHours(-1))));
        (await http.PostJsonAsync("/api/ingest/inspection-findings", findings.ToArray())).EnsureSuccessStatusCode();
        // Three discharge alarms at each of three sites: a warning per site.
        var alarms = new[] { "CAM-POTASH-1", "CAM-POTASH-2", "CAM-SODA-1" }
            .SelectMany(camera => Enumerable.Range(1, 3).Select(i => Alarm($"{camera}-{i}", camera, T0.AddHours(-i))));
        (await http.PostJsonAsync("/api/ingest/camera-alarms", alarms.ToArray())).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();

        var cases = await AllAsync(http, "/api/cases", "id");
        Assert.Equal(9, cases.Count);
        Assert.Equal(cases, await WalkAsync(http, "/api/cases", "id", 2));
        Assert.Equal(["finding-G-1", "finding-G-2", "finding-G-3"], await WalkAsync(http, "/api/cases?commissioner=K-GOLMUD", "id", 2));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"finding-D-{i}"), await WalkAsync(http, "/api/cases?commissioner=K-DELINGHA", "id", 4));
        await RefusedAsync(http, "/api/cases?commissioner=K-GOLMUD", 1000);

        var warnings = await AllAsync(http, "/api/warnings", "id");
        Assert.True(warnings.Count >= 3, $"three sites with three alarms each raise three warnings, not {warnings.Count}");
        Assert.Equal(warnings, await WalkAsync(http, "/api/warnings", "id", 1));
        await RefusedAsync(http, "/api/warnings", 1000);
        await RefusedAsync(http, $"/api/warnings/{warnings[0]}/deliveries", 1000);

        var regions = await AllAsync(http, "/api/regions", "regionId");
        Assert.Equal(["DELINGHA", "GOLMUD", "GOLMUD-IP"], regions);
        Assert.Equal(regions, await WalkAsync(http, "/api/regions", "regionId", 2));
        await RefusedAsync(http, "/api/regions", 1000);

        (await http.PostJsonAsync("/api/master-data", new MasterDataDocument(Enterprises: Enumerable.Range(10, 7).Select(i =>
            new EnterpriseRecord(Fusion.Domain.MasterData.CreditCode.Complete($"91632801MA7B00{i}X"), $"Test Works {i}", "smelting", "GOLMUD", 1_000_000m, 94.9, 36.4, [])).ToArray())))
            .EnsureSuccessStatusCode();
        var enterprises = await AllAsync(http, "/api/enterprises?region=GOLMUD", "enterpriseId");
        Assert.Equal(8, enterprises.Count);
        Assert.Equal(enterprises, await WalkAsync(http, "/api/enterprises?region=GOLMUD", "enterpriseId", 3));
        await RefusedAsync(http, "/api/enterprises", 1000);

        await RefusedAsync(http, "/api/blacklist", 1000);
        await RefusedAsync(http, "/api/blacklist/proposals", 1000);
        await RefusedAsync(http, "/api/quarantine", 200);
        await RefusedAsync(http, "/api/connector-keys", 500);
        await RefusedAsync(http, "/api/audit", 1000);
    }

    [Fact]
    public async Task GivenQuarantinedBodiesLargerThanAPageTakes_WhenListed_ThenAPageStopsAtTheCharacterBudget_AndTheLinkNamesTheRest()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        // Three unreadable bodies of 1.5 million characters each, quarantined whole: two fit the 4 million a page carries.
        for (var k = 0; k < 3; k++)
            Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/api/ingest/camera-alarms",
                new StringContent(new string((char)('a' + k), 1_500_000), System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        using var first = await http.GetAsync("/api/quarantine?limit=200");
        Assert.True(first.IsSuccessStatusCode, $"{(int)first.StatusCode}: {string.Join("\n", app.Errors)}");
        var page = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, page.Count);
        Assert.All(page, e => Assert.Equal(1_500_000, e.GetProperty("raw").GetString()!.Length));
        Assert.Equal("3", first.Headers.GetValues("X-Total-Count").Single());
        var next = first.Headers.GetValues("Link").Single().Split('<', '>')[1];
        Assert.Contains("offset=2", next);

        using var second = await http.GetAsync(next);
        var rest = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Single(rest);
        Assert.False(second.Headers.Contains("Link"));
        Assert.Equal(3, page.Concat(rest).Select(e => e.GetProperty("raw").GetString()![0]).Distinct().Count());
    }
}
