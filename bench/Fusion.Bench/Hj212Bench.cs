using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;
using Fusion.Silo.Hosting;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Fusion.Bench;

/// <summary>
/// HJ 212: parsing on one core (framing, CRC, fields) against the bare CRC over the same bytes; and minute
/// data from 500 simulated loggers over TCP into the real host (frames acknowledged per second, each reply
/// sent only after its frame is stored) against raw PostgreSQL COPY of the same rows, with frame-to-reply
/// latency against one INSERT-and-commit round trip in two shapes: a burst (every logger's minute frame at the same moment,
/// as loggers sending on the minute do, 500 frames every 2 s) and a backlog (every logger sending all its minutes at once, as
/// after an outage, where a reply waits behind every frame sent before it and its time measures throughput). Before the burst, after a host restart, each logger sends one
/// frame (its password's first check, a PBKDF2 derivation): that cold start is reported on its own, against the same
/// derivations made one after another on one core.
/// </summary>
public static class Hj212Bench
{
    const int Monitors = 500;
    static int sink;
    /// <summary>Yesterday's midnight, Beijing time: the data must lie within the resend window the host takes (Fusion:Ingest:ResendWindow).</summary>
    internal static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(-1), TimeSpan.FromHours(8));

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchOptions options)
    {
        var fleet = Hj212Simulation.Fleet(Enumerable.Range(0, Monitors).Select(i => (Mn(i), Hj212Simulation.OutfallLimits)));
        var minutes = Math.Max(2, options.Records / Monitors);
        return [.. Parsing(fleet, minutes), .. await EndToEndAsync(fleet, minutes)];
    }

    internal static string Mn(int i) => $"6328010000{i:D4}BENCH0000";

    static IEnumerable<BenchResult> Parsing(IReadOnlyList<SimulatedMonitor> fleet, int minutes)
    {
        var frames = Enumerable.Range(0, minutes).SelectMany(m => fleet.SelectMany(f => Hj212Simulation.FramesFor(f, Start, m))).ToArray();
        var bytes = frames.SelectMany(f => f).ToArray();
        var catalog = Catalog();

        double PerSecond(Func<int> work)
        {
            work(); // warm up
            var watch = Stopwatch.StartNew();
            var done = 0;
            var rounds = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(2) || rounds < 3) { done += work(); rounds++; }
            return done / watch.Elapsed.TotalSeconds;
        }

        var crcOnly = PerSecond(() =>
        {
            foreach (var f in frames) sink ^= Hj212Crc.Compute(f.AsSpan(6, f.Length - 12));
            return frames.Length;
        });
        var parse = PerSecond(() =>
        {
            var received = Hj212Session.ReadAll(new ReadOnlySequence<byte>(bytes), Start);
            return received.Count(r => r.Packet is not null);
        });
        var translate = PerSecond(() =>
        {
            var received = Hj212Session.ReadAll(new ReadOnlySequence<byte>(bytes), Start);
            return Hj212Session.Translate(received, catalog).Accepted.Select(a => a.Index).Distinct().Count();
        });
        Console.WriteLine($"  parsing: {frames.Length} frames, {bytes.Length / frames.Length} bytes each on average");
        return
        [
            new("HJ 212 frame+parse, 1 core (frames/s) vs CRC", parse, crcOnly, "frames/s"),
            new("HJ 212 parse+translate, 1 core vs CRC", translate, crcOnly, "frames/s"),
        ];
    }

    static async Task<IReadOnlyList<BenchResult>> EndToEndAsync(IReadOnlyList<SimulatedMonitor> fleet, int minutes)
    {
        var connection = await BenchDatabase.CreateAsync("fusion_bench_hj212");
        var port = BenchDatabase.FreePort();
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:Fusion={connection}",
            $"--Orleans:SiloPort={BenchDatabase.FreePort()}", $"--Orleans:GatewayPort={BenchDatabase.FreePort()}", "--Logging:LogLevel:Default=Warning",
            "--Fusion:Hj212:Port=0", "--Fusion:Hj212:Address=127.0.0.1",
        ];
        // Registering the monitors derives each access password's hash (PBKDF2 at the host's setting): not part of the figures below.
        var app = FusionHost.Build(args, demo: false);
        await app.StartAsync();
        var iterations = app.Services.GetRequiredService<Hj212Options>().PasswordIterations;
        var register = Stopwatch.StartNew();
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30), DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) } })
            (await http.PostAsJsonAsync("/api/master-data", Document())).EnsureSuccessStatusCode();
        var registered = register.Elapsed;
        await app.StopAsync();
        await app.DisposeAsync();

        // A host restart: the loggers' passwords are known only as their PBKDF2 hashes again, so each logger's first
        // frame costs a derivation. Cold start: every logger connects and sends one frame at once (untimed in the burst
        // below), against the same number of derivations one after another on one core.
        var derivation = DerivationSeconds(iterations);
        Console.WriteLine($"  registering {fleet.Count} monitors' passwords took {registered.TotalSeconds:N1} s; one PBKDF2 derivation at {iterations:N0} iterations {derivation * 1000:N0} ms on one core");
        app = FusionHost.Build(args, demo: false);
        await app.StartAsync();
        try
        {
            var listenerPort = await app.Services.GetRequiredService<Hj212Listener>().Port;
            var server = new IPEndPoint(IPAddress.Loopback, listenerPort);
            var cold = await Hj212TcpSimulator.RunAsync(server, fleet, Start.AddDays(-1), 1, TimeSpan.Zero, CancellationToken.None, drainTimeout: TimeSpan.FromMinutes(30));
            var coldLatencies = cold.AckMilliseconds.Order().ToList();
            Console.WriteLine($"  cold start: {cold.Acknowledged} of {cold.Sent} loggers' first frames acknowledged in {cold.Elapsed.TotalSeconds:N1} s " +
                              $"(p50 {BenchDatabase.Percentile(coldLatencies, 0.5):N0} ms, p99 {BenchDatabase.Percentile(coldLatencies, 0.99):N0} ms)");

            // The floor, on the quiet host (every consumer caught up with the cold start): the backlog's rows by binary COPY into a plain table.
            await BenchRules.CaughtUpAsync(app.Services.GetRequiredService<Marten.IDocumentStore>());
            var rows = Enumerable.Range(0, minutes).SelectMany(m => fleet.SelectMany(f => Hj212Simulation.FramesFor(f, Start, m)
                .Select(frame => (Stream: $"monitor:{f.Mn}", Json: Json(frame))))).ToArray();
            var copyPerSecond = await BenchDatabase.CopyReferenceAsync(connection, "hj212_copy_reference", "monitoring_data_reported", rows);

            var result = await Hj212TcpSimulator.RunAsync(server, fleet, Start, minutes, TimeSpan.Zero,
                CancellationToken.None, drainTimeout: TimeSpan.FromMinutes(5));
            if (result.Acknowledged != result.Sent)
                Console.WriteLine($"  warning: {result.Sent - result.Acknowledged} of {result.Sent} frames not acknowledged");
            var framesPerSecond = result.Acknowledged / result.Elapsed.TotalSeconds;
            var latencies = result.AckMilliseconds.Order().ToList();
            Console.WriteLine($"  backlog: {result.Acknowledged} frames from {fleet.Count} loggers, {minutes} minutes each sent at once, in {result.Elapsed.TotalSeconds:N1} s");

            var stored = await StoredDataEventsAsync(connection);
            if (stored != result.Sent + cold.Sent) Console.WriteLine($"  warning: {stored} data events stored for {result.Sent + cold.Sent} frames sent");

            // The burst: every logger sends its minute's frame at the same moment (a frame more at the top of the hour), then
            // the next minute 2 s later: 500 frames at once every 2 s, about 250 frames/s offered, below what is taken.
            var paced = await Hj212TcpSimulator.RunAsync(server, fleet, Start.AddDays(1), 8, TimeSpan.FromSeconds(2),
                CancellationToken.None, drainTimeout: TimeSpan.FromMinutes(2));
            var pacedLatencies = paced.AckMilliseconds.Order().ToList();
            Console.WriteLine($"  burst: {paced.Acknowledged} of {paced.Sent} frames acknowledged, {fleet.Count} loggers at once every 2 s ({paced.Acknowledged / paced.Elapsed.TotalSeconds:N0} frames/s)");

            var commitP50 = await CommitRoundTripAsync(connection);
            return
            [
                new($"HJ 212 TCP {fleet.Count} loggers, backlog (acked/s) vs COPY", framesPerSecond, copyPerSecond, "frames/s"),
                new($"HJ 212 reply p50, burst ({fleet.Count} loggers' minute at once) (ms) vs INSERT commit", BenchDatabase.Percentile(pacedLatencies, 0.5), commitP50, "ms"),
                new($"HJ 212 reply p99, burst ({fleet.Count} loggers' minute at once) (ms) vs INSERT commit", BenchDatabase.Percentile(pacedLatencies, 0.99), commitP50, "ms"),
                new($"HJ 212 reply p50, backlog ({minutes} minutes per logger at once) (ms) vs INSERT commit", BenchDatabase.Percentile(latencies, 0.5), commitP50, "ms"),
                new($"HJ 212 reply p99, backlog ({minutes} minutes per logger at once) (ms) vs INSERT commit", BenchDatabase.Percentile(latencies, 0.99), commitP50, "ms"),
                new($"HJ 212 cold start {fleet.Count} loggers (s) vs {fleet.Count} PBKDF2 on 1 core", cold.Elapsed.TotalSeconds, derivation * fleet.Count, "s"),
            ];
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>One access-password derivation as the host makes it (PBKDF2-HMAC-SHA256), the median of three, in seconds.</summary>
    static double DerivationSeconds(int iterations)
    {
        var salt = new byte[16];
        var times = Enumerable.Range(0, 3).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("123456"u8, salt, iterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
            return watch.Elapsed.TotalSeconds;
        }).Order().ToList();
        return times[1];
    }

    /// <summary>The event each frame becomes, as the JSON a row would hold.</summary>
    static string Json(byte[] frame)
    {
        var p = Hj212Parser.Parse(System.Text.Encoding.ASCII.GetString(frame, 6, frame.Length - 12));
        return JsonSerializer.Serialize(new { reportId = Hj212Feed.ReportId(p), monitorId = p.MN, dataTime = p.DataTime, readings = p.Pollutants });
    }

    static async Task<long> StoredDataEventsAsync(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM fusion.mt_events WHERE type = 'monitoring_data_reported'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    static async Task<double> CommitRoundTripAsync(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE hj212_commit_reference (id bigserial primary key, data jsonb not null)", conn))
            await create.ExecuteNonQueryAsync();
        var trips = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var watch = Stopwatch.StartNew();
            await using var insert = new NpgsqlCommand("INSERT INTO hj212_commit_reference (data) VALUES ('{\"w01018\": 30.1}')", conn);
            await insert.ExecuteNonQueryAsync();
            trips.Add(watch.Elapsed.TotalMilliseconds);
        }
        trips.Sort();
        return BenchDatabase.Percentile(trips, 0.5);
    }

    internal static MasterDataDocument Document()
    {
        var enterprises = Enumerable.Range(0, Monitors / 5).Select(i => CreditCode.Complete($"91632801MA7D{i:D4}X")).ToArray();
        return new MasterDataDocument(
            Regions: [new RegionRecord("GOLMUD", "Golmud", "格尔木市", "city", null, 94.90, 36.42)],
            Enterprises: enterprises.Select((id, e) => new EnterpriseRecord(id, $"Bench Enterprise {e}", "potash", "GOLMUD", 1_000_000_000m, 94.9 + e * 0.001, 36.4,
                Enumerable.Range(0, 5).Select(s => new SiteRecord($"S-{e}-{s}", "outfall", $"Outfall {s}", 94.9 + e * 0.001, 36.401 + s * 0.0001, null,
                    [new MonitorRecord(Mn(e * 5 + s), Hj212Simulation.OutfallLimits, AccessPassword: "123456")])).ToArray())).ToArray());
    }

    static MasterDataCatalog Catalog() => MasterDataCatalog.Empty.ApplyAll(
        Enumerable.Range(0, Monitors).Select(i => (object)new MonitorRegistered(Mn(i), $"S-{i}", "E", "GOLMUD", Hj212Simulation.OutfallLimits, Start)));
}
