using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Fusion.Connectors.Gb28181;
using Fusion.Connectors.Hj212;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Ingest;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Tests.Monitoring;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>
/// Generated input for the feeds that are not JSON, through the real host (FsCheck generators): GB/T 28181 XML
/// notifications, the 12369 CSV export and e-mails of public reports, and HJ 212 frames over TCP — fields broken as in
/// <see cref="FeedFuzzTests"/>, plus broken markup, unknown encodings, cut and flipped bytes. The properties: never a
/// 5xx; every rejected record (or an unreadable body, whole) in the quarantine; no reporter in it; over TCP, a reply
/// only for a frame that is stored; afterwards every consumer has caught up and nothing is parked.
/// </summary>
public sealed class FormatFuzzTests : IAsyncLifetime
{
    static readonly DateTimeOffset T0 = FusionApp.T0;
    const string DeviceCode = "63280100001320000001"; // CAM-POTASH-1
    FusionApp app = null!;
    HttpClient http = null!;

    public async Task InitializeAsync()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1", ["Fusion:Ingest:ClockSkew"] = "00:05:00",
            ["Fusion:Hj212:FrameTimeout"] = "00:00:05",
        });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>What a broken text field may become.</summary>
    static readonly Gen<string> BrokenText = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Elements("a\u0000b", "\ud800", "x\udfff", "\u001b[31m", "\uffff", " ", "", "\u200b", "中文\r\n\t", "a,b", "\"quoted\"", "line\nbreak", "<tag>", "&amp;", "]]>"),
        Gen.Choose(1, 4).Select(k => new string('x', k * 3000)),
        Gen.Elements("-1", "1e308", "99999999999999999999", "0", "NaN", "-0.5"),
        Gen.Elements("0001-01-01T00:00:00", "0001-01-01 00:00:00", "9999-12-31T23:59:59", "9999-12-31 23:59:59", "2026-02-30T00:00:00", "2026-11-28", "1970-01-01 00:00:00",
            "2036-11-28T00:00:00", "Sat, 28 Nov 2026 25:61:00 +0800", "Mon, 01 Jan 0001 00:00:00 +1400"));

    static Gen<(string Field, string Value)[]> Broken(string[] fields) =>
        from breaks in Gen.Choose(0, 3)
        from shuffled in Gen.Shuffle(fields)
        from values in Gen.ArrayOf(BrokenText, breaks)
        select shuffled.Take(breaks).Zip(values).ToArray();

    static Gen<byte[]> Mangled(byte[] bytes) =>
        from changes in Gen.Choose(0, 3)
        from at in Gen.ArrayOf(Gen.Choose(0, bytes.Length - 1), changes)
        from values in Gen.ArrayOf(Gen.Choose(0, 255), changes)
        from cut in Gen.Elements(bytes.Length, bytes.Length, bytes.Length, bytes.Length, bytes.Length / 2)
        select Mangle(bytes, at, values, cut);

    static byte[] Mangle(byte[] bytes, int[] at, int[] values, int cut)
    {
        var copy = bytes[..cut];
        for (var k = 0; k < at.Length; k++) if (at[k] < copy.Length) copy[at[k]] = (byte)values[k];
        return copy;
    }

    static T One<T>(Gen<T> gen) => gen.Sample(1, 1)[0];

    async Task<List<QuarantinedRecord>> QuarantineAsync(string feed)
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<QuarantinedRecord>().Where(q => q.Feed == feed).ToListAsync()).ToList();
    }

    /// <summary>200 or 400 only; the quarantine grows by the records rejected, or by one for a body that could not be read at all.</summary>
    async Task PostAndAccountAsync(string url, string feed, byte[] body, string contentType, params string[] neverQuarantined)
    {
        var before = (await QuarantineAsync(feed)).Count;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await http.PostAsync(url, content);
        var text = await response.Content.ReadAsStringAsync();
        var shown = Encoding.UTF8.GetString(body);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode} for {shown[..Math.Min(2000, shown.Length)]}: {text}\n{string.Join("\n", app.Errors.TakeLast(3))}");
        var answer = JsonDocument.Parse(text).RootElement;
        var quarantine = await QuarantineAsync(feed);
        if (answer.TryGetProperty("rejected", out var rejected))
        {
            Assert.Equal(before + rejected.GetArrayLength(), quarantine.Count);
            foreach (var r in rejected.EnumerateArray()) Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString()), text);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(before + 1, quarantine.Count);
        }
        foreach (var secret in neverQuarantined)
            Assert.DoesNotContain(quarantine, q => q.Raw.Contains(secret, StringComparison.Ordinal) || q.Reason.Contains(secret, StringComparison.Ordinal));
    }

    static readonly string[] Gb28181Fields = ["CmdType", "SN", "DeviceID", "AlarmPriority", "AlarmMethod", "AlarmTime", "AlarmDescription", "AlarmType", "Status"];

    /// <summary>A notification (alarm or keepalive) with up to three fields broken, written without escaping, in a declared encoding.</summary>
    static Gen<byte[]> Notification(int sn) =>
        from alarm in Gen.Elements(true, true, false)
        from broken in Broken(Gb28181Fields)
        from encoding in Gen.Elements("GB2312", "UTF-8", "GBK", "GB18030", "UTF-8", "x-unknown-charset", "")
        from device in Gen.Elements(DeviceCode, DeviceCode, DeviceCode, "34020000001320000099")
        from mangled in Gen.Elements(false, false, false, true)
        let fields = Fields(alarm, sn, device, broken)
        let xml = "<Notify>\r\n" + string.Concat(fields.Select(f => f.Key == "AlarmType" ? $"<Info><AlarmType>{f.Value}</AlarmType></Info>\r\n" : $"<{f.Key}>{f.Value}</{f.Key}>\r\n")) + "</Notify>\r\n"
        let bytes = Encode(xml, encoding)
        from final in mangled ? Mangled(bytes) : Gen.Constant(bytes)
        select final;

    static Dictionary<string, string> Fields(bool alarm, int sn, string device, (string Field, string Value)[] broken)
    {
        var fields = alarm
            ? new Dictionary<string, string>
            {
                ["CmdType"] = "Alarm", ["SN"] = $"{sn}", ["DeviceID"] = device, ["AlarmPriority"] = "1", ["AlarmMethod"] = "5",
                ["AlarmTime"] = T0.AddMinutes(-sn % 600).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss"), ["AlarmDescription"] = "排污口异常排放", ["AlarmType"] = "2",
            }
            : new Dictionary<string, string> { ["CmdType"] = "Keepalive", ["SN"] = $"{sn}", ["DeviceID"] = device, ["Status"] = "OK" };
        foreach (var (field, value) in broken) fields[field] = value;
        return fields;
    }

    static byte[] Encode(string xml, string encoding)
    {
        var declared = encoding.Length == 0 ? "<?xml version=\"1.0\"?>\r\n" : $"<?xml version=\"1.0\" encoding=\"{encoding}\"?>\r\n";
        var writer = encoding is "GB2312" or "GBK" or "GB18030" ? Encoding.GetEncoding("gb18030") : Encoding.UTF8;
        return writer.GetBytes(declared + xml);
    }

    [Fact]
    public async Task GivenGeneratedGb28181Notifications_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantined_AndTheConsumersKeepUp()
    {
        for (var b = 0; b < 40; b++)
        {
            var documents = Enumerable.Range(0, 25).Select(k => One(Notification(b * 25 + k))).ToArray();
            // A few of them twice, as a platform resending would.
            var body = documents.Concat(documents.Take(b % 3)).SelectMany(d => d).ToArray();
            await PostAndAccountAsync("/api/ingest/gb28181", Gb28181Feed.Name, body, "application/xml");
        }
        await FeedFuzzTests.ConsumersKeepUpAsync(http);
    }

    /// <summary>Geometries: valid points and polygons near the potash works, and every way GeoJSON geometry goes wrong.</summary>
    static readonly Gen<string> Geometry = Gen.Elements(
        """{"type":"Point","coordinates":[94.961,36.371]}""",
        """{"type":"Point","coordinates":[94.961,36.371,2900]}""",
        """{"type":"Polygon","coordinates":[[[94.955,36.365],[94.967,36.365],[94.967,36.377],[94.955,36.377],[94.955,36.365]]]}""",
        """{"type":"Polygon","coordinates":[[[94.955,36.365],[94.967,36.365],[94.967,36.377]]]}""",
        """{"type":"Polygon","coordinates":[[[94.955,36.365],[94.967,36.377],[94.967,36.365],[94.955,36.377],[94.955,36.365]]]}""",
        """{"type":"Polygon","coordinates":[[[94.96,36.37],[94.96,36.37],[94.96,36.37],[94.96,36.37]]]}""",
        """{"type":"Polygon","coordinates":[]}""", """{"type":"Polygon","coordinates":[[]]}""", """{"type":"Polygon","coordinates":[[[1e308,-1e308],[0,0],[1,1],[1e308,-1e308]]]}""",
        """{"type":"LineString","coordinates":[[97.0,37.0],[97.1,37.1]]}""", """{"type":"MultiPolygon","coordinates":[]}""",
        """{"type":"GeometryCollection","geometries":[]}""", """{"type":"Circle","coordinates":[94.961,36.371]}""",
        """{"type":"Point","coordinates":[]}""", """{"type":"Point","coordinates":["94.961","36.371"]}""", """{"type":"Point","coordinates":[200,100]}""",
        """{"type":"Point","coordinates":[-180,-90]}""", """{"type":"Point","coordinates":[0,0]}""", """{"type":"Point"}""", """{"coordinates":[94.961,36.371]}""",
        "null", "[]", "\"POINT(94.961 36.371)\"", "7");

    static readonly string[] FeatureProperties = ["missionId", "platform", "findingType", "severity", "confidence", "observedAt", "imageryUrl", "description"];

    /// <summary>A Feature of a drone or satellite mission: any geometry above, its id where GeoJSON puts it or in the properties (or broken), up to three properties broken.</summary>
    static Gen<JsonNode> Feature(int i) =>
        from geometry in Gen.Frequency(
            (3, Gen.Constant("""{"type":"Point","coordinates":[94.961,36.371]}""")),
            (2, Gen.Constant("""{"type":"Polygon","coordinates":[[[94.955,36.365],[94.967,36.365],[94.967,36.377],[94.955,36.377],[94.955,36.365]]]}""")),
            (5, Geometry))
        from idAt in Gen.Elements("feature", "feature", "properties", "both", "none")
        from brokenId in Gen.Elements(false, false, false, true)
        from breaks in Gen.Choose(0, 3)
        from fields in Gen.Shuffle(FeatureProperties)
        from values in Gen.ArrayOf(FeedFuzzTests.Broken, breaks)
        select FeatureOf(i, geometry, idAt, brokenId ? values.FirstOrDefault() : null, fields.Take(breaks).ToArray(), values);

    static JsonNode FeatureOf(int i, string geometry, string idAt, JsonNode? brokenId, string[] fields, JsonNode?[] values)
    {
        var properties = new System.Text.Json.Nodes.JsonObject
        {
            ["missionId"] = $"M-{i / 25}", ["platform"] = i % 3 == 0 ? "satellite" : "drone", ["findingType"] = "illegal-dumping", ["severity"] = "high",
            ["confidence"] = 0.7, ["observedAt"] = T0.AddMinutes(-i).ToString("O"), ["imageryUrl"] = $"https://imagery.example.cn/{i}.tif", ["description"] = "slag on the riverbank",
        };
        for (var k = 0; k < fields.Length && k < values.Length; k++) properties[fields[k]] = values[k]?.DeepClone();
        var id = brokenId?.DeepClone() ?? JsonValue.Create($"GJ-{i}");
        if (idAt is "properties" or "both") properties["findingId"] = id.DeepClone();
        var feature = new System.Text.Json.Nodes.JsonObject { ["type"] = "Feature", ["geometry"] = JsonNode.Parse(geometry), ["properties"] = properties };
        if (idAt is "feature" or "both") feature["id"] = id;
        return feature;
    }

    [Fact]
    public async Task GivenGeneratedGeoJsonMissions_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantined_AndTheConsumersKeepUp()
    {
        for (var b = 0; b < 40; b++)
        {
            var features = Enumerable.Range(0, 25).Select(k => One(Feature(b * 25 + k))).ToList();
            // A few twice, as a mission tool uploading again would.
            features.AddRange(features.Take(b % 3).Select(f => f.DeepClone()).ToList());
            var collection = new System.Text.Json.Nodes.JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features.ToArray()) };
            if (b % 7 == 6) collection["type"] = One(Gen.Elements("Feature", "featurecollection", ""));
            var bytes = Encoding.UTF8.GetBytes(collection.ToJsonString());
            if (b % 5 == 4) bytes = One(Mangled(bytes));
            await PostAndAccountAsync("/api/ingest/aerial-findings", "aerial-findings", bytes, "application/geo+json");
        }
        await FeedFuzzTests.ConsumersKeepUpAsync(http);
    }

    static readonly string[] CsvHeadings = ["举报编号", "受理时间", "举报方式", "举报内容", "被举报对象", "经度", "纬度", "所属区县", "举报人", "联系电话"];
    const string ReporterName = "欧阳保密", ReporterPhone = "13912340000", ReporterMail = "secret.reporter@example.cn";

    static Gen<string[]> CsvRow(int i) =>
        from broken in Broken(CsvHeadings.Where(h => h is not "举报人" and not "联系电话").ToArray())
        select CsvHeadings.Select(h => broken.FirstOrDefault(x => x.Field == h).Value ?? h switch
        {
            "举报编号" => $"12369-Z-{i}", "受理时间" => T0.AddMinutes(-i).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss"), "举报方式" => "电话",
            "举报内容" => "渣场扬尘严重", "被举报对象" => "Delingha Soda Ash Test Co.", "经度" => "97.40", "纬度" => "37.35", "所属区县" => "德令哈市",
            "举报人" => ReporterName, _ => ReporterPhone,
        }).ToArray();

    static string Cell(string value) => value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : '"' + value.Replace("\"", "\"\"") + '"';

    [Fact]
    public async Task GivenGenerated12369CsvExports_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantinedWithoutItsReporter_AndTheConsumersKeepUp()
    {
        for (var b = 0; b < 40; b++)
        {
            var rows = Enumerable.Range(0, 25).Select(k => One(CsvRow(b * 25 + k))).ToList();
            rows.AddRange(rows.Take(b % 3).ToList());
            var csv = string.Join("\r\n", new[] { CsvHeadings }.Concat(rows).Select(r => string.Join(",", r.Select(Cell)))) + "\r\n";
            var charset = One(Gen.Elements("utf-8", "utf-8", "gb18030", "gbk", "x-unknown-charset"));
            var bytes = charset is "gb18030" or "gbk" ? Encoding.GetEncoding("gb18030").GetBytes(csv) : Encoding.UTF8.GetBytes(csv);
            if (b % 5 == 4) bytes = One(Mangled(bytes));
            await PostAndAccountAsync("/api/ingest/public-reports", "public-reports", bytes, $"text/csv; charset={charset}", ReporterName, ReporterPhone);
        }
        await FeedFuzzTests.ConsumersKeepUpAsync(http);
    }

    /// <summary>The other CSV feeds: their headings and a valid row.</summary>
    static readonly Dictionary<string, (string[] Headings, Func<int, string[]> Row)> CsvFeeds = new()
    {
        ["inspection-findings"] = (["问题编号", "统一社会信用代码", "点位编号", "问题描述", "问题等级", "整改期限", "检查人", "检查时间"],
            i => [$"HX-Z-{i}", SodaAsh, "S-SODA-SLAG", "渣场未苫盖", "重大", "2026/12/31", "王检查", T0.AddMinutes(-i).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy/MM/dd HH:mm")]),
        ["sales-revenue"] = (["统一社会信用代码", "所属期", "销售收入", "申报编号"],
            i => [i % 2 == 0 ? Potash : SodaAsh, $"{2019 + i / 12 % 7}-{i % 12 + 1:00}", $"{2_000_000 + i}", $"D-Z-{i}"]),
        ["bank-statements"] = (["交易流水号", "账号", "起息日", "贷方发生额", "摘要"],
            i => [$"T-Z-{i}", "6217-0028-0000-0001", T0.AddDays(-i % 300).ToString("yyyy/MM/dd"), $"{2000 + i}.00", "环保基金"]),
    };

    [Theory]
    [InlineData("inspection-findings")]
    [InlineData("sales-revenue")]
    [InlineData("bank-statements")]
    public async Task GivenGeneratedCsvOfAFeed_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantined_AndTheConsumersKeepUp(string feed)
    {
        var potash = Hj212TcpTests.WithMonitor().Enterprises![0] with { Sites = null, FundAccounts = [new("6217-0028-0000-0001", "中国建设银行格尔木分行")], ProductionStartedOn = "2019-03-01" };
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", new { enterprises = new[] { potash } })).StatusCode);
        var (headings, valid) = CsvFeeds[feed];
        for (var b = 0; b < 30; b++)
        {
            var rows = Enumerable.Range(0, 25).Select(k =>
            {
                var row = valid(b * 25 + k);
                foreach (var (field, value) in One(Broken(headings))) row[Array.IndexOf(headings, field)] = value;
                return row;
            }).ToList();
            rows.AddRange(rows.Take(b % 3).ToList());
            var csv = string.Join("\r\n", new[] { headings }.Concat(rows).Select(r => string.Join(",", r.Select(Cell)))) + "\r\n";
            var bytes = Encoding.UTF8.GetBytes(csv);
            if (b % 5 == 4) bytes = One(Mangled(bytes));
            await PostAndAccountAsync($"/api/ingest/{feed}", feed, bytes, "text/csv; charset=utf-8");
        }
        await FeedFuzzTests.ConsumersKeepUpAsync(http);
    }

    static readonly string[] MailHeaders = ["From", "Date", "Message-ID", "Subject", "Content-Type", "Content-Transfer-Encoding"];

    static Gen<byte[]> Email(int i) =>
        from broken in Broken(MailHeaders)
        from body in Gen.OneOf(Gen.Constant("Dust from the slag yard of Delingha Soda Ash Test Co."), BrokenText)
        from mangled in Gen.Elements(false, false, false, true)
        let headers = MailFields(i, broken)
        let text = string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\r\n")) + "\r\n" + body + "\r\n"
        from final in mangled ? Mangled(Encoding.UTF8.GetBytes(text)) : Gen.Constant(Encoding.UTF8.GetBytes(text))
        select final;

    static Dictionary<string, string> MailFields(int i, (string Field, string Value)[] broken)
    {
        var headers = new Dictionary<string, string>
        {
            ["From"] = $"{ReporterName} <{ReporterMail}>", ["To"] = "12369@haixi.gov.cn", ["Subject"] = "Slag yard dust",
            ["Date"] = T0.AddMinutes(-i).ToOffset(TimeSpan.FromHours(8)).ToString("ddd, dd MMM yyyy HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture).Remove(29, 1),
            ["Message-ID"] = $"<z-{i}@example.cn>", ["Content-Type"] = "text/plain; charset=utf-8", ["Content-Transfer-Encoding"] = "8bit",
        };
        foreach (var (field, value) in broken) headers[field] = value.Replace("\r", " ").Replace("\n", " ");
        headers["From"] = headers["From"].Contains(ReporterMail) ? headers["From"] : $"{headers["From"]} <{ReporterMail}>";
        return headers;
    }

    [Fact]
    public async Task GivenGeneratedEmails_WhenPosted_ThenNever5xx_EveryRejectionIsQuarantinedWithoutItsReporter_AndTheConsumersKeepUp()
    {
        for (var i = 0; i < 300; i++)
            await PostAndAccountAsync("/api/ingest/public-reports", "public-reports", One(Email(i)), "message/rfc822", ReporterMail, ReporterName);
        await FeedFuzzTests.ConsumersKeepUpAsync(http);
    }

    /// <summary>What one connection heard until the marker frame's reply, or until the platform closed it or went quiet: the replies' QNs.</summary>
    static async Task<List<string>> HearAsync(NetworkStream stream, string marker, TimeSpan quiet)
    {
        var qns = new List<string>();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            using var wait = new CancellationTokenSource(quiet);
            int n;
            try { n = await stream.ReadAsync(chunk, wait.Token); }
            catch (Exception e) when (e is OperationCanceledException or IOException) { break; }
            if (n == 0) break;
            buffer.AddRange(chunk.AsSpan(0, n));
            var received = new System.Buffers.ReadOnlySequence<byte>(buffer.ToArray());
            var decoded = Hj212Framing.Decode(received);
            foreach (var f in decoded.Frames)
            {
                Assert.True(f.IsValid, "the platform sent a frame that is not valid HJ 212");
                Assert.True(Hj212Parser.TryParse(f.Data, out var reply, out var problem), problem);
                qns.Add(reply.QN!);
            }
            buffer.RemoveRange(0, (int)received.Slice(0, decoded.Consumed).Length);
            if (qns.Contains(marker)) break;
        }
        return qns;
    }

    [Fact]
    public async Task GivenGeneratedHj212FramesOverTcp_WhenSentInAnyChunks_ThenOnlyStoredFramesAreAnswered_TheListenerServesOn_AndTheConsumersKeepUp()
    {
        var port = await app.Services.GetRequiredService<Hj212Listener>().Port;
        var answered = new List<string>();
        for (var c = 0; c < 20; c++)
        {
            var frames = Enumerable.Range(0, 25).Select(k =>
            {
                var minute = c * 26 + k;
                var frame = Hj212TcpTests.Minute(minute - 600, 30 + minute % 40);
                return One(Gen.Frequency((3, Gen.Constant(frame)), (2, Mangled(frame))));
            }).ToList();
            // A whole frame last: its reply says the platform has answered what it will (unless a cut frame before it swallowed it).
            var marker = Hj212TcpTests.Minute(c * 26 + 25 - 600, 30);
            var bytes = frames.Append(marker).SelectMany(f => f).ToArray();
            var cuts = One(Gen.ArrayOf(Gen.Choose(1, bytes.Length - 1), 6)).Order().Distinct().Prepend(0).Append(bytes.Length).ToArray();
            using var logger = new TcpClient { NoDelay = true };
            await logger.ConnectAsync(IPAddress.Loopback, port);
            var stream = logger.GetStream();
            var hearing = HearAsync(stream, Hj212TcpTests.QnOf(marker), TimeSpan.FromSeconds(3));
            try
            {
                for (var k = 0; k + 1 < cuts.Length; k++) await stream.WriteAsync(bytes.AsMemory(cuts[k], cuts[k + 1] - cuts[k]));
            }
            catch (IOException) { /* the platform may close a connection whose frame it cannot finish reading */ }
            answered.AddRange(await hearing);
        }

        // Answered means stored: as data, or in the quarantine with its reason (a frame from an MN no monitor has is answered so the logger stops resending).
        await using (var session = app.Store.QuerySession())
        {
            var stored = (await session.Events.QueryRawEventDataOnly<MonitoringDataReported>().ToListAsync()).Select(r => r.ReportId.Split(':')[1]).ToHashSet();
            Assert.NotEmpty(stored);
            var quarantined = await QuarantineAsync(Hj212Feed.Name);
            Assert.NotEmpty(quarantined);
            stored.UnionWith(quarantined.Where(q => q.RecordId is not null).Select(q => q.RecordId!.Split(':') is { Length: > 1 } parts ? parts[1] : ""));
            Assert.NotEmpty(answered);
            Assert.All(answered, qn => Assert.Contains(qn, stored));
        }

        // The listener serves an honest logger afterwards.
        using (var honest = new TcpClient { NoDelay = true })
        {
            await honest.ConnectAsync(IPAddress.Loopback, port);
            var frame = Hj212TcpTests.Minute(1, 30);
            await honest.GetStream().WriteAsync(frame);
            Assert.Equal(Hj212TcpTests.QnOf(frame), Assert.Single(await Hj212TcpTests.RepliesAsync(honest.GetStream(), 1)).QN);
        }
        await FeedFuzzTests.ConsumersKeepUpAsync(http);
    }
}
