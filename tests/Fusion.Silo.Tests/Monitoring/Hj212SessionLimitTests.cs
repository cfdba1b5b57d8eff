using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Fusion.Silo.Tests.Monitoring;

/// <summary>
/// The HJ 212 listener's session limits over real TCP (Fusion:Hj212 IdleTimeout, FrameTimeout,
/// MaxConnectionsPerAddress): a silent connection and one trickling a frame are closed, an address over its cap
/// is refused, and 2,000 idle connections hold up no honest logger. Every wait is for a condition, with a
/// generous deadline: without the limit the condition never comes and the test fails at the deadline.
/// </summary>
public static class Hj212Sockets
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    public static async Task<TcpClient> ConnectAsync(FusionApp app)
    {
        var port = await app.Services.GetRequiredService<Hj212Listener>().Port;
        Assert.NotEqual(0, port);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>True when the server closed the connection (a read gives 0 or fails) before the deadline.</summary>
    public static async Task<bool> ClosedByServerAsync(TcpClient client, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var buffer = new byte[256];
        try
        {
            while (true)
                if (await client.GetStream().ReadAsync(buffer, timeout.Token) == 0) return true;
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>Sends a minute-data frame and waits for its data reply (CN 9014 with the frame's QN); null when none came.</summary>
    public static async Task<Hj212Packet?> ExchangeAsync(TcpClient client, int minute)
    {
        var frame = Hj212Frames.Data(Hj212TcpTests.Mn, Hj212Frames.MinuteData, FusionApp.T0.AddMinutes(minute).AddSeconds(20), FusionApp.T0.AddMinutes(minute),
            [new Hj212Pollutant("w01018", Avg: 20), new Hj212Pollutant("w21003", Avg: 1.2)]);
        var qn = Hj212Parser.Parse(Encoding.ASCII.GetString(frame)[6..^6]).QN;
        var stream = client.GetStream();
        await stream.WriteAsync(frame);
        var received = new List<byte>();
        var chunk = new byte[4096];
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            int n;
            try { n = await stream.ReadAsync(chunk, timeout.Token); }
            catch (OperationCanceledException) { return null; }
            if (n == 0) return null;
            received.AddRange(chunk.AsSpan(0, n));
            var decoded = Hj212Framing.Decode(new System.Buffers.ReadOnlySequence<byte>(received.ToArray()));
            foreach (var f in decoded.Frames)
                if (f.IsValid && Hj212Parser.TryParse(f.Data, out var reply, out _) && reply.QN == qn) return reply;
        }
    }
}

public sealed class Hj212IdleAndFrameLimitTests : IAsyncLifetime
{
    FusionApp app = null!;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1",
            ["Fusion:Hj212:IdleTimeout"] = "00:00:03", ["Fusion:Hj212:FrameTimeout"] = "00:00:02",
        });
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task GivenAConnectionThatSaysNothing_WhenTheIdleLimitPasses_ThenTheServerClosesIt()
    {
        using var silent = await Hj212Sockets.ConnectAsync(app);

        Assert.True(await Hj212Sockets.ClosedByServerAsync(silent, Hj212Sockets.Deadline), "a silent connection was still open after the deadline");
    }

    [Fact]
    public async Task GivenAFrameTrickledByteByByte_WhenItIsNotCompleteWithinTheFrameLimit_ThenTheServerClosesTheConnectionBeforeItEnds()
    {
        using var slow = await Hj212Sockets.ConnectAsync(app);
        var frame = Hj212Frames.Data(Hj212TcpTests.Mn, Hj212Frames.MinuteData, FusionApp.T0.AddSeconds(20), FusionApp.T0, [new Hj212Pollutant("w01018", Avg: 20)]);
        var closed = Hj212Sockets.ClosedByServerAsync(slow, Hj212Sockets.Deadline);

        // One byte every 250 ms: each comes well within the idle limit (3 s), the frame would take a minute.
        var sent = 0;
        try
        {
            for (; sent < frame.Length && !closed.IsCompleted; sent++)
            {
                await slow.GetStream().WriteAsync(frame.AsMemory(sent, 1));
                await Task.Delay(250);
            }
        }
        catch (IOException) { }

        Assert.True(await closed, "the trickling connection was not closed");
        Assert.True(sent < frame.Length, $"the whole frame ({frame.Length} bytes) went through before the connection was closed");
    }

    [Fact]
    public async Task GivenALoggerSendingFrames_WhenEachArrivesWhole_ThenItIsAnsweredEachTime()
    {
        using var logger = await Hj212Sockets.ConnectAsync(app);

        Assert.NotNull(await Hj212Sockets.ExchangeAsync(logger, 1));
        Assert.NotNull(await Hj212Sockets.ExchangeAsync(logger, 2));
    }
}

public sealed class Hj212ConnectionCapTests : IAsyncLifetime
{
    const int Idle = 2000;
    FusionApp app = null!;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1", ["Fusion:Hj212:MaxConnectionsPerAddress"] = $"{Idle + 1}",
        });
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Hj212TcpTests.WithMonitor())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task GivenTwoThousandIdleConnections_WhenAnHonestLoggerSends_ThenItIsAnswered_AndTheNextConnectionFromThatAddressIsRefused()
    {
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < Idle; i++) idle.Add(await Hj212Sockets.ConnectAsync(app));
            await WaitForOpenConnectionsAsync(Idle);

            using var honest = await Hj212Sockets.ConnectAsync(app);
            var reply = await Hj212Sockets.ExchangeAsync(honest, 5);

            Assert.NotNull(reply);
            Assert.Equal("9014", reply.CN);
            // The cap (2,001 from one address) is reached: one more is closed at once, the others stay.
            using var over = await Hj212Sockets.ConnectAsync(app);
            Assert.True(await Hj212Sockets.ClosedByServerAsync(over, Hj212Sockets.Deadline), "a connection over the per-address cap was kept");
            Assert.NotNull(await Hj212Sockets.ExchangeAsync(honest, 6));
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
    }

    /// <summary>The listener has taken them all (accepting runs behind connecting).</summary>
    async Task WaitForOpenConnectionsAsync(int count)
    {
        var listener = app.Services.GetRequiredService<Hj212Listener>();
        var deadline = Stopwatch.StartNew();
        while (listener.OpenConnections < count)
        {
            Assert.True(deadline.Elapsed < Hj212Sockets.Deadline, $"only {listener.OpenConnections} of {count} connections were taken");
            await Task.Delay(50);
        }
    }
}
