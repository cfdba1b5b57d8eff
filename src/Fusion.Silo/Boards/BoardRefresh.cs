using System.Globalization;
using System.Text.Json;
using Fusion.Projections.Formats;
using Fusion.Projections.Funds;
using Fusion.Projections.Queries;
using Fusion.Silo.Hosting;
using Fusion.Silo.Telemetry;
using Marten;
using Marten.Storage;
using Npgsql;

namespace Fusion.Silo.Boards;

/// <summary>
/// What the boards show that is not folded event by event, refreshed every Fusion:Boards:RefreshEvery
/// (default 30 s): fund compliance, as the analytics' `fund-compliance` query computes it (the one statement
/// of the 1‰ rule), copied into board.fund_compliance; and the gauges of risk levels and quarantine size.
/// </summary>
public sealed class BoardRefresh(IDocumentStore store, AnalyticsQueryRunner analytics, FusionMetrics metrics, PlatformClock clock,
    IConfiguration config, IHostApplicationLifetime lifetime, ILogger<BoardRefresh> log, Cluster.ClusterDuty duty) : BackgroundService
{
    bool schemaReady;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // Not before the host has started: the store's schema and the analytics file are set up by other hosted services.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(ct);
        var every = config.GetValue("Fusion:Boards:RefreshEvery", TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(every);
        do
        {
            try { await RefreshAsync(ct); }
            catch (Exception e) when (!ct.IsCancellationRequested) { log.LogWarning(e, "Refreshing the board's fund compliance and gauges failed; next try in {Every}", every); }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        if (!schemaReady) await BoardSchema.EnsureAsync(conn, ct);
        schemaReady = true;
        // The shared table once in the cluster; every silo's own gauges.
        if (duty.Held) await RefreshFundComplianceAsync(conn, ct);
        metrics.Observed(await RiskLevelsAsync(conn, ct), await QuarantineAsync(conn, ct));
    }

    async Task RefreshFundComplianceAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var query = FundQueries.Compliance.Bind(new Dictionary<string, string?>(), DateOnly.FromDateTime(clock.Now.UtcDateTime));
        // At the time limit the refresh stops (and is tried again next round) instead of waiting for work DuckDB cannot interrupt.
        using var run = await analytics.StartAsync(query, ResultFormat.Json, ct, counted: false);
        using var buffer = new MemoryStream();
        await run.WriteToAsync(buffer, ct);
        using var result = JsonDocument.Parse(buffer.ToArray());
        var now = clock.Now.ToUniversalTime();
        await using var tx = await conn.BeginTransactionAsync(ct);
        var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { new NpgsqlBatchCommand("DELETE FROM board.fund_compliance") } };
        foreach (var row in result.RootElement.GetProperty("rows").EnumerateArray())
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO board.fund_compliance (enterprise_id, name, region_id, period, obligation_yuan, deposited_yuan, shortfall_yuan,
                    deposits, last_deposit_at, compliant, refreshed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = Text(row, "enterprise_id") });
            command.Parameters.Add(new NpgsqlParameter { Value = Text(row, "name") });
            command.Parameters.Add(new NpgsqlParameter { Value = Text(row, "region_id") });
            command.Parameters.Add(new NpgsqlParameter { Value = Text(row, "period") ?? "" });
            command.Parameters.Add(new NpgsqlParameter { Value = Number(row, "obligation_yuan") });
            command.Parameters.Add(new NpgsqlParameter { Value = Number(row, "deposited_yuan") });
            command.Parameters.Add(new NpgsqlParameter { Value = Number(row, "shortfall_yuan") });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)Number(row, "deposits") });
            command.Parameters.Add(new NpgsqlParameter { Value = Text(row, "last_deposit_at") is string at ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture).ToUniversalTime() : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = row.GetProperty("compliant").ValueKind == JsonValueKind.True });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    static object Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : DBNull.Value;

    static decimal Number(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? decimal.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDecimal() : 0;

    static async Task<IReadOnlyList<(string, string, long)>> RiskLevelsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT 'enterprise', level, count(*) FROM board.enterprises GROUP BY level
            UNION ALL SELECT 'region', level, count(*) FROM board.regions GROUP BY level
            """, conn);
        var levels = new List<(string, string, long)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) levels.Add((reader.GetString(0), reader.GetString(1).ToLowerInvariant(), reader.GetInt64(2)));
        return levels;
    }

    static async Task<IReadOnlyList<(string, long)>> QuarantineAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT data ->> 'feed', count(*) FROM {Store.StoreSetup.Schema}.mt_doc_quarantinedrecord WHERE data ->> 'resolvedAt' IS NULL GROUP BY 1", conn);
        var counts = new List<(string, long)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counts.Add((reader.GetString(0), reader.GetInt64(1)));
        return counts;
    }
}
