using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.MasterData;

/// <summary>
/// Master data that changes, through the real host and PostgreSQL: a document naming what is registered, as it stands now,
/// amends the enterprise, moves one camera, retires another and changes a monitor's limits; the same document again appends
/// nothing; the change shows in /api/enterprises/{id}, in analytics and in a second silo of a cluster.
/// </summary>
public sealed class MasterDataRevisionTests
{
    const string Monitor = "MN-POTASH-1";

    /// <summary>Haixi with a COD monitor at the potash outfall.</summary>
    static MasterDataDocument Registered() => Revised(Haixi().Enterprises![0]);

    static MasterDataDocument Revised(EnterpriseRecord potash) => Haixi() with { Enterprises = [potash, Haixi().Enterprises![1]] };

    static MasterDataDocument WithMonitor(MasterDataDocument doc) => doc with
    {
        Enterprises = [doc.Enterprises![0] with
        {
            Sites = [doc.Enterprises[0].Sites![0] with { Monitors = [new MonitorRecord(Monitor, new Dictionary<string, double> { ["w01018"] = 50 })] }, doc.Enterprises[0].Sites![1]],
        }, doc.Enterprises[1]],
    };

    /// <summary>
    /// The potash enterprise's audited sales and name revised; CAM-POTASH-1 moved to the tailings pond; CAM-POTASH-2 retired
    /// from 27 November; the outfall monitor's COD limit lowered to 40 from 28 November (today).
    /// </summary>
    static MasterDataDocument Revision()
    {
        var potash = Haixi().Enterprises![0];
        return Revised(potash with
        {
            Name = "Qarhan Salt Lake Potash Co.", AnnualSalesRevenueYuan = 2_760_000_000m,
            Sites =
            [
                potash.Sites![0] with { Cameras = [], Monitors = [new MonitorRecord(Monitor, new Dictionary<string, double> { ["w01018"] = 40 }, LimitsFrom: "2026-11-28")] },
                potash.Sites![1] with { Cameras = [new("CAM-POTASH-1", "63280100001320000001"), new("CAM-POTASH-2", RetiredOn: "2026-11-27")] },
            ],
        });
    }

    [Fact]
    public async Task GivenRegisteredMasterData_WhenARevisionIsPostedTwice_ThenItIsAppendedOnce_AndShowsInTheEnterpriseAndAnalytics_AndARetiredCamerasAlarmIsRefused()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", WithMonitor(Registered()))).EnsureSuccessStatusCode();

        var first = await (await http.PostJsonAsync("/api/master-data", Revision())).JsonAsync();
        var events = await app.EventCountAsync();
        var again = await (await http.PostJsonAsync("/api/master-data", Revision())).JsonAsync();

        Assert.Equal(4, first.GetProperty("accepted").GetInt32());   // amended, moved, retired, limits changed
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(events, await app.EventCountAsync());

        var potash = await http.GetJsonAsync($"/api/enterprises/{Potash}");
        Assert.Equal(("Qarhan Salt Lake Potash Co.", 2_760_000_000m, 2_760_000m, 1),
            (potash.GetProperty("name").GetString(), potash.GetProperty("annualSalesRevenueYuan").GetDecimal(),
             potash.GetProperty("annualFundObligationYuan").GetDecimal(), potash.GetProperty("revision").GetInt32()));
        var sites = potash.GetProperty("sites").EnumerateArray().ToDictionary(s => s.GetProperty("siteId").GetString()!);
        Assert.Empty(sites["S-POTASH-OUT"].GetProperty("cameras").EnumerateArray());
        var cameras = sites["S-POTASH-TP"].GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("cameraId").GetString()!);
        Assert.Equal(1, cameras["CAM-POTASH-1"].GetProperty("revision").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.FromHours(8)), cameras["CAM-POTASH-2"].GetProperty("retiredFrom").GetDateTimeOffset());
        var monitor = sites["S-POTASH-OUT"].GetProperty("monitors")[0];
        Assert.Equal((40.0, new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.FromHours(8))),
            (monitor.GetProperty("limits").GetProperty("w01018").GetDouble(), monitor.GetProperty("limitsFrom").GetDateTimeOffset()));

        var alarm = await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-RETIRED", "CAM-POTASH-2", FusionApp.T0) });
        Assert.Equal(HttpStatusCode.BadRequest, alarm.StatusCode);
        Assert.Equal("camera 'CAM-POTASH-2' was retired from 2026-11-27; its alarms from then are refused",
            (await alarm.JsonAsync()).GetProperty("rejected")[0].GetProperty("reason").GetString());

        await app.CaughtUpAsync();
        var row = await RowAsync(http, $"SELECT name, revision, CAST(annual_sales_revenue_yuan AS DOUBLE) AS revenue FROM enterprises WHERE enterprise_id = '{Potash}'");
        Assert.Equal(("Qarhan Salt Lake Potash Co.", 1, 2_760_000_000.0),
            (row.GetProperty("name").GetString(), row.GetProperty("revision").GetInt32(), row.GetProperty("revenue").GetDouble()));
        var camera = await RowAsync(http, "SELECT string_agg(camera_id || '@' || site_id || (CASE WHEN retired_from IS NULL THEN '' ELSE ' retired' END), ', ' ORDER BY camera_id) AS cameras FROM cameras WHERE enterprise_id = '" + Potash + "'");
        Assert.Equal("CAM-POTASH-1@S-POTASH-TP, CAM-POTASH-2@S-POTASH-TP retired", camera.GetProperty("cameras").GetString());
        var limit = await RowAsync(http, $"SELECT limit_value, effective_from IS NOT NULL AS dated FROM monitor_limits WHERE monitor_id = '{Monitor}'");
        Assert.Equal((40.0, true), (limit.GetProperty("limit_value").GetDouble(), limit.GetProperty("dated").GetBoolean()));
    }

    [Fact]
    public async Task GivenTheSeedFileAtARestart_WhenItHoldsTheValuesBeforeARevision_ThenTheRevisionStands()
    {
        var seed = Path.Combine(Directory.CreateTempSubdirectory("fusion-seed-").FullName, "seed.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(Registered(), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var settings = new Dictionary<string, string?> { ["Fusion:SeedFile"] = seed };
        string connection;
        await using (var app = await FusionApp.StartAsync(settings: settings))
        {
            connection = app.ConnectionString;
            (await app.CreateClient().PostJsonAsync("/api/master-data", Revised(Haixi().Enterprises![0] with { AnnualSalesRevenueYuan = 2_760_000_000m }))).EnsureSuccessStatusCode();
        }

        await using var restarted = await FusionApp.StartAsync(connection, settings: settings);

        Assert.Equal(2_760_000_000m, (await restarted.CreateClient().GetJsonAsync($"/api/enterprises/{Potash}")).GetProperty("annualSalesRevenueYuan").GetDecimal());
    }

    [Fact]
    public async Task GivenTwoSilos_WhenAnEnterpriseIsAmendedThroughOne_ThenTheOtherShowsTheAmendment()
    {
        await using var redis = await RedisServer.StartAsync();
        var connection = await TestDatabase.CreateAsync();
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var clusterId = $"masterdata-{Guid.NewGuid():N}";
        string[] clustered = [$"Fusion:Cluster:Redis={redis.ConnectionString}"];
        await using var first = await SiloProcess.StartAsync(connection, Directory.CreateTempSubdirectory("fusion-md-").FullName, signingKey, clusterId, "silo-1", clustered);
        await using var second = await SiloProcess.StartAsync(connection, Directory.CreateTempSubdirectory("fusion-md-").FullName, signingKey, clusterId, "silo-2", clustered);
        (await first.Http.PostAsJsonAsync("/api/master-data", Registered())).EnsureSuccessStatusCode();

        (await first.Http.PostAsJsonAsync("/api/master-data", Revised(Haixi().Enterprises![0] with { AnnualSalesRevenueYuan = 2_760_000_000m }))).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        decimal? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            var answer = await second.Http.GetAsync($"/api/enterprises/{Potash}");
            if (answer.IsSuccessStatusCode && (seen = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("annualSalesRevenueYuan").GetDecimal()) == 2_760_000_000m) break;
            await Task.Delay(200);
        }
        Assert.Equal(2_760_000_000m, seen);
    }

    [Fact]
    public async Task GivenTheDemosMasterDataStory_WhenPlayedAndPlayedAgain_ThenTheLargestEnterpriseIsAmendedOnce_AndItsFundObligationFollows()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        var lines = new List<string>();

        await Demo.DemoMasterData.RunAsync(http, http.BaseAddress!, Haixi(), lines.Add, CancellationToken.None);
        var events = await app.EventCountAsync();
        await Demo.DemoMasterData.RunAsync(http, http.BaseAddress!, Haixi(), lines.Add, CancellationToken.None);

        Assert.Equal(events, await app.EventCountAsync());
        Assert.StartsWith("master data story: Qarhan Potash Test Co.'s annual sales revised from 2400000000 to 2760000000 yuan (revision 1; " +
                          "records accepted: 1, and 0 when the same document was posted again): its fund obligation 2400000 → 2760000 yuan a year", lines[0]);
        Assert.StartsWith("master data story: Qarhan Potash Test Co. was amended before (revision 1): annual sales 2760000000 yuan, fund obligation 2760000 yuan a year", lines[1]);
    }

    static async Task<JsonElement> RowAsync(HttpClient http, string sql)
    {
        var response = await http.PostAsync("/api/analytics/sql", new StringContent(JsonSerializer.Serialize(new { sql }), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("rows")[0];
    }
}
