using Fusion.Silo.Parking;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Storage;
using Marten.Subscriptions;
using Npgsql;

namespace Fusion.Silo.Boards;

/// <summary>
/// Keeps the board tables current: each page of events is folded (<see cref="BoardFold"/>) and written in one
/// transaction with the board's own checkpoint, so a page Marten delivers again after a crash is skipped and
/// the counts stay exact. An event whose rows the tables refuse is parked (consumer "boards") and the rest of
/// the page goes in.
/// </summary>
public sealed class BoardSubscription : SubscriptionBase
{
    public const string SubscriptionId = "boards";

    readonly IServiceProvider services;
    readonly FusionMetrics metrics;
    readonly ParkingLot parking;
    readonly SemaphoreSlim schema = new(1, 1);
    bool schemaReady;

    // The store is resolved on first use: this subscription is built while the store itself is being configured.
    public BoardSubscription(IServiceProvider services, FusionMetrics metrics, ParkingLot parking)
    {
        this.services = services;
        this.metrics = metrics;
        this.parking = parking;
        Name = SubscriptionId;
        Options.BatchSize = 2000;
        // Device telemetry implies no board row (EventCatalog): not read at all.
        foreach (var type in EventCatalog.AllBut(EventCatalog.DeviceTelemetry)) IncludeType(type);
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        using var activity = FusionTelemetry.StartPage(FusionTelemetry.Board, "board page", page.Events);
        await using var conn = services.GetRequiredService<IDocumentStore>().Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        await EnsureSchemaAsync(conn, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var checkpoint = await CheckpointAsync(conn, tx, ct);
        var fresh = page.Events.Where(e => e.Sequence > checkpoint).ToList();
        // Each attempt runs inside a savepoint, so a part the tables refuse leaves nothing behind in the page's
        // transaction; the parking lot narrows it down to the event at fault and parks that one.
        await parking.ApplyAsync(SubscriptionId, fresh, async events =>
        {
            await tx.SaveAsync("part", ct);
            try
            {
                await WriteAsync(conn, tx, events, ct);
                await tx.ReleaseAsync("part", ct);
            }
            catch
            {
                await tx.RollbackAsync("part", ct);
                throw;
            }
        }, ct);
        var ceiling = Math.Max(checkpoint, page.SequenceCeiling);
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO board.checkpoint (name, sequence) VALUES ('board', $1) ON CONFLICT (name) DO UPDATE SET sequence = EXCLUDED.sequence", conn, tx))
        {
            cmd.Parameters.AddWithValue(ceiling);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        metrics.BoardProcessed(ceiling, page.Agent?.HighWaterMark ?? ceiling);
        return NullChangeListener.Instance;
    }

    /// <summary>The rows the events imply, written in the caller's transaction.</summary>
    internal static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var rows = events.SelectMany(e => BoardFold.Fold(e.Sequence, e.Data)).ToList();
        if (rows.Count == 0) return;
        var batch = new NpgsqlBatch(conn, tx);
        foreach (var command in BoardSink.Commands(rows)) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
    }

    async Task EnsureSchemaAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        if (schemaReady) return;
        await schema.WaitAsync(ct);
        try
        {
            if (!schemaReady) await BoardSchema.EnsureAsync(conn, ct);
            schemaReady = true;
        }
        finally { schema.Release(); }
    }

    static async Task<long> CheckpointAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT sequence FROM board.checkpoint WHERE name = 'board' FOR UPDATE", conn, tx);
        return await cmd.ExecuteScalarAsync(ct) is long s ? s : 0;
    }
}

/// <summary>Applies a parked board event on retry, out of its order, in a transaction of its own (the checkpoint has moved past it).</summary>
public sealed class BoardParkingConsumer(IDocumentStore store) : IParkingConsumer
{
    public string Name => BoardSubscription.SubscriptionId;

    public async Task RetryAsync(IEvent e, CancellationToken ct)
    {
        await using var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        await BoardSchema.EnsureAsync(conn, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await BoardSubscription.WriteAsync(conn, tx, [e], ct);
        await tx.CommitAsync(ct);
    }
}
