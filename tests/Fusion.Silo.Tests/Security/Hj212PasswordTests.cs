using System.Net;
using System.Net.Sockets;
using System.Text;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Ingest;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Tests.Monitoring;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fusion.Silo.Tests.Security;

/// <summary>A data logger is who its PW says: checked against its monitor's access password (stored hashed) on every frame.</summary>
public sealed class Hj212PasswordTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static byte[] Minute(int minute, string pw) =>
        Hj212Frames.Data(Hj212TcpTests.Mn, Hj212Frames.MinuteData, T0.AddMinutes(minute).AddSeconds(20), T0.AddMinutes(minute),
            [new Hj212Pollutant("w01018", Avg: 30), new Hj212Pollutant("w21003", Avg: 1.2)], pw: pw);

    static StringContent Text(byte[] frame) => new(Encoding.ASCII.GetString(frame), Encoding.ASCII, "text/plain");

    static string QnOf(byte[] frame) => Hj212Parser.Parse(Encoding.ASCII.GetString(frame)[6..^6]).QN!;

    [Fact]
    public async Task GivenAMonitorsAccessPassword_WhenFramesCarryAWrongOrNoPw_ThenTheyAreNotAnsweredButQuarantinedRawAndCounted_AndTheRightPwIsAnswered()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1" });
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).EnsureSuccessStatusCode(); // accessPassword 123456
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, await app.Services.GetRequiredService<Hj212Listener>().Port);
        var stream = client.GetStream();
        var (wrong, missing, right) = (Minute(0, "654321"), Minute(1, ""), Minute(2, "123456"));

        // In order on one connection: the first answer to come must be the right frame's.
        await stream.WriteAsync(wrong);
        await stream.WriteAsync(missing);
        await stream.WriteAsync(right);
        var reply = await ReplyAsync(stream);

        Assert.Equal(QnOf(right), reply.QN);
        await using var session = app.Store.QuerySession();
        Assert.Single(await session.Events.FetchStreamAsync($"monitor:{Hj212TcpTests.Mn}"));
        var refused = (await session.Query<QuarantinedRecord>().Where(q => q.Feed == Hj212Feed.Name).ToListAsync()).OrderBy(q => q.Reason).ToList();
        Assert.Equal([$"PW is missing for monitor {Hj212TcpTests.Mn}", $"PW is not monitor {Hj212TcpTests.Mn}'s access password"], refused.Select(q => q.Reason));
        Assert.Contains("PW=654321;", refused[1].Raw);
        Assert.StartsWith("##", refused[1].Raw);
        // Hosts of other tests in this process count on the same meter: at least these two.
        var refusedCount = System.Text.RegularExpressions.Regex.Match(await http.GetStringAsync("/metrics"), @"(?m)^fusion_hj212_refused_total(\{[^}]*\})? (\d+)");
        Assert.True(refusedCount.Success && long.Parse(refusedCount.Groups[2].Value) >= 2, "fusion_hj212_refused_total missing or below 2");

        // Over HTTP the same check holds.
        var posted = await http.PostAsync("/api/ingest/hj212", Text(Minute(3, "000000")));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("access password", await posted.Content.ReadAsStringAsync());

        // The password is kept hashed, apart from the events.
        await using var db = new NpgsqlConnection(app.ConnectionString);
        await db.OpenAsync();
        await using var plain = new NpgsqlCommand(
            "select (select count(*) from mt_doc_monitorcredential where data::text like '%123456%') + (select count(*) from mt_events where data::text like '%123456%' or data::text like '%accessPassword%')", db);
        Assert.Equal(0L, await plain.ExecuteScalarAsync());
        await using var stored = new NpgsqlCommand("select coalesce(data->>'Hash', data->>'hash') from mt_doc_monitorcredential", db);
        Assert.StartsWith("pbkdf2-sha256$", (string)(await stored.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task GivenAMonitorWithoutAnAccessPassword_ThenItsFramesAreRefusedNamingWhatIsMissing()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var doc = Hj212TcpTests.WithMonitor();
        var withoutPassword = doc with
        {
            Enterprises = doc.Enterprises!.Select(e => e with { Sites = e.Sites!.Select(s => s with { Monitors = s.Monitors?.Select(m => m with { AccessPassword = null }).ToList() }).ToList() }).ToList(),
        };
        (await http.PostJsonAsync("/api/master-data", withoutPassword)).EnsureSuccessStatusCode();

        var posted = await http.PostAsync("/api/ingest/hj212", Text(Minute(0, "123456")));

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains($"monitor {Hj212TcpTests.Mn} has no access password in master data", await posted.Content.ReadAsStringAsync());
    }

    static Fusion.Connectors.MasterData.MasterDataDocument WithPassword(string password)
    {
        var doc = Hj212TcpTests.WithMonitor();
        return doc with
        {
            Enterprises = doc.Enterprises!.Select(e => e with { Sites = e.Sites!.Select(s => s with { Monitors = s.Monitors?.Select(m => m with { AccessPassword = password }).ToList() }).ToList() }).ToList(),
        };
    }

    static async Task<string> StoredHashAsync(FusionApp app)
    {
        await using var session = app.Store.QuerySession();
        return (await session.LoadAsync<MonitorCredential>(Hj212TcpTests.Mn))!.Hash;
    }

    [Fact]
    public async Task GivenAPasswordHashedUnderAnEarlierIterationCount_WhenTheSettingRises_ThenItStillVerifies_AndANewPasswordIsHashedAtTheNewCount()
    {
        string connection;
        await using (var before = await FusionApp.StartAsync())
        {
            connection = before.ConnectionString;
            (await before.CreateClient().PostJsonAsync("/api/master-data", WithPassword("123456"))).EnsureSuccessStatusCode();
            Assert.StartsWith("pbkdf2-sha256$1000$", await StoredHashAsync(before));
        }

        await using var app = await FusionApp.StartAsync(connection, settings: new() { ["Fusion:Hj212:PasswordIterations"] = "20000" });
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/ingest/hj212", Text(Minute(0, "123456")))).StatusCode);

        (await http.PostJsonAsync("/api/master-data", WithPassword("246810"))).EnsureSuccessStatusCode();
        Assert.StartsWith("pbkdf2-sha256$20000$", await StoredHashAsync(app));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/api/ingest/hj212", Text(Minute(1, "123456")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/ingest/hj212", Text(Minute(2, "246810")))).StatusCode);
    }

    static async Task<Hj212Packet> ReplyAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var n = await stream.ReadAsync(chunk, timeout.Token);
            Assert.NotEqual(0, n);
            buffer.AddRange(chunk.AsSpan(0, n));
            var decoded = Hj212Framing.Decode(new System.Buffers.ReadOnlySequence<byte>(buffer.ToArray()));
            if (decoded.Frames.Count > 0)
            {
                Assert.True(Hj212Parser.TryParse(decoded.Frames[0].Data, out var reply, out var problem), problem);
                return reply;
            }
        }
    }
}
