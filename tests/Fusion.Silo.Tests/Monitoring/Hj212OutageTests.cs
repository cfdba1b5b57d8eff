using System.Net;
using System.Net.Sockets;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Fusion.Silo.Tests.Monitoring.Hj212TcpTests;

namespace Fusion.Silo.Tests.Monitoring;

/// <summary>
/// HJ 212 over TCP while PostgreSQL is stopped under the running host: a frame is answered only once stored, so the
/// logger resends what the outage kept from being stored, and after the restart every frame is stored exactly once.
/// </summary>
public sealed class Hj212OutageTests
{
    static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>What a logger hears after sending: the replies that came before the platform closed the connection (or the time ran out).</summary>
    static async Task<List<Hj212Packet>> SendAsync(int port, int expected, params byte[][] frames)
    {
        using var logger = await ConnectAsync(port);
        var stream = logger.GetStream();
        await stream.WriteAsync(frames.SelectMany(f => f).ToArray());
        try
        {
            return await RepliesAsync(stream, expected);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return [];
        }
    }

    static async Task<int> StoredAsync(FusionApp app)
    {
        await using var session = app.Store.QuerySession();
        return (await session.Events.FetchStreamAsync($"monitor:{Mn}")).Count;
    }

    [Fact]
    public async Task GivenALoggerOverTcp_WhenPostgreSqlStopsAndStartsAgain_ThenUnstoredFramesGetNoReply_AndTheResentOnesAreStoredOnce()
    {
        await using var pg = await PrivateCluster.StartAsync();
        await using var app = await FusionApp.StartAsync(pg.ConnectionString, settings: new() { ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1" });
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", WithMonitor())).EnsureSuccessStatusCode();
        var port = await app.Services.GetRequiredService<Hj212Listener>().Port;
        var (a, b, c) = (Minute(0, 30), Minute(1, 31), Minute(2, 75.5));

        Assert.Equal([QnOf(a)], (await SendAsync(port, 1, a)).Select(r => r.QN));
        Assert.Equal(1, await StoredAsync(app));

        await pg.StopAsync();
        // Not stored, so not answered: the platform drops the connection and the logger keeps the frames to resend.
        using (var logger = await ConnectAsync(port))
        {
            var stream = logger.GetStream();
            await stream.WriteAsync(b.Concat(c).ToArray());
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var heard = 0;
            try
            {
                for (int n; (n = await stream.ReadAsync(new byte[4096], wait.Token)) > 0;) heard += n;
            }
            catch (IOException) { /* reset by the platform: closed as well */ }
            Assert.Equal(0, heard);
        }

        await pg.StartAgainAsync();
        Assert.Equal(1, await StoredAsync(app));

        // The logger resends what went unanswered, with the first frame again; it tries until the platform answers every frame.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<Hj212Packet> replies;
        while ((replies = await SendAsync(port, 3, a, b, c)).Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(500);
        Assert.Equal([QnOf(a), QnOf(b), QnOf(c)], replies.Select(r => r.QN));
        Assert.Equal(3, await StoredAsync(app));
        await using var session = app.Store.QuerySession();
        Assert.Single(await session.Events.QueryRawEventDataOnly<Fusion.Domain.Monitoring.EmissionLimitExceeded>().ToListAsync());
    }
}
