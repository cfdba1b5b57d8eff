using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Fusion.Bench.Ingest;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Hosting;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fusion.Bench.Telemetry;

/// <summary>
/// What telemetry and the board tables cost. Ingest throughput over HTTP with telemetry on (metrics, traces,
/// the trace context in every event) against the same run with Fusion:Telemetry:Enabled=false; and the board
/// subscription's lag behind the store under a steady 1,000 events/s (HJ 212 over TCP and camera alarms over
/// HTTP), against the live-risk subscription's lag sampled at the same moments.
/// </summary>
public static class BoardsBench
{
    const int BatchSize = 500;

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchOptions options)
    {
        // Off, on, off, on: each a fresh store; the better of each pair's runs, so a disturbance on a shared machine does not decide it.
        var off = new List<double>();
        var on = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            off.Add(await IngestAsync(options.Records, telemetry: false, round));
            on.Add(await IngestAsync(options.Records, telemetry: true, round));
        }
        var (boardLag, riskLag, achieved) = await LagAsync(TimeSpan.FromSeconds(30));
        return
        [
            new("ingest with telemetry on (records/s) vs off", on.Max(), off.Max(), "records/s"),
            new("board lag p95 at 1,000 ev/s (events) vs live-risk", boardLag.P95, riskLag.P95, "events"),
            new("board lag max at 1,000 ev/s (events) vs live-risk", boardLag.Max, riskLag.Max, "events"),
            new("load achieved (events/s) vs asked", achieved, 1000, "events/s"),
        ];
    }

    static async Task<WebApplication> StartAsync(string connection, int port, bool telemetry, bool hj212 = false)
    {
        var app = FusionHost.Build(
        [
            "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:Fusion={connection}",
            $"--Orleans:SiloPort={BenchDatabase.FreePort()}", $"--Orleans:GatewayPort={BenchDatabase.FreePort()}", "--Logging:LogLevel:Default=Warning",
            hj212 ? "--Fusion:Hj212:Port=0" : "--Fusion:Hj212:Port=-1", "--Fusion:Hj212:Address=127.0.0.1", $"--Fusion:Telemetry:Enabled={telemetry}",
        ], demo: false);
        await app.StartAsync();
        return app;
    }

    static async Task<double> IngestAsync(int count, bool telemetry, int round)
    {
        var connection = await BenchDatabase.CreateAsync($"fusion_bench_telemetry_{(telemetry ? "on" : "off")}_{round}");
        var port = BenchDatabase.FreePort();
        var app = await StartAsync(connection, port, telemetry);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) } };
            var cameras = await MasterDataAsync(http);
            // The records end an hour before now, inside the accepted time window (dates are checked against now).
            var start = DateTimeOffset.UtcNow.AddSeconds(-count * 7).AddHours(-1);
            var records = Enumerable.Range(0, count).Select(i => new
            {
                alarmId = $"bench-{i}", cameraId = cameras[i % cameras.Count], alarmType = "smoke-and-dust", confidence = 0.8, occurredAt = start.AddSeconds(i * 7),
            }).ToArray();
            var watch = Stopwatch.StartNew();
            foreach (var chunk in records.Chunk(BatchSize))
                (await http.PostAsJsonAsync("/api/ingest/camera-alarms", chunk)).EnsureSuccessStatusCode();
            return count / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    sealed record Lag(double P95, double Max);

    /// <summary>
    /// A steady open-loop load: 500 HJ 212 data loggers over TCP, each sending one minute's data every half second
    /// (1,000 frames/s, each frame an event; exceedances among them become risk signals), and 100 camera alarms/s over
    /// HTTP in batches of ten every 100 ms, each posted without waiting for the one before (so a slow answer does not
    /// slow the load). Meanwhile both subscriptions' distance from the head of the store is sampled every 100 ms.
    /// The load achieved is what the store grew by per second while the load ran (derived events included).
    /// </summary>
    static async Task<(Lag Board, Lag Risk, double Achieved)> LagAsync(TimeSpan duration)
    {
        // Offered a little above the rate asked: on a shared machine the loggers' half-second pace slips, and the
        // figure that counts is the store's growth (reported beside the rate asked).
        const int Loggers = 500;
        var pace = TimeSpan.FromSeconds(0.5);
        const int alarmsPerSecond = 100;
        var connection = await BenchDatabase.CreateAsync("fusion_bench_board_lag");
        var port = BenchDatabase.FreePort();
        var app = await StartAsync(connection, port, telemetry: true, hj212: true);
        try
        {
            // Registering 500 monitors derives each access password's hash (PBKDF2): minutes on two cores, longer than HttpClient's 100 s default.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30), DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) } };
            var cameras = await MasterDataAsync(http);
            (await http.PostAsJsonAsync("/api/master-data", Hj212Bench.Document())).EnsureSuccessStatusCode();
            var fleet = Hj212Simulation.Fleet(Enumerable.Range(0, Loggers).Select(i => (Hj212Bench.Mn(i), Hj212Simulation.OutfallLimits)));
            var listener = new IPEndPoint(IPAddress.Loopback, await app.Services.GetRequiredService<Hj212Listener>().Port);

            await using var db = new NpgsqlConnection(connection);
            await db.OpenAsync();
            async Task<(long Head, long Board, long Risk)> PositionsAsync()
            {
                await using var cmd = new NpgsqlCommand("""
                    SELECT coalesce((SELECT max(seq_id) FROM fusion.mt_events), 0),
                           coalesce((SELECT sequence FROM board.checkpoint WHERE name = 'board'), 0),
                           coalesce((SELECT last_seq_id FROM fusion.mt_event_progression WHERE name = 'live-risk:All'), 0)
                    """, db);
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
                return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
            }

            var boardSamples = new List<double>();
            var riskSamples = new List<double>();
            var (headBefore, _, _) = await PositionsAsync();
            using var cts = new CancellationTokenSource(duration);
            var watch = Stopwatch.StartNew();
            var loggers = Hj212TcpSimulator.RunAsync(listener, fleet, Hj212Bench.Start, (int)(duration / pace), pace, CancellationToken.None, drainTimeout: TimeSpan.FromSeconds(10));
            var alarms = Task.Run(async () =>
            {
                var inFlight = new List<Task>();
                var sent = 0;
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (!cts.IsCancellationRequested && await timer.WaitForNextTickAsync())
                {
                    var batch = Enumerable.Range(sent, alarmsPerSecond / 10).Select(i => new
                    {
                        alarmId = $"lag-{i}", cameraId = cameras[i % cameras.Count], alarmType = "smoke-and-dust", confidence = 0.8,
                        occurredAt = Hj212Bench.Start.AddSeconds(i),
                    }).ToArray();
                    sent += batch.Length;
                    inFlight.Add(http.PostAsJsonAsync("/api/ingest/camera-alarms", batch).ContinueWith(t => t.Result.EnsureSuccessStatusCode()));
                }
                await Task.WhenAll(inFlight);
                return sent;
            });
            while (!cts.IsCancellationRequested)
            {
                var (head, board, risk) = await PositionsAsync();
                boardSamples.Add(Math.Max(0, head - board));
                riskSamples.Add(Math.Max(0, head - risk));
                await Task.Delay(100);
            }
            var (headAfter, _, _) = await PositionsAsync();
            var achieved = (headAfter - headBefore) / watch.Elapsed.TotalSeconds;
            var frames = await loggers;
            var alarmsSent = await alarms;
            Console.WriteLine($"  lag: {boardSamples.Count} samples; store grew by {headAfter - headBefore} events in {watch.Elapsed.TotalSeconds:N1} s; " +
                              $"{frames.Sent} HJ 212 frames sent ({frames.Acknowledged} acknowledged), {alarmsSent} camera alarms posted");
            return (Summarise(boardSamples), Summarise(riskSamples), achieved);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    static Lag Summarise(List<double> samples)
    {
        if (samples.Count == 0) return new Lag(double.NaN, double.NaN);
        samples.Sort();
        return new Lag(samples[(int)Math.Min(samples.Count - 1, Math.Ceiling(samples.Count * 0.95) - 1)], samples[^1]);
    }

    static async Task<IReadOnlyList<string>> MasterDataAsync(HttpClient http)
    {
        var (document, cameras, _) = IngestBench.MasterData();
        (await http.PostAsJsonAsync("/api/master-data", document)).EnsureSuccessStatusCode();
        return cameras;
    }
}
