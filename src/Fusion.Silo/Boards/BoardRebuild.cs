using Marten;
using Marten.Events.Daemon.Coordination;
using Marten.Storage;
using Npgsql;

namespace Fusion.Silo.Boards;

/// <summary>The board tables are derived: emptied and replayed from the event store on request.</summary>
public sealed class BoardRebuild(IDocumentStore store, IProjectionCoordinator coordinator)
{
    const string Shard = BoardSubscription.SubscriptionId + ":All";
    bool schemaReady;

    /// <summary>
    /// Stops the subscription first, so no page lands between emptying the tables and rewinding; the rewind
    /// then starts it again from the first event.
    /// </summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        var daemon = coordinator.DaemonForMainDatabase();
        await daemon.StopAgentAsync(Shard);
        await using (var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite))
        {
            await conn.OpenAsync(ct);
            await BoardSchema.EnsureAsync(conn, ct);
            await using var cmd = new NpgsqlCommand(BoardSchema.Truncate, conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await daemon.RewindSubscriptionAsync(BoardSubscription.SubscriptionId, ct, sequenceFloor: 0);
    }

    public async Task<BoardStatusView> StatusAsync(CancellationToken ct)
    {
        await using var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        if (!schemaReady) await BoardSchema.EnsureAsync(conn, ct);
        schemaReady = true;
        await using var cmd = new NpgsqlCommand(
            $"SELECT coalesce((SELECT sequence FROM board.checkpoint WHERE name = 'board'), 0), coalesce((SELECT max(seq_id) FROM {Store.StoreSetup.Schema}.mt_events), 0)", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (checkpoint, high) = (reader.GetInt64(0), reader.GetInt64(1));
        return new BoardStatusView(checkpoint, Math.Max(0, high - checkpoint));
    }
}
