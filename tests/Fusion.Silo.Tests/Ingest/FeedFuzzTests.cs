using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Ingest;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Tests.Monitoring;
using Marten;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>
/// Generated input for every feed through the real host (FsCheck generators): valid records with up to three
/// fields broken in every way a client can break them — control characters, lone surrogates, huge text, extreme
/// numbers, times in year 1 or 9999, wrong types, missing fields — a couple of thousand records per feed. The
/// properties: never a 5xx; every record accounted for (accepted, duplicate or rejected) and every rejected one in
/// the quarantine; afterwards nothing is parked and every consumer has caught up with the store.
/// </summary>
public sealed class FeedFuzzTests : IAsyncLifetime
{
    const int Batches = 40, PerBatch = 50;
    static readonly DateTimeOffset T0 = FusionApp.T0;
    FusionApp app = null!;
    HttpClient http = null!;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync(settings: new() { ["Fusion:Hj212:Port"] = "-1", ["Fusion:Ingest:ClockSkew"] = "00:05:00" });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    static readonly Dictionary<string, Func<int, JsonObject>> Valid = new()
    {
        ["camera-alarms"] = i => new() { ["alarmId"] = $"Z-{i}", ["cameraId"] = "CAM-POTASH-1", ["alarmType"] = "abnormal-discharge", ["confidence"] = 0.8, ["occurredAt"] = T0.AddMinutes(-i) },
        ["aerial-findings"] = i => new()
        {
            ["findingId"] = $"Z-{i}", ["platform"] = "drone", ["findingType"] = "illegal-dumping", ["severity"] = "high",
            ["longitude"] = 94.961, ["latitude"] = 36.371, ["observedAt"] = T0.AddMinutes(-i), ["description"] = "slag on the riverbank",
        },
        ["inspection-findings"] = i => new()
        {
            ["findingId"] = $"Z-{i}", ["enterpriseId"] = Potash, ["violation"] = "outfall bypass", ["severity"] = "medium",
            ["rectifyBy"] = "2027-01-31", ["recordedBy"] = "I-7", ["recordedAt"] = T0.AddHours(-i),
        },
        ["fund-deposits"] = i => new()
        {
            ["depositId"] = $"Z-{i}", ["enterpriseId"] = SodaAsh, ["period"] = "2026-10", ["amountYuan"] = 75_000.5m, ["salesRevenueYuan"] = 75_000_000m, ["depositedAt"] = T0.AddHours(-i),
        },
        ["risk-assessments"] = i => new()
        {
            ["assessmentId"] = $"Z-{i}", ["subjectKind"] = "enterprise", ["subjectId"] = SodaAsh, ["assessor"] = "青海环科评估有限公司", ["riskLevel"] = "较大",
            ["issues"] = new JsonArray(new JsonObject { ["issueId"] = "I-1", ["description"] = "slag yard runoff reaches the ditch", ["severity"] = "重大" }),
            ["remediationDueBy"] = "2027-01-31", ["assessedAt"] = T0.AddHours(-i),
        },
        ["sales-revenue"] = i => new()
        {
            ["enterpriseId"] = i % 2 == 0 ? Potash : SodaAsh, ["period"] = $"{2019 + i / 12 % 7}-{i % 12 + 1:00}", ["salesRevenueYuan"] = 2_000_000m + i, ["declaredAt"] = T0.AddHours(-i),
            ["declarationId"] = $"Z-{i}",
        },
        // The canonical record, an SMS gateway's message and a WeChat message, in turn.
        ["public-reports"] = i => (i % 3) switch
        {
            0 => new()
            {
                ["reportId"] = $"Z-{i}", ["channel"] = "wechat", ["content"] = "black water at the outfall", ["receivedAt"] = T0.AddMinutes(-i),
                ["siteId"] = "S-POTASH-OUT", ["reporterName"] = ReporterName, ["reporterPhone"] = ReporterPhone,
            },
            1 => new() { ["sender"] = ReporterPhone, ["text"] = "black water at the outfall", ["time"] = T0.AddMinutes(-i), ["messageId"] = $"Z-{i}", ["siteId"] = "S-POTASH-OUT" },
            _ => new()
            {
                ["MsgId"] = $"{9_000_000 + i}", ["FromUserName"] = ReporterWeChat, ["CreateTime"] = T0.AddMinutes(-i).ToUnixTimeSeconds(), ["Content"] = "black water at the outfall",
                ["Location_X"] = 36.371, ["Location_Y"] = 94.961,
            },
        },
        ["bank-statements"] = i => new()
        {
            ["depositId"] = $"Z-{i}", ["accountNumber"] = FundAccount, ["valueDate"] = T0.AddDays(-(i % 300)).ToString("yyyy-MM-dd"), ["amountYuan"] = 2000m + i,
            ["reference"] = "环保基金",
        },
    };

    const string ReporterName = "张三", ReporterPhone = "13800000000", ReporterWeChat = "zhangsan_wx", FundAccount = "6217-0028-0000-0001";

    /// <summary>What must never be in the quarantine of a feed (its reporters).</summary>
    static readonly Dictionary<string, string[]> NeverQuarantined = new() { ["public-reports"] = [ReporterName, ReporterPhone, ReporterWeChat] };

    /// <summary>What a broken field may become.</summary>
    internal static readonly Gen<JsonNode?> Broken = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => (JsonNode?)JsonValue.Create(s ?? "")),
        Gen.Elements("a\u0000b", "\ud800", "x\udfff", "\u001b[31m", "\uffff", " ", "", "\u200b", "中文\r\n\t").Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Choose(1, 4).Select(k => (JsonNode?)JsonValue.Create(new string('x', k * 3000))),
        Gen.Elements(1e308, -1e308, 0.0, -1.0, 1e13, 5e-324, 2.5).Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.Elements(decimal.MaxValue, decimal.MinValue, 1e17m, -0.001m).Select(m => (JsonNode?)JsonValue.Create(m)),
        Gen.Elements("0001-01-01T00:00:00Z", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "9999-12-31", "2026-02-30T00:00:00Z",
            "2026-11-28 10:00", "1970-01-01T00:00:00Z", "2036-11-28T00:00:00Z").Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Elements<JsonNode?>(null, new JsonArray(1, 2), new JsonObject { ["a"] = 1 }, JsonValue.Create(true)));

    /// <summary>A valid record with up to three of its fields broken or removed.</summary>
    static Gen<JsonObject> Record(string feed, int i) =>
        from breaks in Gen.Choose(0, 3)
        from fields in Gen.Shuffle(Valid[feed](i).Select(p => p.Key).ToArray())
        from values in Gen.ArrayOf(Broken, breaks)
        from remove in Gen.Elements(false, false, false, true)
        select Break(Valid[feed](i), fields.Take(breaks).ToArray(), values, remove);

    static JsonObject Break(JsonObject record, string[] fields, JsonNode?[] values, bool remove)
    {
        for (var k = 0; k < fields.Length && k < values.Length; k++)
            if (remove && k == 0) record.Remove(fields[k]);
            else record[fields[k]] = values[k]?.DeepClone();
        return record;
    }

    [Theory]
    [InlineData("camera-alarms")]
    [InlineData("aerial-findings")]
    [InlineData("inspection-findings")]
    [InlineData("fund-deposits")]
    [InlineData("public-reports")]
    [InlineData("risk-assessments")]
    [InlineData("sales-revenue")]
    [InlineData("bank-statements")]
    public async Task GivenGeneratedRecordsOfAFeed_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantined_AndTheConsumersKeepUp(string feed)
    {
        if (feed == "bank-statements")
        {
            var potash = Hj212TcpTests.WithMonitor().Enterprises![0] with { Sites = null, FundAccounts = [new(FundAccount, "中国建设银行格尔木分行")], ProductionStartedOn = "2019-03-01" };
            Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", new { enterprises = new[] { potash } })).StatusCode);
        }
        for (var b = 0; b < Batches; b++)
        {
            var records = Enumerable.Range(0, PerBatch).Select(k => Record(feed, b * PerBatch + k).Sample(1, 1)[0]).ToArray();
            // A few of them twice, as a client retrying would.
            var batch = new JsonArray(records.Concat(records.Take(b % 3)).Select(r => (JsonNode?)r.DeepClone()).ToArray());
            var before = await QuarantinedAsync(feed);

            var response = await http.PostAsync($"/api/ingest/{feed}", new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"));

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {batch.ToJsonString()[..Math.Min(2000, batch.ToJsonString().Length)]}: {body}");
            var answer = JsonDocument.Parse(body).RootElement;
            var rejected = answer.GetProperty("rejected").GetArrayLength();
            Assert.Equal(batch.Count, answer.GetProperty("accepted").GetInt32() + answer.GetProperty("duplicates").GetInt32() + rejected);
            Assert.Equal(before + rejected, await QuarantinedAsync(feed));
        }
        await using (var session = app.Store.QuerySession())
        {
            var quarantine = await session.Query<QuarantinedRecord>().Where(q => q.Feed == feed).ToListAsync();
            foreach (var secret in NeverQuarantined.GetValueOrDefault(feed, []))
                Assert.DoesNotContain(quarantine, q => q.Raw.Contains(secret, StringComparison.Ordinal) || q.Reason.Contains(secret, StringComparison.Ordinal));
        }
        await ConsumersKeepUpAsync(http);
    }

    [Fact]
    public async Task GivenGeneratedMasterDataAndMangledHj212Frames_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantined_AndTheConsumersKeepUp()
    {
        for (var b = 0; b < 20; b++)
        {
            var leaders = Enumerable.Range(0, 25).Select(k => Leader(b * 25 + k).Sample(1, 1)[0]).ToArray();
            await PostAndAccountAsync("/api/master-data", MasterDataFeed.Name, new StringContent(new JsonObject { ["leaders"] = new JsonArray(leaders) }.ToJsonString(), Encoding.UTF8, "application/json"));
        }
        var frame = Hj212Frames.Data(Hj212TcpTests.Mn, Hj212Frames.MinuteData, T0.AddMinutes(-1), T0.AddMinutes(-2), [new Hj212Pollutant("w01018", Avg: 20)]);
        for (var b = 0; b < 20; b++)
        {
            var frames = Gen.ArrayOf(Mangled(frame), 25).Sample(1, 1)[0];
            var content = new ByteArrayContent(frames.SelectMany(f => f).ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            await PostAndAccountAsync("/api/ingest/hj212", Hj212Feed.Name, content);
        }
        await ConsumersKeepUpAsync(http);
    }

    /// <summary>200 or 400 only; the quarantine grows by each record (or frame) rejected, or by one for a body that could not be read at all.</summary>
    async Task PostAndAccountAsync(string url, string feed, HttpContent content)
    {
        var before = await QuarantinedAsync(feed);
        var response = await http.PostAsync(url, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var answer = JsonDocument.Parse(body).RootElement;
        var rejected = answer.TryGetProperty("rejected", out var r) ? r.GetArrayLength() : 1;
        if (!answer.TryGetProperty("rejected", out _)) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(before + rejected == await QuarantinedAsync(feed), $"{rejected} rejected, the quarantine of {feed} went from {before} to {await QuarantinedAsync(feed)}: {body}");
    }

    static Gen<JsonNode?> Leader(int i) =>
        from breaks in Gen.Choose(0, 2)
        from values in Gen.ArrayOf(Broken, breaks)
        from fields in Gen.Shuffle(new[] { "leaderId", "name", "title", "areaId", "phone", "email", "level" })
        select (JsonNode?)Break(new JsonObject { ["leaderId"] = $"L-Z-{i}", ["name"] = "王五", ["title"] = "Deputy mayor", ["areaId"] = "GOLMUD", ["level"] = "region" },
            fields.Take(breaks).ToArray(), values, false);

    /// <summary>A frame with a few bytes replaced by any byte, or cut short, or whole.</summary>
    static Gen<byte[]> Mangled(byte[] frame) =>
        from changes in Gen.Choose(0, 3)
        from at in Gen.ArrayOf(Gen.Choose(0, frame.Length - 1), changes)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255), changes)
        from cut in Gen.Elements(frame.Length, frame.Length, frame.Length, frame.Length / 2)
        select Mangle(frame, at, bytes, cut);

    static byte[] Mangle(byte[] frame, int[] at, int[] bytes, int cut)
    {
        var copy = frame[..cut];
        for (var k = 0; k < at.Length; k++) if (at[k] < copy.Length) copy[at[k]] = (byte)bytes[k];
        return copy;
    }

    async Task<int> QuarantinedAsync(string feed)
    {
        await using var session = app.Store.QuerySession();
        return await session.Query<QuarantinedRecord>().CountAsync(q => q.Feed == feed);
    }

    /// <summary>Nothing accepted was parked, and every consumer reaches the store's last event.</summary>
    internal static async Task ConsumersKeepUpAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement health;
        while (true)
        {
            health = await http.GetJsonAsync("/health");
            var consumers = health.GetProperty("consumers").EnumerateArray().ToList();
            if (consumers.Count > 0 && consumers.All(c => c.GetProperty("lag").GetInt64() == 0 && c.GetProperty("parked").GetInt32() == 0)) break;
            Assert.True(consumers.All(c => c.GetProperty("parked").GetInt32() == 0), $"a consumer parked an accepted record: {health}");
            Assert.True(DateTime.UtcNow < deadline, $"the consumers did not catch up: {health}");
            await Task.Delay(200);
        }
        Assert.Equal("up", health.GetProperty("status").GetString());
    }
}
