using Fusion.Silo.Store;
using Marten;
using Npgsql;

namespace Fusion.Silo.Cluster;

/// <summary>
/// What the event store's daemon records in PostgreSQL (mt_event_progression), readable from any silo: the store's
/// high-water mark (below it every sequence is committed or given up as a gap) and each subscription's position.
/// A silo whose daemon is cold reads them here rather than from its own daemon.
/// </summary>
public static class StoreProgress
{
    const string Table = StoreSetup.Schema + ".mt_event_progression";

    public static async Task<long> HighWaterAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        return await HighWaterAsync(conn, ct);
    }

    public static async Task<long> HighWaterAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT coalesce((SELECT last_seq_id FROM {Table} WHERE name = 'HighWaterMark'), 0)", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>Each subscription's position (the least of its shards, named "subscription:shard"), by subscription name; the daemon's own rows (high-water mark, fences) are not subscriptions.</summary>
    public static async Task<Dictionary<string, long>> PositionsAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT split_part(name, ':', 1), min(last_seq_id) FROM {Table} WHERE name LIKE '%:%' GROUP BY 1", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetInt64(1);
        return result;
    }
}
