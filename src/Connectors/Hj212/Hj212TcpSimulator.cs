using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fusion.Domain.Monitoring;

namespace Fusion.Connectors.Hj212;

/// <summary>A simulated data logger: its MN, the permitted limits it is measured against, and what it reports.</summary>
public sealed record SimulatedMonitor(string Mn, IReadOnlyDictionary<string, double> Limits)
{
    /// <summary>Reports above its limits during these minutes (from the start of the run).</summary>
    public Func<int, bool> Exceeds { get; init; } = _ => false;
    /// <summary>Sends nothing during these minutes: an outage.</summary>
    public Func<int, bool> Silent { get; init; } = _ => false;
    /// <summary>The PW its frames carry: its access password in master data.</summary>
    public string Password { get; init; } = "123456";
}

/// <summary>
/// What simulated loggers send: minute data (CN 2051) every minute and hour data (CN 2061) at the top of each
/// hour, values around 60% of each limit with some noise, 1.6 times the limit while exceeding. Pure and
/// deterministic for a seed; used by the demo, the benchmark and the specs.
/// </summary>
public static class Hj212Simulation
{
    public static IEnumerable<byte[]> FramesFor(SimulatedMonitor m, DateTimeOffset start, int minute, int seed = 212)
    {
        if (m.Silent(minute)) yield break;
        var dataTime = start.AddMinutes(minute);
        var random = new Random(HashCode.Combine(seed, m.Mn, minute));
        var exceeding = m.Exceeds(minute);
        var readings = m.Limits.Keys.Order(StringComparer.Ordinal).Select(code => Reading(code, m.Limits[code], exceeding, random)).ToArray();
        yield return Hj212Frames.Data(m.Mn, Hj212Frames.MinuteData, dataTime.AddSeconds(30), dataTime, readings, pw: m.Password);
        if (minute > 0 && dataTime.Minute == 0)
        {
            var hour = dataTime.AddHours(-1);
            var hourly = m.Limits.Keys.Order(StringComparer.Ordinal)
                .Select(code => Reading(code, m.Limits[code], Enumerable.Range(minute - 60, 60).Count(m.Exceeds) >= 30, random)).ToArray();
            yield return Hj212Frames.Data(m.Mn, Hj212Frames.HourData, dataTime.AddSeconds(45), hour, hourly, pw: m.Password);
        }
    }

    static Hj212Pollutant Reading(string code, double limit, bool exceeding, Random random)
    {
        var avg = Math.Round(limit * (exceeding ? 1.6 : 0.6) * (0.9 + 0.2 * random.NextDouble()), 3);
        return new Hj212Pollutant(code, Avg: avg, Min: Math.Round(avg * 0.9, 3), Max: Math.Round(avg * 1.1, 3), Cou: Math.Round(avg * 0.06, 3));
    }

    /// <summary>
    /// Monitors for a run: every tenth one exceeds its limits in the second half of every
    /// <paramref name="exceedEveryHours"/>th hour (its last); the third one is silent for the given minutes.
    /// </summary>
    public static IReadOnlyList<SimulatedMonitor> Fleet(
        IEnumerable<(string Mn, IReadOnlyDictionary<string, double> Limits)> monitors, Func<int, bool>? outage = null, int exceedEveryHours = 1) =>
        monitors.Select((m, i) => new SimulatedMonitor(m.Mn, m.Limits)
        {
            Exceeds = i % 10 == 9 ? minute => minute % 60 >= 30 && minute / 60 % exceedEveryHours == exceedEveryHours - 1 : _ => false,
            Silent = i == 2 && outage is not null ? outage : _ => false,
        }).ToArray();

    /// <summary>The fleet with each logger's PW as the master-data document provisions it (its monitors' accessPassword).</summary>
    public static IReadOnlyList<SimulatedMonitor> WithPasswords(IReadOnlyList<SimulatedMonitor> fleet, MasterData.MasterDataDocument provisioning)
    {
        var passwords = (provisioning.Enterprises ?? []).SelectMany(e => e.Sites ?? []).SelectMany(s => s.Monitors ?? [])
            .Where(m => m.AccessPassword is not null).ToDictionary(m => m.MonitorId, m => m.AccessPassword!, StringComparer.Ordinal);
        return fleet.Select(m => passwords.TryGetValue(m.Mn, out var pw) ? m with { Password = pw } : m).ToArray();
    }

    /// <summary>Water-outfall limits as Haixi's permits give them.</summary>
    public static IReadOnlyDictionary<string, double> OutfallLimits { get; } = new Dictionary<string, double> { ["w01018"] = 50, ["w21003"] = 5 };

    public static DataPeriod PeriodOf(byte[] frame) => frame.AsSpan().IndexOf("CN=2061"u8) >= 0 ? DataPeriod.Hour : DataPeriod.Minute;
}

/// <summary>
/// Data loggers over TCP: one connection per monitor, frames sent as the simulation gives them (paced, or as
/// fast as the connection takes them), replies read back and matched by QN to measure frame-to-reply time.
/// Bounded: it stops after the given minutes, or when cancelled.
/// </summary>
public static class Hj212TcpSimulator
{
    public sealed record Result(long Sent, long Acknowledged, IReadOnlyList<double> AckMilliseconds, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(
        IPEndPoint server, IReadOnlyList<SimulatedMonitor> monitors, DateTimeOffset start, int minutes, TimeSpan pacePerMinute,
        CancellationToken ct, TimeSpan? drainTimeout = null)
    {
        var latencies = new ConcurrentBag<double>();
        long sent = 0, acked = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(monitors.Select(async m =>
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(server, ct);
            var stream = client.GetStream();
            var pending = new ConcurrentDictionary<string, long>();
            var expected = 0L;
            using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reader = ReadRepliesAsync(stream, pending, latencies, () => Interlocked.Increment(ref acked), done.Token);
            for (var minute = 0; minute < minutes && !ct.IsCancellationRequested; minute++)
            {
                foreach (var frame in Hj212Simulation.FramesFor(m, start, minute))
                {
                    pending[Qn(frame)] = Stopwatch.GetTimestamp();
                    await stream.WriteAsync(frame, ct);
                    Interlocked.Increment(ref sent);
                    expected++;
                }
                if (pacePerMinute > TimeSpan.Zero) await Task.Delay(pacePerMinute, ct);
            }
            var deadline = Stopwatch.StartNew();
            while (!pending.IsEmpty && deadline.Elapsed < (drainTimeout ?? TimeSpan.FromSeconds(60)) && !reader.IsCompleted)
                await Task.Delay(5, ct);
            done.Cancel();
            try { await reader; } catch (OperationCanceledException) { }
        }));
        return new Result(sent, acked, latencies.ToArray(), clock.Elapsed);
    }

    static async Task ReadRepliesAsync(NetworkStream stream, ConcurrentDictionary<string, long> pending, ConcurrentBag<double> latencies, Action acked, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (!ct.IsCancellationRequested)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0) return;
            filled += n;
            var sequence = new ReadOnlySequence<byte>(buffer, 0, filled);
            var decoded = Hj212Framing.Decode(sequence);
            foreach (var f in decoded.Frames)
                if (f.IsValid && Hj212Parser.TryParse(f.Data, out var reply, out _) && reply.QN is { } qn && pending.TryRemove(qn, out var sentAt))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                    acked();
                }
            var consumed = (int)sequence.Slice(0, decoded.Consumed).Length;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }
    }

    static string Qn(byte[] frame)
    {
        var span = frame.AsSpan();
        var at = span.IndexOf("QN="u8) + 3;
        var end = span[at..].IndexOf((byte)';');
        return System.Text.Encoding.ASCII.GetString(span.Slice(at, end));
    }
}
