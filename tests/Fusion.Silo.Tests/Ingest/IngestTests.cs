using System.Net;
using System.Text;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

public sealed class IngestTests : IAsyncLifetime
{
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync();
        http = app.CreateClient();
        var seeded = await http.PostJsonAsync("/api/master-data", Haixi());
        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task GivenABatchPostedTwice_WhenPostedAgain_ThenAllAreDuplicatesAndNoEventIsAppended()
    {
        object[] batch = [Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-3)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-2)), Alarm("A-3", "CAM-SODA-1", T0.AddHours(-1))];
        var first = await (await http.PostJsonAsync("/api/ingest/camera-alarms", batch)).JsonAsync();
        Assert.Equal(3, first.GetProperty("accepted").GetInt32());
        var events = await app.EventCountAsync();

        var again = await http.PostJsonAsync("/api/ingest/camera-alarms", batch);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.JsonAsync();
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
        Assert.Equal(3, body.GetProperty("duplicates").GetInt32());
        Assert.Equal(events, await app.EventCountAsync());
    }

    [Fact]
    public async Task GivenTheSameRecordTwiceInOneBatch_ThenItIsStoredOnce()
    {
        var response = await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-9", "CAM-POTASH-1", T0), Alarm("A-9", "CAM-POTASH-1", T0) });

        var body = await response.JsonAsync();
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task GivenABatchWithBadRecords_ThenBadRequestGoodOnesStoredAndBadOnesQuarantined()
    {
        var before = await app.EventCountAsync();
        object[] batch =
        [
            Alarm("G-1", "CAM-POTASH-1", T0),
            new { alarmId = "B-1", cameraId = "CAM-UNKNOWN", alarmType = "tamper", confidence = 0.5, occurredAt = T0 },
            Alarm("G-2", "CAM-SODA-1", T0),
            new { alarmId = "B-2", cameraId = "CAM-SODA-1", alarmType = "fire", confidence = 0.5, occurredAt = T0 },
            new { alarmId = "B-3", cameraId = "CAM-SODA-1", alarmType = "tamper", confidence = 0.5, occurredAt = "2026-11-28 10:00" },
        ];

        var response = await http.PostJsonAsync("/api/ingest/camera-alarms", batch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(2, problem.GetProperty("accepted").GetInt32());
        var rejected = problem.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([1, 3, 4], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Contains("camera 'CAM-UNKNOWN' is not registered", rejected[0].GetProperty("reason").GetString());
        Assert.Contains("'alarmType' is 'fire'", rejected[1].GetProperty("reason").GetString());
        Assert.Contains("'occurredAt' should be a date and time with its UTC offset", rejected[2].GetProperty("reason").GetString());
        Assert.Equal(before + 2, await app.EventCountAsync());

        var quarantine = (await http.GetJsonAsync("/api/quarantine?feed=camera-alarms")).EnumerateArray().ToList();
        Assert.Equal(["B-1", "B-2", "B-3"], quarantine.Select(q => q.GetProperty("recordId").GetString()).Order());
        Assert.All(quarantine, q => Assert.Contains(q.GetProperty("recordId").GetString()!, q.GetProperty("raw").GetString()));
    }

    [Fact]
    public async Task GivenMalformedJson_ThenBadRequestAndTheRawBodyIsQuarantined()
    {
        const string raw = "[{\"alarmId\": \"X-1\", \"cameraId\": ";
        var response = await http.PostAsync("/api/ingest/camera-alarms", new StringContent(raw, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (await response.JsonAsync()).GetProperty("detail").GetString());
        var quarantined = (await http.GetJsonAsync("/api/quarantine")).EnumerateArray().Single();
        Assert.Equal(raw, quarantined.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task GivenASingleObjectInsteadOfAnArray_ThenBadRequestSayingSo()
    {
        var response = await http.PostJsonAsync("/api/ingest/public-reports", Report("R-1", "S-POTASH-OUT", T0));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("should be a JSON array", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GivenAnUnknownFeed_ThenNotFoundListingTheFeeds()
    {
        var response = await http.PostAsync("/api/ingest/smoke-signals", new StringContent("[]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("camera-alarms", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GivenEachFeed_WhenAValidRecordIsPosted_ThenItIsAccepted()
    {
        var feeds = new Dictionary<string, object>
        {
            ["aerial-findings"] = new { findingId = "F-1", platform = "drone", findingType = "illegal dumping", severity = "high", longitude = 94.962, latitude = 36.372, observedAt = T0 },
            ["public-reports"] = Report("R-1", "S-POTASH-OUT", T0),
            ["inspection-findings"] = new { findingId = "I-1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Tailings seepage", severity = "medium", rectifyBy = "2026-12-31", recordedBy = "Commissioner Test", recordedAt = T0 },
            ["fund-deposits"] = new { depositId = "D-1", enterpriseId = SodaAsh, period = "2026-10", amountYuan = 50_000m, salesRevenueYuan = 75_000_000m, depositedAt = T0 },
        };
        foreach (var (feed, record) in feeds)
        {
            var response = await http.PostJsonAsync($"/api/ingest/{feed}", new[] { record });
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{feed}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(1, (await response.JsonAsync()).GetProperty("accepted").GetInt32());
        }
    }
}
