using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.MasterData;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Ingest;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Monitoring;

/// <summary>HJ 212 through the real host: TCP listener, batching intake, Marten on PostgreSQL, quarantine, live risk.</summary>
public sealed class Hj212TcpTests : IAsyncLifetime
{
    public const string Mn = "63280100000001A0000001";
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public static MasterDataDocument WithMonitor()
    {
        var doc = Haixi();
        return doc with
        {
            Enterprises = doc.Enterprises!.Select(e => e.EnterpriseId != Potash ? e : e with
            {
                Sites = e.Sites!.Select(s => s.SiteId != "S-POTASH-OUT" ? s : s with
                {
                    Monitors = [new MonitorRecord(Mn, new Dictionary<string, double> { ["w01018"] = 50, ["w21003"] = 5 }, AccessPassword: "123456")],
                }).ToList(),
            }).ToList(),
        };
    }

    public async Task InitializeAsync()
    {
        // Small batches, so that both the TCP intake and the file import write in several transactions.
        app = await FusionApp.StartAsync(settings: new() { ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1", ["Fusion:Hj212:MaxBatchFrames"] = "2" });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    internal static byte[] Minute(int minute, double cod, string mn = Mn) =>
        Hj212Frames.Data(mn, Hj212Frames.MinuteData, T0.AddMinutes(minute).AddSeconds(20), T0.AddMinutes(minute),
            [new Hj212Pollutant("w01018", Avg: cod, Min: cod - 1, Max: cod + 1, Cou: 0.1), new Hj212Pollutant("w21003", Avg: 1.2)]);

    internal static string QnOf(byte[] frame) => Hj212Parser.Parse(Encoding.ASCII.GetString(frame)[6..^6]).QN!;

    async Task<TcpClient> ConnectAsync()
    {
        var port = await app.Services.GetRequiredService<Hj212Listener>().Port;
        Assert.NotEqual(0, port);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>Reads reply frames until <paramref name="count"/> have come (or the time is up).</summary>
    internal static async Task<List<Hj212Packet>> RepliesAsync(NetworkStream stream, int count)
    {
        var replies = new List<Hj212Packet>();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (replies.Count < count)
        {
            var n = await stream.ReadAsync(chunk, timeout.Token);
            if (n == 0) break;
            buffer.AddRange(chunk.AsSpan(0, n));
            var received = new System.Buffers.ReadOnlySequence<byte>(buffer.ToArray());
            var decoded = Hj212Framing.Decode(received);
            foreach (var f in decoded.Frames)
            {
                Assert.True(f.IsValid, f.Problem);
                Assert.True(Hj212Parser.TryParse(f.Data, out var p, out var problem), problem);
                replies.Add(p);
            }
            buffer.RemoveRange(0, (int)received.Slice(0, decoded.Consumed).Length);
        }
        return replies;
    }

    [Fact]
    public async Task GivenFramesSplitPipelinedAndABadOne_WhenSentOverOneConnection_ThenEachGoodFrameIsStoredAndAnsweredInOrder_AndTheBadOneQuarantined()
    {
        var idle = await ConnectAsync(); // a logger that connects and says nothing must hold up no one
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var (a, b, c, d) = (Minute(0, 30), Minute(1, 31), Minute(2, 75.5), Minute(3, 33));
        var bad = Minute(4, 34);
        bad[40] ^= 0x01; // one flipped bit in the data segment

        await stream.WriteAsync(a.AsMemory(0, 17));
        await stream.FlushAsync();
        await Task.Delay(200);
        await stream.WriteAsync(a.AsMemory(17));
        await stream.WriteAsync(b.Concat(c).ToArray()); // pipelined: two frames in one write
        await stream.WriteAsync(bad.Concat(d).ToArray()); // a bad CRC between good frames

        var replies = await RepliesAsync(stream, 4);
        Assert.Equal([QnOf(a), QnOf(b), QnOf(c), QnOf(d)], replies.Select(r => r.QN));
        Assert.All(replies, r => Assert.Equal(("91", "9014", Mn, 4, "123456"), (r.ST, r.CN, r.MN, r.Flag, r.PW)));

        await using var session = app.Store.QuerySession();
        var data = await session.Events.FetchStreamAsync($"monitor:{Mn}");
        Assert.Equal(4, data.Count);
        var exceeded = Assert.Single(await session.Events.QueryRawEventDataOnly<EmissionLimitExceeded>().ToListAsync());
        Assert.Equal(("w01018", 75.5, 50.0, DataPeriod.Minute), (exceeded.PollutantCode, exceeded.Value, exceeded.Limit, exceeded.Period));
        var quarantined = Assert.Single(await session.Query<QuarantinedRecord>().Where(q => q.Feed == Hj212Feed.Name).ToListAsync());
        Assert.StartsWith("bad CRC", quarantined.Reason);
        Assert.StartsWith("##", quarantined.Raw);

        // The connection carries on after the bad frame, and after being idle.
        await Task.Delay(1500);
        await stream.WriteAsync(Minute(5, 35));
        Assert.Equal(QnOf(Minute(5, 35)), Assert.Single(await RepliesAsync(stream, 1)).QN);
        // The same frame again is answered (it is stored) but appends nothing.
        await stream.WriteAsync(a);
        Assert.Equal(QnOf(a), Assert.Single(await RepliesAsync(stream, 1)).QN);
        await using var after = app.Store.QuerySession();
        Assert.Equal(5, (await after.Events.FetchStreamAsync($"monitor:{Mn}")).Count);
        Assert.True(idle.Connected);
        idle.Dispose();

        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Contains(risk.GetProperty("signals").EnumerateArray(),
            c => c.GetProperty("kind").GetString() == "EmissionExceedance");
    }

    [Fact]
    public async Task GivenAFrameFromAnUnknownMn_WhenSentOverTcp_ThenItIsQuarantinedWithThatReasonAndStillAnswered()
    {
        using var client = await ConnectAsync();
        var frame = Minute(0, 30, mn: "UNKNOWN-MN-0001");
        await client.GetStream().WriteAsync(frame);
        Assert.Equal(QnOf(frame), Assert.Single(await RepliesAsync(client.GetStream(), 1)).QN);
        await using var session = app.Store.QuerySession();
        Assert.Equal("MN 'UNKNOWN-MN-0001' is not a monitor registered in master data",
            Assert.Single(await session.Query<QuarantinedRecord>().ToListAsync()).Reason);
    }

    [Fact]
    public async Task GivenACapturedFrameLogWithUnixLineEnds_WhenPostedAsAFile_ThenFramesAreStoredAndTheBadOneRejected()
    {
        var log = string.Concat(new[] { Minute(10, 30), Minute(11, 31), Minute(12, 32) }.Select(f => Encoding.ASCII.GetString(f).Replace("\r\n", "\n")))
                  + "##0010garbage!!1234\n";
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.ASCII.GetBytes(log));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "capture.log");

        var response = await http.PostAsync("/api/ingest/hj212", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(4, body.GetProperty("frames").GetInt32());
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        Assert.Equal(3, Assert.Single(body.GetProperty("rejected").EnumerateArray()).GetProperty("index").GetInt32());

        var again = await http.PostAsync("/api/ingest/hj212", new StringContent(Encoding.ASCII.GetString(Minute(10, 30)), Encoding.ASCII, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, (await again.JsonAsync()).GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task GivenAMonitorThatFallsSilent_WhenTheAllowedGapPasses_ThenAMonitoringGapIsRecordedAndCountsForRisk_AndResumedWhenDataReturns()
    {
        var first = await http.PostAsync("/api/ingest/hj212", new StringContent(Encoding.ASCII.GetString(Minute(0, 30)), Encoding.ASCII, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        app.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(2));
        MonitoringGapDetected? gap = null;
        for (var i = 0; i < 100 && gap is null; i++)
        {
            await using var session = app.Store.QuerySession();
            gap = (await session.Events.QueryRawEventDataOnly<MonitoringGapDetected>().ToListAsync()).SingleOrDefault();
            if (gap is null) await Task.Delay(100);
        }
        Assert.NotNull(gap);
        Assert.Equal((Mn, GapReason.NoData, T0), (gap.MonitorId, gap.Reason, gap.Since));

        await http.PostAsync("/api/ingest/hj212", new StringContent(Encoding.ASCII.GetString(Minute(125, 30)), Encoding.ASCII, "text/plain"));
        await using (var session = app.Store.QuerySession())
            Assert.Equal(gap.GapId, Assert.Single(await session.Events.QueryRawEventDataOnly<MonitoringResumed>().ToListAsync()).GapId);

        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Contains(risk.GetProperty("signals").EnumerateArray(), c => c.GetProperty("kind").GetString() == "MonitoringGap");
    }

    [Fact]
    public async Task GivenABodyWithoutFrames_WhenPosted_ThenBadRequestNotAServerError() =>
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/api/ingest/hj212", new StringContent("", Encoding.ASCII, "text/plain"))).StatusCode);
}
