using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Fusion.Connectors.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Telemetry;
using JasperFx;
using Marten;

using Fusion.Silo.Hosting;

namespace Fusion.Silo.Ingest;

public sealed record IngestOutcome(string Feed, int Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected, int EventsAppended);

/// <summary>
/// Appends a translated batch in one transaction: new records' events plus their identity keys, and
/// the rejected records into quarantine. Nothing is acknowledged before that transaction commits.
/// </summary>
public sealed class IngestWriter(IDocumentStore store, MasterDataCache masterData, FusionMetrics metrics, PlatformClock clock, ILogger<IngestWriter> log)
{
    const int Attempts = 3;

    public async Task<IngestOutcome> WriteAsync(TranslatedBatch batch, string source, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await TryWriteAsync(batch, source, ct);
                metrics.Ingested(batch.Feed, outcome.Accepted, outcome.Duplicates, outcome.Rejected.Count);
                return outcome;
            }
            catch (DocumentAlreadyExistsException) when (attempt < Attempts)
            {
                // Another request stored one of these records between our check and our commit:
                // our transaction rolled back whole; check again and the record is now a duplicate.
                log.LogInformation("Concurrent duplicate in {Feed} batch; retrying ({Attempt})", batch.Feed, attempt);
            }
        }
    }

    async Task<IngestOutcome> TryWriteAsync(TranslatedBatch batch, string source, CancellationToken ct)
    {
        var now = clock.Now;
        await using var session = store.LightweightSession();
        session.CorrelationId = Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        session.SetHeader("source", source);
        session.SetHeader("receivedAt", now.ToString("O"));
        if (Activity.Current is { } activity) session.SetHeader("traceparent", activity.Id ?? "");

        var keys = batch.Accepted.Select(a => a.Item.Key).Distinct().ToArray();
        var known = keys.Length == 0
            ? new HashSet<string>()
            : (await session.LoadManyAsync<IngestKey>(ct, keys)).Select(k => k.Id).ToHashSet();

        var fresh = new List<IngestItem>();
        foreach (var (_, item) in batch.Accepted)
            if (known.Add(item.Key)) fresh.Add(item);

        var appended = 0;
        foreach (var item in fresh)
        {
            session.Insert(new IngestKey { Id = item.Key, StreamKey = item.StreamKey, AcceptedAt = now });
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

        return new IngestOutcome(batch.Feed, fresh.Count, batch.Accepted.Count - fresh.Count, batch.Rejected, appended);
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
