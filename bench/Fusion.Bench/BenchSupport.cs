using System.Net.Http.Json;
using Fusion.Bench.Ingest;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fusion.Bench;

public sealed record BenchOptions(int Records)
{
    public static BenchOptions Parse(string[] args)
    {
        var records = 20_000;
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--records") records = int.Parse(args[i + 1]);
        return new BenchOptions(records);
    }
}

/// <summary>One measured figure and the reference measured beside it; Ratio = Value / Reference.</summary>
public sealed record BenchResult(string Name, double Value, double Reference, string Unit)
{
    public double Ratio => Reference == 0 ? double.NaN : Value / Reference;
}

public static class BenchDatabase
{
    public static string Server => Environment.GetEnvironmentVariable("FUSION_PG")
        ?? throw new InvalidOperationException("FUSION_PG is not set: run the benchmarks with ./fusion bench, which starts the private PostgreSQL.");

    public static async Task<string> CreateAsync(string name)
    {
        // No statement time limit: on a busy machine dropping and creating a database can take longer than the default 30 s.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { CommandTimeout = 0 }.ConnectionString);
        await conn.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", conn)) await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>A loopback port free now (the host's HTTP, Orleans silo and gateway ports), so benches never collide with other hosts on the machine.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The floor an ingest figure is set against: the same rows (a stream, the event type, the record as JSON) straight into a
    /// plain table by binary COPY, in rows/s. The median of three runs, each into a new table (<paramref name="table"/>_0, _1,
    /// _2): a single COPY of a few tens of thousands of rows lasts a fraction of a second and on a shared 2-core machine
    /// varied by half or more between runs.
    /// </summary>
    public static async Task<double> CopyReferenceAsync(string connection, string table, string type, IReadOnlyList<(string Stream, string Json)> rows)
    {
        var rates = new List<double>(3);
        for (var run = 0; run < 3; run++) rates.Add(await CopyOnceAsync(connection, $"{table}_{run}", type, rows));
        rates.Sort();
        return rates[1];
    }

    static async Task<double> CopyOnceAsync(string connection, string table, string type, IReadOnlyList<(string Stream, string Json)> rows)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (seq bigserial primary key, stream text not null, type text not null, data jsonb not null)", conn))
            await create.ExecuteNonQueryAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using (var writer = await conn.BeginBinaryImportAsync($"COPY {table} (stream, type, data) FROM STDIN (FORMAT BINARY)"))
        {
            // Synchronous writes into Npgsql's buffer, as the ingest writer writes its rows.
            foreach (var (stream, json) in rows)
            {
                writer.StartRow();
                writer.Write(stream, NpgsqlTypes.NpgsqlDbType.Text);
                writer.Write(type, NpgsqlTypes.NpgsqlDbType.Text);
                writer.Write(json, NpgsqlTypes.NpgsqlDbType.Jsonb);
            }
            await writer.CompleteAsync();
        }
        return rows.Count / watch.Elapsed.TotalSeconds;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

public static class BenchRules
{
    /// <summary>
    /// A warning-rules file whose one rule is about inspection findings only: the camera alarms and risk levels a bench makes
    /// concern no rule, so no warning grain is activated for them (the host refuses a file without rules).
    /// </summary>
    public static async Task<string> NoLiveRuleAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("fusion-bench-rules-").FullName, "none.yaml");
        await File.WriteAllTextAsync(path, """
            rules:
              - id: nothing
                kind: deadline
                severity: low
                subject: enterprise
                message: "never"
                minSeverity: critical
                acknowledgeWithin: "1.00:00:00"
            """);
        return path;
    }

    /// <summary>
    /// Every subscription (the live-risk pass with the warning rules in it, analytics, boards …) has applied every event
    /// in the store, including what the subscriptions themselves appended.
    /// </summary>
    public static async Task CaughtUpAsync(IDocumentStore store)
    {
        long seen = -1;
        while (true)
        {
            await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(30));
            var high = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
            if (high == seen) return;
            seen = high;
        }
    }
}

public static class BenchHost
{
    /// <summary>
    /// A host on a new database of its own, at <paramref name="port"/> (a free one when null), with a client holding a bench
    /// token and the bench's master data registered (200 cameras at 100 enterprises, <see cref="IngestBench.MasterData"/>).
    /// <paramref name="extra"/> settings come last and so override the defaults here.
    /// </summary>
    public static async Task<(WebApplication App, HttpClient Http)> StartAsync(string database, int? port = null, params string[] extra)
    {
        var connection = await BenchDatabase.CreateAsync(database);
        var http = port ?? BenchDatabase.FreePort();
        var app = FusionHost.Build(
        [
            // The host's appsettings.json (the credit scheme, the admission policy) sits beside the bench's own dll.
            "--contentRoot", AppContext.BaseDirectory,
            "--urls", $"http://127.0.0.1:{http}", $"--ConnectionStrings:Fusion={connection}",
            $"--Orleans:SiloPort={BenchDatabase.FreePort()}", $"--Orleans:GatewayPort={BenchDatabase.FreePort()}", "--Fusion:Hj212:Port=-1", "--Logging:LogLevel:Default=Warning",
            .. extra,
        ], demo: false);
        await app.StartAsync();
        var client = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromMinutes(2),
            DefaultRequestHeaders = { Authorization = app.Services.GetRequiredService<LocalTokens>().Bearer("bench", Roles.All, TimeSpan.FromDays(1)) },
        };
        var (document, _, _) = IngestBench.MasterData();
        (await client.PostAsJsonAsync("/api/master-data", document)).EnsureSuccessStatusCode();
        return (app, client);
    }

    public static async Task StopAsync(WebApplication app, HttpClient http)
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
