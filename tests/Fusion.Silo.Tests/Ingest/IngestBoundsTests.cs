using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fusion.Connectors.Gb28181;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Ingest;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Tests.Monitoring;
using Marten;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>
/// The bounds at the door (IngestValidation), through the real host for every feed: what the store, the
/// projections or the risk model cannot hold is answered with 400 naming the record and the field, and its raw
/// input is kept in the quarantine — never a 500.
/// </summary>
public sealed class IngestBoundsTests : IAsyncLifetime
{
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync(settings: new() { ["Fusion:Hj212:Port"] = "-1", ["Fusion:Ingest:ClockSkew"] = "00:05:00" });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    static string AlarmJson(string alarmId = "\"B-1\"", string camera = "\"CAM-POTASH-1\"", string occurredAt = "\"2026-11-28T03:00:00Z\"") =>
        $$"""[{"alarmId": {{alarmId}}, "cameraId": {{camera}}, "alarmType": "abnormal-discharge", "confidence": 0.9, "occurredAt": {{occurredAt}}}]""";

    static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    static ByteArrayContent Json(string json) => Body(Encoding.UTF8.GetBytes(json), "application/json");

    public static TheoryData<string, string> JsonFeedCases => new()
    {
        { AlarmJson(alarmId: "\"B-\\u0000-1\""), "'alarmId' holds a control character (U+0000)" },
        { AlarmJson(camera: "\"CAM-\\ud800\""), "'cameraId' is not valid Unicode text" },
        { AlarmJson(alarmId: $"\"{new string('x', 1024 * 1024)}\""), "'alarmId' is 1048576 characters long; at most 128" },
        { AlarmJson(occurredAt: "\"0001-01-01T00:00:00Z\""), "'occurredAt' 0001-01-01" },
        { AlarmJson(occurredAt: "\"9999-12-31T00:00:00+08:00\""), "outside the accepted window" },
        { AlarmJson(occurredAt: "\"2026-11-28T04:30:00Z\""), "5 minutes ahead" },
    };

    [Theory]
    [MemberData(nameof(JsonFeedCases))]
    public async Task GivenACameraAlarmBeyondTheBounds_WhenPosted_Then400NamesTheRecordAndField_AndItsRawInputIsQuarantined(string json, string expected)
    {
        var before = await QuarantinedAsync();

        var response = await http.PostAsync("/api/ingest/camera-alarms", Json(json));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        Assert.Contains("Record 0", body);
        Assert.Contains(expected, body);
        Assert.Equal(before + 1, await QuarantinedAsync());
    }

    [Fact]
    public async Task GivenRawNulBytesAndInvalidUtf8InABody_WhenPosted_Then400_AndTheBodyIsQuarantinedWhole()
    {
        var before = await QuarantinedAsync();
        var nul = Encoding.UTF8.GetBytes(AlarmJson(alarmId: "\"B-\0-1\""));
        var utf8 = Encoding.UTF8.GetBytes(AlarmJson(alarmId: "\"B-XX-1\""));
        var at = Array.IndexOf(utf8, (byte)'X');
        (utf8[at], utf8[at + 1]) = (0xC3, 0x28);

        var answers = new[] { await http.PostAsync("/api/ingest/camera-alarms", Json("")), await http.PostAsync("/api/ingest/camera-alarms", Body(nul, "application/json")),
            await http.PostAsync("/api/ingest/camera-alarms", Body(utf8, "application/json")) };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.Equal(before + 3, await QuarantinedAsync());
        await using var session = app.Store.QuerySession();
        Assert.Contains(await session.Query<QuarantinedRecord>().ToListAsync(), q => q.Raw.Contains("B-\\u0000-1"));
    }

    [Fact]
    public async Task GivenAFundDepositBeyondWhatAnAmountHolds_WhenPosted_Then400NamesTheAmount()
    {
        var json = $$"""[{"depositId": "D-1", "enterpriseId": "{{Potash}}", "period": "2026-10", "amountYuan": 1e17, "salesRevenueYuan": 5, "depositedAt": "2026-11-20T00:00:00Z"}]""";

        var response = await http.PostAsync("/api/ingest/fund-deposits", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'amountYuan' is 100000000000000000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GivenAFindingDueInYear9999_WhenPosted_Then400NamesTheDate()
    {
        var json = $$"""[{"findingId": "F-1", "enterpriseId": "{{Potash}}", "violation": "x", "severity": "high", "rectifyBy": "9999-12-31", "recordedBy": "I-1", "recordedAt": "2026-11-27T00:00:00Z"}]""";

        var response = await http.PostAsync("/api/ingest/inspection-findings", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'rectifyBy' 9999-12-31 is outside the accepted dates", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GivenAPublicReportWithALoneSurrogate_WhenPosted_Then400AndQuarantined()
    {
        var before = await QuarantinedAsync();
        var json = """[{"reportId": "R-1", "channel": "hotline-12369", "content": "black water \ud800", "receivedAt": "2026-11-28T03:00:00Z", "siteId": "S-POTASH-OUT"}]""";

        var response = await http.PostAsync("/api/ingest/public-reports", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before + 1, await QuarantinedAsync());
    }

    [Fact]
    public async Task GivenMasterDataWithAControlCharacterAndAnOverlongId_WhenPosted_Then400NamesEach_AndTheGoodEntryIsRegistered()
    {
        var json = $$"""
            {"leaders": [
              {"leaderId": "L-1", "name": "Bad\u0007Name", "title": "Mayor", "areaId": "GOLMUD"},
              {"leaderId": "{{new string('L', 300)}}", "name": "Long", "title": "Mayor", "areaId": "GOLMUD"},
              {"leaderId": "L-3", "name": "Good", "title": "Mayor", "areaId": "GOLMUD"}]}
            """;

        var response = await http.PostAsync("/api/master-data", Json(json));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'name' holds a control character (U+0007)", body);
        Assert.Contains("'leaderId' is 300 characters long; at most 128", body);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task GivenDeviceFeedsWithAYear1TimeOrAnUnknownEncoding_WhenPosted_Then400AndQuarantined()
    {
        var before = await QuarantinedAsync();
        var frame = Hj212Frames.Data(Hj212TcpTests.Mn, Hj212Frames.MinuteData, T0, T0, [new Hj212Pollutant("w01018", Avg: 5)]);
        var text = Encoding.ASCII.GetString(frame);
        var dataTime = $"DataTime={T0.ToOffset(TimeSpan.FromHours(8)):yyyyMMddHHmmss}";
        var year1 = Hj212Frames.Frame(text[6..^6].Replace(dataTime, "DataTime=00010101000000"));

        var hj212 = await http.PostAsync("/api/ingest/hj212", Body(year1, "text/plain"));
        var gb = await http.PostAsync("/api/ingest/gb28181", Body(Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"x-unknown-9\"?><Notify><CmdType>Keepalive</CmdType></Notify>"), "application/xml"));

        Assert.Equal(HttpStatusCode.BadRequest, hj212.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, gb.StatusCode);
        Assert.Contains("which this platform does not read", await gb.Content.ReadAsStringAsync());
        Assert.Equal(before + 2, await QuarantinedAsync());
    }

    async Task<int> QuarantinedAsync()
    {
        await using var session = app.Store.QuerySession();
        return await session.Query<QuarantinedRecord>().CountAsync();
    }
}
