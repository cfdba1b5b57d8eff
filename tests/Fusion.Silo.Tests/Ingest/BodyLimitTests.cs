using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>
/// Body limits per endpoint (Fusion:BodyLimits) and the records a batch may hold (Fusion:Ingest:MaxBatchRecords),
/// through the real host on Kestrel: a larger request is answered 413 naming the limit and its setting, and
/// nothing of it is stored. The limits are set small here so the bodies stay small.
/// </summary>
public sealed class BodyLimitTests : IAsyncLifetime
{
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Hj212:Port"] = "-1", ["Fusion:Ingest:MaxBatchRecords"] = "10",
            ["Fusion:BodyLimits:Ingest"] = "4096", ["Fusion:BodyLimits:MasterData"] = "8192", ["Fusion:BodyLimits:Sql"] = "256", ["Fusion:BodyLimits:Hj212Upload"] = "8192",
        });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Haixi())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    static object[] Alarms(int count, int idLength = 8) =>
        Enumerable.Range(0, count).Select(i => Alarm($"L-{i}".PadRight(idLength, 'x'), "CAM-POTASH-1", T0.AddMinutes(-i))).ToArray();

    static async Task<JsonElement> TooLargeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task GivenMoreRecordsThanABatchHolds_WhenPosted_Then413NamesTheLimit_AndNothingIsStored()
    {
        var before = await app.EventCountAsync();

        var problem = await TooLargeAsync(await http.PostJsonAsync("/api/ingest/camera-alarms", Alarms(11)));

        Assert.Equal((11, 10, "Fusion:Ingest:MaxBatchRecords"), (problem.GetProperty("records").GetInt32(), problem.GetProperty("maxRecords").GetInt32(), problem.GetProperty("setting").GetString()));
        Assert.Equal(before, await app.EventCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/ingest/camera-alarms", Alarms(10))).StatusCode);
    }

    static ByteArrayContent Body(string text, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Fact]
    public async Task GivenMoreRecordsThanABatchHolds_InACsvSheet_AGeoJsonMission_A12369Export_GbT28181NotificationsAndAnHj212Log_ThenEachIs413_AndNothingIsStored()
    {
        var before = await app.EventCountAsync();
        var quarantined = (await http.GetJsonAsync("/api/quarantine")).GetArrayLength();
        var findings = "问题编号,统一社会信用代码,问题描述,问题等级,整改期限,检查人,检查时间\n" +
                       string.Concat(Enumerable.Range(0, 11).Select(i => $"HX-{i},{SodaAsh},渣场未苫盖,一般,2026/12/31,王检查,2026/11/27 10:{i:00}\n"));
        var mission = "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", Enumerable.Range(0, 11).Select(i =>
            $$$"""{"type":"Feature","id":"GJ-{{{i}}}","geometry":{"type":"Point","coordinates":[94.961,36.371]},"properties":{"platform":"drone","findingType":"illegal-dumping","severity":"high","observedAt":"2026-11-27T11:20:00+08:00"}}""")) + "]}";
        var reports = "举报编号,受理时间,举报方式,举报内容,被举报对象,所属区县,举报人,联系电话\r\n" +
                      string.Concat(Enumerable.Range(0, 11).Select(i => $"12369-{i},2026-11-28 09:{i:00}:00,电话,渣场扬尘严重,Delingha Soda Ash Test Co.,,王芳,13897001234\r\n"));
        var notifications = string.Concat(Enumerable.Range(0, 11).Select(i =>
            $"<?xml version=\"1.0\"?><Notify><CmdType>Keepalive</CmdType><SN>{i}</SN><DeviceID>63280100001320000001</DeviceID><Status>OK</Status></Notify>"));
        var frames = Enumerable.Range(0, 11).SelectMany(i => Fusion.Silo.Tests.Monitoring.Hj212TcpTests.Minute(-i - 1, 30)).ToArray();
        Assert.True(frames.Length <= 8192);
        var log = new ByteArrayContent(frames);
        log.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        foreach (var (route, content, unit) in new (string, HttpContent, string)[]
                 {
                     ("/api/ingest/inspection-findings", Body(findings, "text/csv; charset=utf-8"), "CSV rows"),
                     ("/api/ingest/aerial-findings", Body(mission, "application/geo+json"), "GeoJSON features"),
                     ("/api/ingest/public-reports", Body(reports, "text/csv; charset=utf-8"), "12369 CSV rows"),
                     ("/api/ingest/gb28181", Body(notifications, "application/xml"), "GB/T 28181 notifications"),
                     ("/api/ingest/hj212", log, "HJ 212 frames"),
                 })
        {
            var problem = await TooLargeAsync(await http.PostAsync(route, content));
            Assert.True((11, 10, "Fusion:Ingest:MaxBatchRecords") == (problem.GetProperty("records").GetInt32(), problem.GetProperty("maxRecords").GetInt32(), problem.GetProperty("setting").GetString()),
                $"{unit}: {problem}");
        }
        Assert.Equal(before, await app.EventCountAsync());
        Assert.Equal(quarantined, (await http.GetJsonAsync("/api/quarantine")).GetArrayLength());

        // Ten go in.
        var ten = Enumerable.Range(0, 10).SelectMany(i => Fusion.Silo.Tests.Monitoring.Hj212TcpTests.Minute(-i - 1, 30)).ToArray();
        var accepted = new ByteArrayContent(ten);
        accepted.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, (await http.PostAsync("/api/ingest/hj212", accepted)).StatusCode);
    }

    [Fact]
    public async Task GivenABodyOverTheIngestLimit_WithOrWithoutItsLength_WhenPosted_Then413NamesTheLimitAndSetting()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Alarms(5, idLength: 1000), HttpJson.Options);
        Assert.True(json.Length > 4096);
        var withLength = new ByteArrayContent(json);
        withLength.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var chunked = new StreamContent(new NoLengthStream(json));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        foreach (var content in new HttpContent[] { withLength, chunked })
        {
            var problem = await TooLargeAsync(await http.PostAsync("/api/ingest/camera-alarms", content));
            Assert.Equal(4096, problem.GetProperty("limitBytes").GetInt64());
            Assert.Contains("at most 4 KB per request (Fusion:BodyLimits:Ingest)", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task GivenSqlMasterDataAndAFrameLogOverTheirLimits_WhenPosted_Then413NamesEachLimit()
    {
        var sql = await TooLargeAsync(await http.PostAsync("/api/analytics/sql", new StringContent("select 1 -- " + new string('x', 300), Encoding.UTF8, "text/plain")));
        var master = await TooLargeAsync(await http.PostJsonAsync("/api/master-data", new { leaders = Enumerable.Range(0, 100).Select(i => new { leaderId = $"L-{i}", name = new string('n', 80), title = "Mayor", areaId = "GOLMUD" }) }));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[16384]), "file", "frames.log" } };
        var log = await TooLargeAsync(await http.PostAsync("/api/ingest/hj212", form));

        Assert.Equal("Fusion:BodyLimits:Sql", sql.GetProperty("setting").GetString());
        Assert.Equal("Fusion:BodyLimits:MasterData", master.GetProperty("setting").GetString());
        Assert.Equal("Fusion:BodyLimits:Hj212Upload", log.GetProperty("setting").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/analytics/sql", new StringContent("select 1 as one", Encoding.UTF8, "text/plain"))).StatusCode);
    }

    /// <summary>A body whose length the client does not know, so it is sent chunked.</summary>
    sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
