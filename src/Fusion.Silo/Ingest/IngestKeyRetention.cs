using Fusion.Connectors.Ingest;
using Fusion.Silo.Hosting;
using Fusion.Silo.Monitoring;
using Marten;
using Marten.Storage;
using Npgsql;

namespace Fusion.Silo.Ingest;

/// <summary>Ingest settings, section "Fusion:Ingest": the bounds every feed's records are held to, and the identity purge.</summary>
public sealed class IngestOptions : IngestBounds
{
    public TimeSpan PurgeEvery { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Records one batch may hold (JSON feeds, public reports, GB/T 28181 notifications); more is refused with 413.</summary>
    public int MaxBatchRecords { get; set; } = 5000;
    /// <summary>
    /// Records (and rejections) one append transaction holds at most when batches wait for it and go in together
    /// (IngestWriter's group commit); a larger batch goes alone.
    /// </summary>
    public int MaxGroupRecords { get; set; } = 5000;
    /// <summary>Append transactions one host runs at once, each holding the batches that waited for it.</summary>
    public int AppendWriters { get; set; } = 2;
    /// <summary>
    /// How long past its resend window an identity is kept: a record let in just inside the window may wait for its
    /// append transaction (behind a group, behind another writer's locks), and must still find its identity there.
    /// </summary>
    public TimeSpan PurgeGrace { get; set; } = TimeSpan.FromHours(1);

    public IngestChecks Checks(DateTimeOffset now) => new(now, this);
}

/// <summary>
/// Keeps fusion.ingest_keys from growing by a row per HJ 212 frame and keepalive for ever: on a timer (the
/// platform's clock) it deletes the identities whose resend window has passed, in chunks so no statement holds
/// many locks. Duplicate detection stays exact: a record is refused at the door once its own time is older than
/// the window (IngestValidation), and its identity is deleted here only Fusion:Ingest:PurgeGrace (an hour) after
/// that, so a record let in just inside the window that then waits for its transaction still finds it.
/// </summary>
public sealed class IngestKeyRetention(IDocumentStore store, PlatformClock clock, IngestOptions options, ILogger<IngestKeyRetention> log, Cluster.ClusterDuty duty) : BackgroundService
{
    const int Chunk = 20_000;

    /// <summary>Deletes the expired identities; returns how many.</summary>
    public async Task<long> PurgeAsync(CancellationToken ct)
    {
        var expiredBefore = clock.Now - options.PurgeGrace;
        long deleted = 0;
        await using var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        while (true)
        {
            await using var cmd = new NpgsqlCommand(
                $"DELETE FROM {IngestKeys.Table} WHERE key IN (SELECT key FROM {IngestKeys.Table} WHERE expires_at < @before LIMIT {Chunk})", conn);
            cmd.Parameters.AddWithValue("before", expiredBefore);
            var n = await cmd.ExecuteNonQueryAsync(ct);
            deleted += n;
            if (n < Chunk) break;
        }
        if (deleted > 0) log.LogInformation("Dropped {Count} record identities past the {Days}-day resend window", deleted, options.ResendWindow.TotalDays);
        return deleted;
    }

    protected override Task ExecuteAsync(CancellationToken ct) =>
        DeviceWatch.EveryAsync(options.PurgeEvery, clock.Time, PurgeAsync, log, "Ingest-key retention", ct, duty);
}
