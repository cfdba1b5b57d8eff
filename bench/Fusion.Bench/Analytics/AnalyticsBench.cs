using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;
using Fusion.Projections.Projection;
using Fusion.Projections.Queries;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fusion.Bench.Analytics;

/// <summary>
/// Analytics at scale (issue 4, item 8), all on one event store of --events N generated events
/// (default 300,000, so that the whole `./fusion bench` stays within a quarter of an hour on two cores), bulk-loaded by binary COPY in Marten's own row format:
/// rebuild events/s through the real rebuild (POST /api/analytics/rebuild) against a raw sequential
/// Npgsql read of the event table; each named query over HTTP (JSON) against the same SQL run
/// directly in DuckDB on the same file; append-to-DuckDB visibility against an HTTP round trip.
/// </summary>
public static class AnalyticsBench
{
    const int Enterprises = 300;
    static readonly int Port = BenchDatabase.FreePort();

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchOptions options)
    {
        var events = EventCount();
        var connection = await BenchDatabase.CreateAsync("fusion_bench_analytics");
        var data = Path.Combine(Path.GetTempPath(), $"fusion-bench-analytics-{Environment.ProcessId}");
        if (Directory.Exists(data)) Directory.Delete(data, true);
        string[] hostArgs =
        [
            "--urls", $"http://127.0.0.1:{Port}", $"--ConnectionStrings:Fusion={connection}", $"--Fusion:DataFolder={data}",
            $"--Orleans:SiloPort={BenchDatabase.FreePort()}", $"--Orleans:GatewayPort={BenchDatabase.FreePort()}", "--Fusion:Hj212:Port=-1", "--Logging:LogLevel:Default=Warning",
        ];
        var results = new List<BenchResult>();
        try
        {
            // 1. Schema and master data written by the platform itself, then the host stops for the bulk load.
            var master = MasterData();
            var app = FusionHost.Build(hostArgs, demo: false);
            await app.StartAsync();
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) } })
                (await http.PostAsJsonAsync("/api/master-data", master.Document)).EnsureSuccessStatusCode();
            await Task.Delay(1000);
            await app.StopAsync();
            await app.DisposeAsync();

            var load = Stopwatch.StartNew();
            var last = await EventLoad.CopyAsync(connection, master, events);
            var loadPerSecond = events / load.Elapsed.TotalSeconds;
            Console.WriteLine($"   bulk-loaded {events:N0} events by COPY in {load.Elapsed.TotalSeconds:N1} s ({events / load.Elapsed.TotalSeconds:N0} events/s); last sequence {last:N0}");

            // The live subscriptions start where the store ends: only the rebuild reads the history.
            await EventLoad.MarkDeliveredAsync(connection, last);

            // 2. Raw read reference (twice: the first warms the cache the rebuild will also find warm).
            await RawReadAsync(connection);
            var (rawRows, rawSeconds) = await RawReadAsync(connection);
            var rawPerSecond = rawRows / rawSeconds;
            Console.WriteLine($"   raw read {rawRows:N0} rows in {rawSeconds:N1} s");

            app = FusionHost.Build(hostArgs, demo: false);
            await app.StartAsync();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromMinutes(5), DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) } };
                var store = app.Services.GetRequiredService<IDocumentStore>();
                await using (var session = store.QuerySession())
                {
                    var firstFive = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > master.LastMasterSequence).OrderBy(e => e.Sequence).Take(5).ToListAsync();
                    if (firstFive.Count != 5) throw new InvalidOperationException($"Marten read {firstFive.Count} bulk-loaded events, expected 5");
                    foreach (var e in firstFive) Console.WriteLine($"   marten reads #{e.Sequence} {e.StreamKey} {e.EventTypeName} {e.Data.GetType().Name} v{e.Version}");
                }

                if (Environment.GetEnvironmentVariable("FUSION_BENCH_PROFILE") == "1")
                {
                    var source = new Fusion.Silo.Analytics.MartenAnalyticsSource(store, 10_000);
                    var w = Stopwatch.StartNew();
                    var all = new List<AnalyticsEvent>();
                    await foreach (var b in source.ReadAsync(0, long.MaxValue, default)) all.AddRange(b);
                    var read = w.Elapsed.TotalSeconds; w.Restart();
                    long rows = 0;
                    foreach (var e in all) rows += AnalyticsFold.Fold(e).Count;
                    var fold = w.Elapsed.TotalSeconds; w.Restart();
                    var path = Path.Combine(data, "profile.duckdb");
                    using (var sink = new AnalyticsSink(AnalyticsDatabase.Open(path, Path.Combine(data, "pexports"))))
                        foreach (var chunk in all.Chunk(10_000)) sink.Apply(chunk);
                    var apply = w.Elapsed.TotalSeconds;
                    Console.WriteLine($"   profile: marten read {all.Count / read:N0}/s, fold {all.Count / fold:N0}/s ({rows:N0} rows), fold+write {all.Count / apply:N0}/s");
                }
                var (applied, rebuildSeconds, reported) = await RebuildAsync(http);
                var rebuildPerSecond = applied / rebuildSeconds;
                Console.WriteLine($"   rebuild applied {applied:N0} events in {rebuildSeconds:N1} s (status says {reported:N0} events/s)");
                results.Add(new($"bulk load by binary COPY events/s vs raw read ({events / 1_000_000.0:0.##}M)", loadPerSecond, rawPerSecond, "events/s"));
                results.Add(new($"rebuild events/s vs raw Npgsql read ({events / 1_000_000.0:0.##}M)", rebuildPerSecond, rawPerSecond, "events/s"));
                var ownWrite = applied / DuckDbWritesItself(app.Services.GetRequiredService<AnalyticsProjector>().Database);
                Console.WriteLine($"   DuckDB writes the rebuilt rows again by itself at {ownWrite:N0} events/s");
                results.Add(new("DuckDB writing the rebuilt rows itself (CREATE TABLE AS) events/s vs raw read", ownWrite, rawPerSecond, "events/s"));
                results.Add(new("rebuild events/s vs DuckDB writing the rebuilt rows itself", rebuildPerSecond, ownWrite, "events/s"));

                results.AddRange(await NamedQueriesAsync(http, app.Services.GetRequiredService<AnalyticsProjector>(), master.EnterpriseIds[0]));
                results.AddRange(await VisibilityAsync(http, connection, master));
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
        return results;
    }

    static int EventCount()
    {
        var args = Environment.GetCommandLineArgs();
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--events") return int.Parse(args[i + 1].Replace("_", ""));
        return 300_000;
    }

    /// <summary>The reference: every column value of the rows a rebuild needs, in sequence order, through Npgsql.</summary>
    static async Task<(long Rows, double Seconds)> RawReadAsync(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        var watch = Stopwatch.StartNew();
        await using var cmd = new NpgsqlCommand("SELECT seq_id, stream_id, type, data, timestamp FROM fusion.mt_events ORDER BY seq_id", conn) { CommandTimeout = 0 };
        await using var reader = await cmd.ExecuteReaderAsync();
        long rows = 0, check = 0;
        while (await reader.ReadAsync())
        {
            check += reader.GetInt64(0);
            check += reader.GetString(1).Length;
            check += reader.GetString(2).Length;
            check += reader.GetString(3).Length;
            check += reader.GetFieldValue<DateTimeOffset>(4).Ticks & 1;
            rows++;
        }
        GC.KeepAlive(check);
        return (rows, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The rebuild's ceiling in DuckDB: the seconds DuckDB takes to write every row the rebuild wrote once more, table by
    /// table within the same file (CREATE TABLE AS, committed, on all its threads), with no read from PostgreSQL and no fold.
    /// </summary>
    static double DuckDbWritesItself(AnalyticsDatabase database)
    {
        using var connection = database.Connect();
        void Run(string sql)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        var watch = Stopwatch.StartNew();
        foreach (var table in AnalyticsSchema.Tables) Run($"CREATE TABLE bench_copy_{table.Name} AS SELECT * FROM {table.Name}");
        var seconds = watch.Elapsed.TotalSeconds;
        foreach (var table in AnalyticsSchema.Tables) Run($"DROP TABLE bench_copy_{table.Name}");
        return seconds;
    }

    static async Task<(long Applied, double Seconds, double Reported)> RebuildAsync(HttpClient http)
    {
        var watch = Stopwatch.StartNew();
        (await http.PostAsync("/api/analytics/rebuild", null)).EnsureSuccessStatusCode();
        var lastPrint = 0L;
        while (true)
        {
            await Task.Delay(200);
            using var response = await http.GetAsync("/api/analytics/rebuild");
            response.EnsureSuccessStatusCode();
            if (response.StatusCode == System.Net.HttpStatusCode.NoContent) continue; // accepted, not reporting yet
            var status = await response.Content.ReadFromJsonAsync<JsonElement>();
            var state = status.GetProperty("state").GetString();
            if (state == "failed") throw new InvalidOperationException($"rebuild failed: {status.GetProperty("error").GetString()}");
            var applied = status.GetProperty("applied").GetInt64();
            if (state == "done") return (applied, watch.Elapsed.TotalSeconds, status.GetProperty("eventsPerSecond").GetDouble());
            if (watch.ElapsedMilliseconds - lastPrint > 30_000)
            {
                lastPrint = watch.ElapsedMilliseconds;
                Console.WriteLine($"   rebuild {state}: {applied:N0} events after {watch.Elapsed.TotalSeconds:N0} s");
            }
        }
    }

    static async Task<IReadOnlyList<BenchResult>> NamedQueriesAsync(HttpClient http, AnalyticsProjector projector, string enterprise)
    {
        const int Runs = 5;
        var results = new List<BenchResult>();
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        foreach (var query in NamedQueries.All)
        {
            var values = query.Parameters.Any(p => p.Name == "enterprise") ? new Dictionary<string, string?> { ["enterprise"] = enterprise } : [];
            var url = $"/api/analytics/queries/{query.Name}?format=json" + string.Concat(values.Select(v => $"&{v.Key}={Uri.EscapeDataString(v.Value!)}"));
            var bound = query.Bind(values, today);
            var viaHttp = new List<double>();
            var direct = new List<double>();
            long rows = 0;
            var runs = Runs;
            for (var run = 0; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
                {
                    response.EnsureSuccessStatusCode();
                    var body = await response.Content.ReadAsByteArrayAsync();
                    GC.KeepAlive(body);
                }
                var h = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                rows = Direct(projector.Database, bound);
                var d = watch.Elapsed.TotalMilliseconds;
                if (run == 0)
                {
                    if (h > 1000) runs = 3; // a slow query at 10M events: fewer runs keep the bench inside its budget
                    continue; // warm-up
                }
                viaHttp.Add(h);
                direct.Add(d);
            }
            viaHttp.Sort();
            direct.Sort();
            results.Add(new($"query {query.Name} HTTP JSON ms vs DuckDB ({rows} rows)", BenchDatabase.Percentile(viaHttp, 0.5), BenchDatabase.Percentile(direct, 0.5), "ms"));
        }
        return results;
    }

    /// <summary>The named query's own SQL and parameters, straight on a DuckDB connection to the same file, every value read.</summary>
    static long Direct(AnalyticsDatabase database, BoundQuery bound)
    {
        using var connection = database.Connect();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = bound.Sql;
        foreach (var (name, value) in bound.Parameters)
            cmd.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter(name, value ?? DBNull.Value));
        using var reader = cmd.ExecuteReader();
        long rows = 0;
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }

    /// <summary>A camera alarm posted to the real ingest endpoint until the analytics checkpoint covers it.</summary>
    static async Task<IReadOnlyList<BenchResult>> VisibilityAsync(HttpClient http, string connection, MasterDataSet master)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        var latencies = new List<double>();
        var trips = new List<double>();
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 60; i++)
        {
            var id = $"visibility-{i}";
            var watch = Stopwatch.StartNew();
            (await http.PostAsJsonAsync("/api/ingest/camera-alarms", new[] { new { alarmId = id, cameraId = master.LatencyCamera, alarmType = "tamper", confidence = 0.9, occurredAt = at.AddSeconds(i) } })).EnsureSuccessStatusCode();
            // The enterprise's stream is small (only these alarms), so its last sequence is an index lookup.
            await using var seq = new NpgsqlCommand("SELECT max(seq_id) FROM fusion.mt_events WHERE stream_id = $1 AND type = 'camera_alarm_raised'", conn);
            seq.Parameters.AddWithValue(master.LatencyEnterprise);
            var sequence = (long)(await seq.ExecuteScalarAsync())!;
            while (true)
            {
                var status = await http.GetFromJsonAsync<JsonElement>("/api/analytics/status");
                if (status.GetProperty("lastSequence").GetInt64() >= sequence) break;
                if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"alarm {id} (#{sequence}) never reached DuckDB");
                await Task.Delay(1);
            }
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            var trip = Stopwatch.StartNew();
            (await http.GetAsync("/health")).EnsureSuccessStatusCode();
            trips.Add(trip.Elapsed.TotalMilliseconds);
            await Task.Delay(50);
        }
        latencies.Sort();
        trips.Sort();
        var roundTrip = BenchDatabase.Percentile(trips, 0.5);
        return
        [
            new("append-to-DuckDB visibility p50 (ms) vs HTTP round trip", BenchDatabase.Percentile(latencies, 0.5), roundTrip, "ms"),
            new("append-to-DuckDB visibility p99 (ms) vs HTTP round trip", BenchDatabase.Percentile(latencies, 0.99), roundTrip, "ms"),
        ];
    }

    public sealed record MasterDataSet(
        MasterDataDocument Document, string[] EnterpriseIds, string[] SiteIds, string[] CameraIds, string LatencyEnterprise, string LatencyCamera)
    {
        public long LastMasterSequence { get; set; }
    }

    static MasterDataSet MasterData()
    {
        var regions = new[] { "GOLMUD", "DELINGHA", "MANGYA", "DULAN" };
        var ids = Enumerable.Range(0, Enterprises + 1).Select(i => CreditCode.Complete($"91632801MA7D{i:D4}X")).ToArray();
        var document = new MasterDataDocument(
            Regions: regions.Select((r, i) => new RegionRecord(r, r, r, "city", null, 94.90 + i, 36.42)).ToArray(),
            Enterprises: ids.Select((id, i) => new EnterpriseRecord(id, $"Bench Enterprise {i}", i % 3 == 0 ? "potash" : "chemicals", regions[i % regions.Length],
                1_000_000_000m, 94.9 + i * 0.001, 36.4,
                [new SiteRecord($"S-{i}", "outfall", $"Outfall {i}", 94.9 + i * 0.001, 36.401, [new CameraRecord($"CAM-{i}-A"), new CameraRecord($"CAM-{i}-B")])])).ToArray());
        // The last enterprise is kept out of the bulk load: the visibility probe appends to it.
        return new MasterDataSet(document, ids[..Enterprises], Enumerable.Range(0, Enterprises).Select(i => $"S-{i}").ToArray(),
            Enumerable.Range(0, Enterprises).Select(i => $"CAM-{i}-A").ToArray(), ids[Enterprises], $"CAM-{Enterprises}-A");
    }
}
