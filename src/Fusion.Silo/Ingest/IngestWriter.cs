using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Fusion.Connectors.Ingest;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Telemetry;
using Marten;
using Marten.Storage;
using Npgsql;

namespace Fusion.Silo.Ingest;

public sealed record IngestOutcome(string Feed, int Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected, int EventsAppended);

/// <summary>
/// Appends a translated batch in one transaction: the new records' identities (fusion.ingest_keys),
/// their events, and the rejected records into quarantine. Nothing is acknowledged before that
/// transaction commits.
/// </summary>
public sealed class IngestWriter(IDocumentStore store, MasterDataCache masterData, FusionMetrics metrics, PlatformClock clock)
{
    public async Task<IngestOutcome> WriteAsync(TranslatedBatch batch, string source, CancellationToken ct)
    {
        // The events' metadata carries this activity's context, so the subscriptions continue its trace.
        using var activity = FusionTelemetry.Ingest.StartActivity($"ingest {batch.Feed}");
        activity?.SetTag("fusion.feed", batch.Feed);
        var started = Stopwatch.GetTimestamp();
        var now = clock.Now;
        var items = batch.Accepted.Select(a => a.Item).DistinctBy(i => i.Key).ToList();

        await using var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Claim the records' identities first. A concurrent request claiming the same key waits for
        // ours to finish and then sees it taken, so a record is stored once however often it arrives.
        var claimed = await ClaimAsync(conn, tx, items, now, ct);
        // Concurrent batches take their row locks (identity keys, then streams) in one global order, so
        // two requests touching the same streams wait for each other instead of deadlocking. The sort
        // is stable: within a stream, records keep the order they came in.
        var fresh = items.Where(i => claimed.Contains(i.Key)).OrderBy(i => i.StreamKey, StringComparer.Ordinal).ToList();

        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx, shouldAutoCommit: true));
        session.CorrelationId = Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        session.SetHeader("source", source);
        session.SetHeader("receivedAt", now.ToString("O"));
        if (Activity.Current is { } current) session.SetHeader("traceparent", current.Id ?? "");

        var appended = 0;
        foreach (var item in fresh)
        {
            var events = item.Events.Select((data, i) =>
            {
                var e = session.Events.BuildEvent(data);
                e.Id = EventId(item.Key, i);
                return (object)e;
            }).ToArray();
            session.Events.Append(item.StreamKey, events);
            appended += events.Length;
        }
        foreach (var r in batch.Rejected)
            session.Insert(new QuarantinedRecord
            {
                Id = Guid.CreateVersion7(now), Feed = batch.Feed, Index = r.Index, RecordId = r.RecordId,
                Reason = r.Reason, Raw = r.RawJson, ReceivedAt = now, CorrelationId = session.CorrelationId,
            });

        if (fresh.Count > 0 || batch.Rejected.Count > 0)
            await session.SaveChangesAsync(ct);

        if (fresh.Count > 0 && batch.Feed == Connectors.MasterData.MasterDataFeed.Name)
            masterData.Apply(fresh.SelectMany(i => i.Events));

        var outcome = new IngestOutcome(batch.Feed, fresh.Count, batch.Accepted.Count - fresh.Count, batch.Rejected, appended);
        metrics.Ingested(batch.Feed, outcome.Accepted, outcome.Duplicates, outcome.Rejected.Count);
        metrics.BatchStored(batch.Feed, Stopwatch.GetElapsedTime(started));
        activity?.SetTag("fusion.records.accepted", outcome.Accepted);
        activity?.SetTag("fusion.records.rejected", outcome.Rejected.Count);
        return outcome;
    }

    static async Task<HashSet<string>> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<IngestItem> items, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        if (items.Count == 0) return claimed;
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO {IngestKeys.Table} (key, stream, accepted_at) SELECT k, s, @at FROM unnest(@keys, @streams) AS t(k, s) " +
            "ON CONFLICT (key) DO NOTHING RETURNING key", conn, tx);
        var ordered = items.OrderBy(i => i.Key, StringComparer.Ordinal).ToArray();
        cmd.Parameters.AddWithValue("keys", ordered.Select(i => i.Key).ToArray());
        cmd.Parameters.AddWithValue("streams", ordered.Select(i => i.StreamKey).ToArray());
        cmd.Parameters.AddWithValue("at", now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add(reader.GetString(0));
        return claimed;
    }

    /// <summary>Quarantines input that could not even be read as records (malformed JSON, wrong shape).</summary>
    public async Task QuarantineAsync(string feed, string raw, string reason, CancellationToken ct)
    {
        var now = clock.Now;
        await using var session = store.LightweightSession();
        session.Insert(new QuarantinedRecord { Id = Guid.CreateVersion7(now), Feed = feed, Index = -1, Reason = reason, Raw = raw, ReceivedAt = now });
        await session.SaveChangesAsync(ct);
        metrics.Ingested(feed, 0, 0, 1);
    }

    /// <summary>A name-based (RFC 4122 version 5 style) id: the same source record always gives the same event ids.</summary>
    public static Guid EventId(string key, int index)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes($"{key}#{index}"), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
