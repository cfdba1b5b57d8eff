using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Fusion.Bench.Ingest;

/// <summary>
/// Ingest throughput through the real HTTP endpoint (parse, validate, dedupe, append in batches)
/// against raw PostgreSQL binary COPY of the same JSON rows, for camera alarms (JSON), inspection findings (CSV) and
/// aerial findings (GeoJSON); and append-to-score latency
/// (a record posted until the enterprise grain's explanation shows it) against an HTTP round trip.
/// </summary>
public static class IngestBench
{
    const int BatchSize = 500;
    /// <summary>Cameras' NVRs and AI boxes post on their own: several batches are in flight at once.</summary>
    const int Clients = 4;
    const int Cameras = 200;
    /// <summary>Records of each format posted (and caught up with) before anything is timed.</summary>
    const int WarmUp = 4000;

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchOptions options)
    {
        var connection = await BenchDatabase.CreateAsync("fusion_bench_ingest");
        var port = BenchDatabase.FreePort();
        var app = FusionHost.Build(
        [
            "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:Fusion={connection}",
            $"--Orleans:SiloPort={BenchDatabase.FreePort()}", $"--Orleans:GatewayPort={BenchDatabase.FreePort()}", "--Fusion:Hj212:Port=-1", "--Logging:LogLevel:Default=Warning",
        ], demo: false);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) } };
            var (document, cameras, enterprises) = MasterData();
            (await http.PostAsJsonAsync("/api/master-data", document)).EnsureSuccessStatusCode();

            // The records end an hour before now, inside the accepted time window (dates are checked against now).
            var start = DateTimeOffset.UtcNow.AddSeconds(-options.Records * 7).AddHours(-1);
            var records = Enumerable.Range(0, options.Records).Select(i => Alarm($"bench-{i}", cameras[i % cameras.Count], start.AddSeconds(i * 7))).ToArray();
            var sites = enterprises.Select((_, i) => $"S-{i}").ToArray();
            var findings = Enumerable.Range(0, options.Records).Select(i => Finding($"bench-csv-{i}", enterprises[i % enterprises.Count], sites[i % sites.Length])).ToArray();
            var features = Enumerable.Range(0, options.Records).Select(i => Feature($"bench-geo-{i}", $"M-{i / BatchSize}", i % enterprises.Count, start.AddSeconds(i * 5))).ToArray();

            // A running host is measured, not one just started: a warm-up through all three formats (every code path
            // compiled, the pools and caches filled), and every consumer caught up with it before anything is timed.
            var warm = Math.Min(WarmUp, options.Records);
            await PostAlarmsAsync(http, Enumerable.Range(0, warm).Select(i => Alarm($"warm-{i}", cameras[i % cameras.Count], start.AddSeconds(i * 7 + 3))).ToArray());
            await PostSheetsAsync(http, Enumerable.Range(0, warm).Select(i => Finding($"warm-csv-{i}", enterprises[i % enterprises.Count], sites[i % sites.Length])).ToArray());
            await PostMissionsAsync(http, Enumerable.Range(0, warm).Select(i => Feature($"warm-geo-{i}", $"W-{i / BatchSize}", i % enterprises.Count, start.AddSeconds(i * 5 + 2))).ToArray());
            await BenchRules.CaughtUpAsync(app.Services.GetRequiredService<Marten.IDocumentStore>());

            // The floors, on the quiet machine: the same rows (the canonical records as JSON) by binary COPY into a plain table.
            var copyPerSecond = await CopyReferenceAsync(connection, records.Select(r => JsonSerializer.Serialize(r)).ToArray(), cameras, "camera_alarm_raised");
            var csvCopyPerSecond = await CopyReferenceAsync(connection, findings.Select(f => JsonSerializer.Serialize(f)).ToArray(),
                findings.Select(f => $"inspection-finding:{f.findingId}").ToArray(), "inspection_finding_recorded");
            var geoCopyPerSecond = await CopyReferenceAsync(connection, features.Select(f => JsonSerializer.Serialize(f)).ToArray(),
                enterprises, "aerial_finding_recorded");

            var watch = Stopwatch.StartNew();
            await PostAlarmsAsync(http, records);
            var ingestPerSecond = records.Length / watch.Elapsed.TotalSeconds;
            // The same end to end for the spreadsheet and map formats: the inspectors' CSV and a drone mission's GeoJSON.
            watch.Restart();
            await PostSheetsAsync(http, findings);
            var csvPerSecond = findings.Length / watch.Elapsed.TotalSeconds;
            watch.Restart();
            await PostMissionsAsync(http, features);
            var geoPerSecond = features.Length / watch.Elapsed.TotalSeconds;

            // The live-risk subscription works through what the three runs appended (with the other consumers on the
            // same cores); its rate is the store's growth it applied per second once the posting stopped.
            var (behind, catchUp) = await CatchUpAsync(http, "live-risk", TimeSpan.FromMinutes(10));
            var posted = records.Length + findings.Length + features.Length;
            Console.WriteLine($"   live risk was {behind:N0} events behind after {posted:N0} records; caught up in {catchUp.TotalSeconds:N1} s");

            // Append-to-score on the quiet host: every consumer, not live risk alone, through what the three runs appended.
            await BenchRules.CaughtUpAsync(app.Services.GetRequiredService<Marten.IDocumentStore>());
            var (p50, p99, roundTrip) = await LatencyAsync(http, cameras[0], enterprises[0], DateTimeOffset.UtcNow.AddHours(-1));
            return
            [
                new($"camera alarms HTTP, {BatchSize}/batch, {Clients} clients (rec/s) vs COPY", ingestPerSecond, copyPerSecond, "records/s"),
                new($"inspection findings CSV, {BatchSize} rows/sheet, {Clients} clients (rec/s) vs COPY", csvPerSecond, csvCopyPerSecond, "records/s"),
                new($"aerial findings GeoJSON, {BatchSize} features/mission, {Clients} clients (rec/s) vs COPY", geoPerSecond, geoCopyPerSecond, "records/s"),
                new("live-risk catch-up after ingest (events/s) vs camera alarms HTTP", behind / Math.Max(catchUp.TotalSeconds, 1e-3), ingestPerSecond, "events/s"),
                new("append-to-score p50 (ms) vs HTTP round trip", p50, roundTrip, "ms"),
                new("append-to-score p99 (ms) vs HTTP round trip", p99, roundTrip, "ms"),
            ];
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    static AlarmRecord Alarm(string id, string camera, DateTimeOffset at) => new(id, camera, "smoke-and-dust", 0.8, at);

    static FindingRow Finding(string id, string enterprise, string site) =>
        new(id, enterprise, site, "渣场未苫盖", "一般", DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"), "王检查",
            DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddDays(-1).ToString("yyyy-MM-dd HH:mm"));

    static FeatureRecord Feature(string id, string mission, int enterprise, DateTimeOffset at) =>
        new("Feature", id, new Point("Point", [94.9 + enterprise * 0.001, 36.402]), new FeatureProperties(mission, "drone", "dust-plume", "medium", 0.8, at));

    /// <summary>Camera alarms as JSON, <see cref="BatchSize"/> per request, <see cref="Clients"/> requests in flight.</summary>
    static Task PostAlarmsAsync(HttpClient http, AlarmRecord[] alarms) =>
        Parallel.ForEachAsync(alarms.Chunk(BatchSize), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (chunk, ct) =>
            (await http.PostAsJsonAsync("/api/ingest/camera-alarms", chunk, ct)).EnsureSuccessStatusCode());

    /// <summary>Inspection findings as the inspectors' CSV, a sheet of <see cref="BatchSize"/> rows per request.</summary>
    static Task PostSheetsAsync(HttpClient http, FindingRow[] findings) =>
        Parallel.ForEachAsync(findings.Chunk(BatchSize), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (chunk, ct) =>
        {
            var sheet = "问题编号,统一社会信用代码,点位编号,问题描述,问题等级,整改期限,检查人,检查时间\n" + string.Concat(chunk.Select(f =>
                $"{f.findingId},{f.enterpriseId},{f.siteId},{f.violation},{f.severity},{f.rectifyBy},{f.recordedBy},{f.recordedAt}\n"));
            (await http.PostAsync("/api/ingest/inspection-findings", new StringContent(sheet, System.Text.Encoding.UTF8, "text/csv"), ct)).EnsureSuccessStatusCode();
        });

    /// <summary>Aerial findings as GeoJSON, a mission's FeatureCollection of <see cref="BatchSize"/> features per request.</summary>
    static Task PostMissionsAsync(HttpClient http, FeatureRecord[] features) =>
        Parallel.ForEachAsync(features.Chunk(BatchSize), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (chunk, ct) =>
            (await http.PostAsync("/api/ingest/aerial-findings", new StringContent(JsonSerializer.Serialize(new { type = "FeatureCollection", features = chunk }),
                System.Text.Encoding.UTF8, "application/geo+json"), ct)).EnsureSuccessStatusCode());

    /// <summary>The floor: the same rows, as JSON, straight into a plain table by binary COPY (<see cref="BenchDatabase.CopyReferenceAsync"/>).</summary>
    static Task<double> CopyReferenceAsync(string connection, string[] json, IReadOnlyList<string> streams, string type) =>
        BenchDatabase.CopyReferenceAsync(connection, $"copy_reference_{type}", type, json.Select((j, i) => (streams[i % streams.Count], j)).ToArray());

    /// <summary>How far the consumer is behind now, and how long until it is not (its lag from /health, polled every 100 ms).</summary>
    static async Task<(long Behind, TimeSpan Took)> CatchUpAsync(HttpClient http, string consumer, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        long? first = null;
        while (watch.Elapsed < limit)
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/health");
            var lag = health.GetProperty("consumers").EnumerateArray().First(c => c.GetProperty("name").GetString() == consumer).GetProperty("lag").GetInt64();
            first ??= lag;
            if (lag == 0) return (first.Value, watch.Elapsed);
            await Task.Delay(100);
        }
        throw new TimeoutException($"{consumer} did not catch up within {limit.TotalMinutes:N0} minutes");
    }

    static async Task<(double P50, double P99, double RoundTrip)> LatencyAsync(HttpClient http, string camera, string enterprise, DateTimeOffset at)
    {
        var latencies = new List<double>();
        var trips = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var id = $"latency-{i}";
            var watch = Stopwatch.StartNew();
            (await http.PostAsJsonAsync("/api/ingest/camera-alarms", new[] { new { alarmId = id, cameraId = camera, alarmType = "tamper", confidence = 0.9, occurredAt = at.AddMinutes(i) } })).EnsureSuccessStatusCode();
            while (true)
            {
                var risk = await http.GetFromJsonAsync<JsonElement>($"/api/enterprises/{enterprise}/risk");
                if (risk.GetProperty("signals").EnumerateArray().Any(s => s.GetProperty("signalId").GetString() == $"camera-alarm:{id}")) break;
                if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"alarm {id} never reached the score");
                await Task.Delay(2);
            }
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            var trip = Stopwatch.StartNew();
            await http.GetAsync("/health");
            trips.Add(trip.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        trips.Sort();
        return (BenchDatabase.Percentile(latencies, 0.5), BenchDatabase.Percentile(latencies, 0.99), BenchDatabase.Percentile(trips, 0.5));
    }

    internal static (MasterDataDocument Document, IReadOnlyList<string> Cameras, IReadOnlyList<string> Enterprises) MasterData()
    {
        var enterprises = Enumerable.Range(0, Cameras / 2).Select(i => CreditCode.Complete($"91632801MA7C{i:D4}X")).ToArray();
        var document = new MasterDataDocument(
            Regions: [new RegionRecord("GOLMUD", "Golmud", "格尔木市", "city", null, 94.90, 36.42)],
            Enterprises: enterprises.Select((id, i) => new EnterpriseRecord(id, $"Bench Enterprise {i}", "potash", "GOLMUD", 1_000_000_000m, 94.9 + i * 0.001, 36.4,
                [new SiteRecord($"S-{i}", "outfall", $"Outfall {i}", 94.9 + i * 0.001, 36.401, [new CameraRecord($"CAM-{i}-A"), new CameraRecord($"CAM-{i}-B")])])).ToArray());
        var cameras = enterprises.SelectMany((_, i) => new[] { $"CAM-{i}-A", $"CAM-{i}-B" }).ToArray();
        return (document, cameras, enterprises);
    }

    // The records as their feeds take them (the JSON names are the property names).
    sealed record AlarmRecord(string alarmId, string cameraId, string alarmType, double confidence, DateTimeOffset occurredAt);
    sealed record FindingRow(string findingId, string enterpriseId, string siteId, string violation, string severity, string rectifyBy, string recordedBy, string recordedAt);
    sealed record FeatureRecord(string type, string id, Point geometry, FeatureProperties properties);
    sealed record Point(string type, double[] coordinates);
    sealed record FeatureProperties(string missionId, string platform, string findingType, string severity, double confidence, DateTimeOffset observedAt);
}
