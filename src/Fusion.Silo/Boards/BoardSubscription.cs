using Fusion.Domain.Risk;
using Fusion.Silo.Risk;
using Fusion.Silo.Telemetry;
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
/// the counts stay exact. An enterprise's main signal comes from its grain's explanation when it is assessed.
/// </summary>
public sealed class BoardSubscription : SubscriptionBase
{
    public const string SubscriptionId = "boards";

    readonly IServiceProvider services;
    readonly IGrainFactory grains;
    readonly FusionMetrics metrics;
    readonly SemaphoreSlim schema = new(1, 1);
    bool schemaReady;

    // The store is resolved on first use: this subscription is built while the store itself is being configured.
    public BoardSubscription(IServiceProvider services, IGrainFactory grains, FusionMetrics metrics)
    {
        this.services = services;
        this.grains = grains;
        this.metrics = metrics;
        Name = SubscriptionId;
        Options.BatchSize = 2000;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        using var activity = FusionTelemetry.StartPage(FusionTelemetry.Board, "board page", page.Events);
        await using var conn = services.GetRequiredService<IDocumentStore>().Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        await EnsureSchemaAsync(conn, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var checkpoint = await CheckpointAsync(conn, tx, ct);
        var rows = page.Events.Where(e => e.Sequence > checkpoint).SelectMany(e => BoardFold.Fold(e.Sequence, e.Data)).ToList();
        if (rows.Count > 0)
        {
            var batch = new NpgsqlBatch(conn, tx);
            foreach (var command in BoardSink.Commands(rows)) batch.BatchCommands.Add(command);
            foreach (var command in await MainSignalsAsync(rows)) batch.BatchCommands.Add(command);
            await batch.ExecuteNonQueryAsync(ct);
        }
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

    /// <summary>The signal contributing most to each enterprise assessed in this page, as its grain explains it now.</summary>
    async Task<IEnumerable<NpgsqlBatchCommand>> MainSignalsAsync(List<BoardRow> rows)
    {
        var assessed = rows.OfType<AssessmentRow>().Where(a => a.Subject == RiskSubject.Enterprise).Select(a => a.SubjectId).Distinct().ToList();
        var scores = await Task.WhenAll(assessed.Select(id => grains.GetGrain<IEnterpriseRiskGrain>(id).GetAsync().AsTask()));
        return scores.Select(s => BoardSink.MainSignal(s.SubjectId, s.Contributions.MaxBy(c => c.Contribution)?.Signal));
    }
}
