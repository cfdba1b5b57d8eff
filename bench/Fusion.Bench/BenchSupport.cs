using Marten;
using Marten.Events;
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
    /// The median of three runs of a reference: a single COPY of a few tens of thousands of rows lasts a fraction of a second and
    /// on a shared 2-core machine varied by half or more between runs; each run is told its number (0, 1, 2).
    /// </summary>
    public static async Task<double> MedianOfThreeAsync(Func<int, Task<double>> run)
    {
        var rates = new List<double>(3);
        for (var i = 0; i < 3; i++) rates.Add(await run(i));
        rates.Sort();
        return rates[1];
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
