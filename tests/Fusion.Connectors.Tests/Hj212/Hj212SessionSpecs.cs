using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fusion.Connectors.Hj212;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Connectors.Tests.Hj212;

public class Hj212SessionSpecs
{
    static byte[] Minute(int minute, string mn = "MN-1") =>
        Hj212Frames.Data(mn, Hj212Frames.MinuteData, Given.T0.AddMinutes(minute).AddSeconds(30), Given.T0.AddMinutes(minute), [new Hj212Pollutant("w01018", Avg: 30 + minute)]);

    sealed class Recorder
    {
        public readonly List<List<(string? Qn, string? Problem)>> Calls = [];
        public Task Store(IReadOnlyList<Hj212Received> frames, CancellationToken ct)
        {
            Calls.Add(frames.Select(f => (f.Packet?.QN, f.Problem)).ToList());
            return Task.CompletedTask;
        }
    }

    static async Task<(Recorder, List<string>)> Run(params byte[][] writes)
    {
        var toServer = new Pipe();
        var toDevice = new Pipe();
        var recorder = new Recorder();
        var session = Hj212Session.RunAsync(toServer.Reader, toDevice.Writer, recorder.Store, new FakeTimeProvider(Given.T0), CancellationToken.None);
        foreach (var w in writes)
        {
            await toServer.Writer.WriteAsync(w);
            await Task.Yield();
        }
        await toServer.Writer.CompleteAsync();
        await session;
        await toDevice.Writer.CompleteAsync();
        var replies = Encoding.ASCII.GetString((await toDevice.Reader.ReadAsync()).Buffer.ToArray());
        return (recorder, replies.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList());
    }

    [Fact]
    public async Task GivenAFrameInTwoReads_WhenTheSessionRuns_ThenOneStoreAndOneReply()
    {
        var a = Minute(0);
        var (recorder, replies) = await Run(a[..30], a[30..]);
        Assert.Equal([("20261128090030000", (string?)null)], recorder.Calls.SelectMany(c => c));
        Assert.Equal("QN=20261128090030000;ST=91;CN=9014;PW=123456;MN=MN-1;Flag=4;CP=&&&&", Assert.Single(replies)[6..^4]);
    }

    [Fact]
    public async Task GivenABadCrcBetweenTwoGoodFrames_WhenTheSessionRuns_ThenAllThreeAreStoredButOnlyTheGoodOnesAnswered()
    {
        var bad = Minute(1);
        bad[^8] = (byte)(bad[^8] == (byte)'0' ? '1' : '0');
        var (recorder, replies) = await Run([.. Minute(0), .. bad, .. Minute(2)]);
        var stored = recorder.Calls.SelectMany(c => c).ToList();
        Assert.Equal(3, stored.Count);
        Assert.StartsWith("bad CRC", stored[1].Problem);
        Assert.Equal(["QN=20261128090030000", "QN=20261128090230000"], replies.Select(r => r[6..26]));
    }

    [Fact]
    public async Task GivenAFrameThatDoesNotAskForAReply_WhenTheSessionRuns_ThenItIsStoredAndNotAnswered()
    {
        var silent = Hj212Frames.Data("MN-1", Hj212Frames.MinuteData, Given.T0, Given.T0, [new Hj212Pollutant("w01018", Avg: 1)], replyRequested: false);
        var (recorder, replies) = await Run(silent);
        Assert.Single(recorder.Calls.SelectMany(c => c));
        Assert.Empty(replies);
    }

    [Fact]
    public async Task GivenTheStoreFails_WhenTheSessionRuns_ThenNothingIsAnsweredAndTheErrorEndsTheSession()
    {
        var toServer = new Pipe();
        var toDevice = new Pipe();
        await toServer.Writer.WriteAsync(Minute(0));
        var session = Hj212Session.RunAsync(toServer.Reader, toDevice.Writer, (_, _) => throw new IOException("database down"), TimeProvider.System, CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => session);
        await toDevice.Writer.CompleteAsync();
        Assert.True((await toDevice.Reader.ReadAsync()).Buffer.IsEmpty);
    }

    [Fact]
    public async Task GivenSimulatedLoggersOverLoopbackTcp_WhenTheyRun_ThenEveryFrameIsAcknowledgedAndTheOutageSendsNothing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var stored = 0;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            var sessions = new List<Task>();
            try
            {
                while (true)
                {
                    var socket = await listener.AcceptSocketAsync(stop.Token);
                    var stream = new NetworkStream(socket, ownsSocket: true);
                    sessions.Add(Hj212Session.RunAsync(PipeReader.Create(stream), PipeWriter.Create(stream),
                        (frames, _) => { Interlocked.Add(ref stored, frames.Count); return Task.CompletedTask; }, TimeProvider.System, stop.Token));
                }
            }
            catch (OperationCanceledException) { }
            await Task.WhenAll(sessions.Select(s => s.ContinueWith(_ => { })));
        });

        var fleet = Hj212Simulation.Fleet(Enumerable.Range(0, 12).Select(i => ($"SIM{i:000}", Hj212Simulation.OutfallLimits)), outage: minute => minute < 30);
        var result = await Hj212TcpSimulator.RunAsync((IPEndPoint)listener.LocalEndpoint, fleet, Given.T0.AddMinutes(-1), 62, TimeSpan.Zero, CancellationToken.None);
        stop.Cancel();
        await server;

        // 12 loggers × 62 minutes (08:59 to 10:00) and an hour frame each at 09:00 and 10:00, less the outage:
        // its first 30 minutes and the 09:00 hour frame that fell in them.
        Assert.Equal(12 * 62 + 12 * 2 - 30 - 1, result.Sent);
        Assert.Equal(result.Sent, result.Acknowledged);
        Assert.Equal(result.Sent, stored);
        Assert.Equal(result.Sent, result.AckMilliseconds.Count);
    }

    static double Cod(byte[] f) => Hj212Parser.Parse(Encoding.ASCII.GetString(f)[6..^6]).Pollutants.Single(p => p.Code == "w01018").Avg!.Value;

    [Fact]
    public void GivenSimulatedCameras_WhenAMinutesKeepalivesAreBuilt_ThenOneGb2312DocumentPerCameraNotSilent()
    {
        var body = Fusion.Connectors.Gb28181.Gb28181Simulation.Keepalives(["63280100001320000001", "63280100001320000002"], 7, (code, _) => code.EndsWith('2'));
        var entry = Assert.Single(Fusion.Connectors.Gb28181.Gb28181Parser.Parse(body));
        Assert.Equal(("Keepalive", "63280100001320000001", 7L), (entry.Notify!.CmdType, entry.Notify.DeviceId, entry.Notify.SN));
    }

    [Fact]
    public void GivenAnyBytes_WhenKeptAsRawTextForQuarantine_ThenTheTextIsPrintableAndGivesTheBytesBack()
    {
        var bytes = Minute(0).Concat(new byte[] { 0, 0x1B, (byte)'\\', 0xD6, 0xD0, (byte)'x', 0xFF }).ToArray();
        var text = Hj212Session.RawText(new ReadOnlySequence<byte>(bytes));
        Assert.All(text, c => Assert.InRange(c, ' ', '~'));
        Assert.EndsWith("\\r\\n\\x00\\x1B\\\\\\xD6\\xD0x\\xFF", text);
        Assert.Equal(bytes, Hj212Session.RawBytes(text));
    }

    [Fact]
    public void GivenTheFleet_ThenEveryTenthMonitorExceedsInTheSecondHalfOfEveryNthHour()
    {
        var fleet = Hj212Simulation.Fleet(Enumerable.Range(0, 10).Select(i => ($"SIM{i:000}", Hj212Simulation.OutfallLimits)), exceedEveryHours: 6);
        var exceeding = Hj212Simulation.FramesFor(fleet[9], Given.T0, 5 * 60 + 45).Single();
        var normal = Hj212Simulation.FramesFor(fleet[9], Given.T0, 5 * 60 + 15).Single();
        Assert.DoesNotContain(Hj212Simulation.FramesFor(fleet[9], Given.T0, 45), f => Cod(f) > 50);
        Assert.DoesNotContain(Hj212Simulation.FramesFor(fleet[8], Given.T0, 5 * 60 + 45), f => Cod(f) > 50);
        Assert.True(Cod(exceeding) > 50);
        Assert.True(Cod(normal) < 50);
    }

    static async Task<Hj212SessionExpired> ExpiresAsync(Hj212SessionLimits limits, FakeTimeProvider timer, byte[] first)
    {
        var toServer = new Pipe();
        var session = Hj212Session.RunAsync(toServer.Reader, new Pipe().Writer, new Recorder().Store, new FakeTimeProvider(Given.T0), CancellationToken.None, limits);
        if (first.Length > 0) await toServer.Writer.WriteAsync(first);
        for (var second = 0; second < 120 && !session.IsCompleted; second++)
        {
            timer.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
        return await Assert.ThrowsAsync<Hj212SessionExpired>(() => session);
    }

    [Fact]
    public async Task GivenAConnectionThatSendsNothing_WhenTheIdleLimitPasses_ThenTheSessionEndsSayingSo()
    {
        var timer = new FakeTimeProvider(Given.T0);

        var expired = await ExpiresAsync(new Hj212SessionLimits(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), timer), timer, []);

        Assert.Equal("idle", expired.Reason);
        Assert.InRange(timer.GetUtcNow() - Given.T0, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task GivenHalfAFrame_WhenTheRestDoesNotComeWithinTheFrameLimit_ThenTheSessionEnds_LongBeforeTheIdleLimit()
    {
        var timer = new FakeTimeProvider(Given.T0);

        var expired = await ExpiresAsync(new Hj212SessionLimits(TimeSpan.FromHours(1), TimeSpan.FromSeconds(5), timer), timer, Minute(0)[..40]);

        Assert.Equal("frame", expired.Reason);
        Assert.InRange(timer.GetUtcNow() - Given.T0, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
    }
}
