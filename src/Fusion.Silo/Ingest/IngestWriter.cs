using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using Marten;
using Marten.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Fusion.Silo.Ingest;

public sealed record IngestOutcome(string Feed, int Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected, int EventsAppended)
{
    /// <summary>The outcomes of several transactions over one upload (a long HJ 212 log), rejections' indexes as given.</summary>
    public static IngestOutcome Sum(string feed, IEnumerable<IngestOutcome> parts)
    {
        int accepted = 0, duplicates = 0, events = 0;
        var rejected = new List<Rejection>();
        foreach (var p in parts)
        {
            accepted += p.Accepted;
            duplicates += p.Duplicates;
            events += p.EventsAppended;
            rejected.AddRange(p.Rejected);
        }
        return new IngestOutcome(feed, accepted, duplicates, rejected, events);
    }
}

/// <summary>
/// Appends a batch in one PostgreSQL transaction: the new records' identities (fusion.ingest_keys), their
/// events and the events derived from them, and the rejected records into quarantine. Nothing is
/// acknowledged before that transaction commits.
/// </summary>
/// <remarks>
/// The events go into Marten's own tables in the rows Marten writes (its serializer, type alias, .NET type,
/// correlation id and headers), by binary COPY: one statement claims the identities, one moves each
/// touched stream's version on (taking the stream's row lock, so concurrent transactions over the same streams
/// queue instead of colliding on a version), one draws the sequence numbers, one COPY writes the events.
/// Marten's own BulkInsertEventsAsync cannot be used for live appends: it writes new streams only (versions
/// from 1) in a transaction of its own, where the identities could not be claimed.
/// <para>
/// Group commit: batches that arrive while the host's append transactions are under way (Fusion:Ingest:AppendWriters at
/// once) wait, and the next transaction holds all of them (up to Fusion:Ingest:MaxGroupRecords records), each batch
/// answered with its own counts once it commits.
/// Batches from many clients over the same streams (every NVR's alarms on a handful of cameras, every logger's
/// frame) would otherwise take turns on the streams' row locks one transaction at a time; a group takes them once,
/// and commits once. Within a group a record sent in two batches is stored for the first and counted a duplicate
/// for the other, as two transactions one after the other would have it. Master data goes in a group of its own, one
/// at a time, and a host that follows no store applies each before the next is written.
/// </para>
/// </remarks>
public sealed class IngestWriter(IDocumentStore store, MasterDataCache masterData, FusionMetrics metrics, PlatformClock clock, IngestOptions options, ILogger<IngestWriter> log)
{
    const string Events = StoreSetup.Schema + ".mt_events";
    const string StreamsTable = StoreSetup.Schema + ".mt_streams";
    readonly Lock gate = new();
    readonly List<Write> waiting = [];
    int writers;
    bool masterDataWriting;

    /// <summary>Batches waiting for the next append transaction.</summary>
    public int Waiting
    {
        get
        {
            lock (gate) return waiting.Count;
        }
    }

    /// <summary>Writes a translated batch and the items derived from it (monitoring gaps, cameras back online) in one transaction.</summary>
    public async Task<IngestOutcome> WriteAsync(TranslatedBatch batch, string source, CancellationToken ct, IReadOnlyList<IngestItem>? derived = null)
    {
        // The events' metadata carries this activity's context, so the subscriptions continue its trace.
        using var activity = FusionTelemetry.Ingest.StartActivity($"ingest {batch.Feed}");
        activity?.SetTag("fusion.feed", batch.Feed);
        var started = Stopwatch.GetTimestamp();
        var now = clock.Now;
        var records = batch.Accepted.Select(a => a.Item).DistinctBy(i => i.Key).ToList();
        var items = derived is { Count: > 0 } ? records.Concat(derived).DistinctBy(i => i.Key).ToList() : records;
        if (items.Count == 0 && batch.Rejected.Count == 0)
            return Counted(new IngestOutcome(batch.Feed, 0, batch.Accepted.Count, batch.Rejected, 0), started);

        // Each event's row is made (its id, its JSON, its type's names) before the transaction: the streams' row locks
        // are then held only for the database's own work.
        var write = new Write(batch.Feed, items, items.ToDictionary(i => i.Key, Rows, StringComparer.Ordinal), batch.Rejected, now,
            Headers(source, now, Activity.Current), Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N"));
        var fresh = await CommitAsync(write, ct);

        var freshRecords = records.Count(r => fresh.Contains(r.Key));
        var stored = items.Where(i => fresh.Contains(i.Key)).ToList();
        var appended = stored.Sum(i => i.Events.Count);
        if (freshRecords > 0 && batch.Feed == Connectors.MasterData.MasterDataFeed.Name)
        {
            // In a cluster in the store's order, with whatever other silos stored meanwhile; alone, as appended (by the
            // writer, before the next master-data batch is written).
            if (masterData.Following && !await TryCatchUpAsync()) masterData.Apply(stored.SelectMany(i => i.Events));

            async Task<bool> TryCatchUpAsync()
            {
                try
                {
                    await masterData.CatchUpAsync(store, CancellationToken.None);
                    return true;
                }
                catch (Exception e) when (Outage.Is(e))
                {
                    return false; // stored all the same: applied here now, and the follower puts the order right later
                }
            }
        }
        return Counted(new IngestOutcome(batch.Feed, freshRecords, batch.Accepted.Count - freshRecords, batch.Rejected, appended), started);
    }

    IngestOutcome Counted(IngestOutcome outcome, long started)
    {
        metrics.Ingested(outcome.Feed, outcome.Accepted, outcome.Duplicates, outcome.Rejected.Count);
        metrics.BatchStored(outcome.Feed, Stopwatch.GetElapsedTime(started));
        Activity.Current?.SetTag("fusion.records.accepted", outcome.Accepted);
        Activity.Current?.SetTag("fusion.records.rejected", outcome.Rejected.Count);
        return outcome;
    }

    /// <summary>One batch on its way into a group's transaction; done with the keys of its items that were stored for it.</summary>
    sealed class Write(string feed, List<IngestItem> items, Dictionary<string, EventRow[]> rows, IReadOnlyList<Rejection> rejected,
        DateTimeOffset now, string headers, string correlationId)
    {
        public string Feed => feed;
        public List<IngestItem> Items => items;
        public Dictionary<string, EventRow[]> Rows => rows;
        public IReadOnlyList<Rejection> Rejected => rejected;
        public DateTimeOffset Now => now;
        public string Headers => headers;
        public string CorrelationId => correlationId;
        public TaskCompletionSource<HashSet<string>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool MasterData => Feed == Connectors.MasterData.MasterDataFeed.Name;
        public int Size => Items.Count + Rejected.Count;
    }

    /// <summary>
    /// Waits for the write's group to commit. A batch that finds fewer than Fusion:Ingest:AppendWriters transactions under
    /// way starts another writer, which goes on while batches wait. A batch whose request is cancelled while it waits leaves the queue; once in a
    /// transaction it is written whatever happens to its request (a resend is then a duplicate).
    /// </summary>
    async Task<HashSet<string>> CommitAsync(Write write, CancellationToken ct)
    {
        bool start;
        lock (gate)
        {
            waiting.Add(write);
            start = writers < options.AppendWriters;
            if (start) writers++;
        }
        // The writer starts without this request's context: the group's statements belong to no one request's trace.
        if (start) ThreadPool.UnsafeQueueUserWorkItem(static writer => _ = writer.WriteGroupsAsync(), this, preferLocal: false);
        await using var leave = ct.Register(() =>
        {
            lock (gate)
                if (waiting.Remove(write)) write.Done.TrySetCanceled(ct);
        });
        return await write.Done.Task;
    }

    async Task WriteGroupsAsync()
    {
        while (true)
        {
            List<Write>? group;
            lock (gate)
            {
                group = NextGroup();
                if (group is null)
                {
                    writers--;
                    return;
                }
            }
            try
            {
                var fresh = await WriteGroupAsync(group);
                // A host that follows no store applies master data here, before the next master-data batch is written.
                if (group is [{ MasterData: true } md] && !masterData.Following)
                    masterData.Apply(md.Items.Where(i => fresh[0].Contains(i.Key)).SelectMany(i => i.Events));
                for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(fresh[i]);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "An append transaction of {Batches} batches ({Records} records and rejections) failed; each batch is answered with the failure",
                    group.Count, group.Sum(w => w.Size));
                foreach (var w in group) w.Done.TrySetException(e);
            }
            finally
            {
                if (group is [{ MasterData: true }])
                    lock (gate) masterDataWriting = false;
            }
        }
    }

    /// <summary>
    /// The waiting batches the next transaction holds, in the order they came, up to MaxGroupRecords; master data alone,
    /// and one master-data batch at a time (the next waits until the one before is stored and applied). Null when there is
    /// nothing this writer may take.
    /// </summary>
    List<Write>? NextGroup()
    {
        var head = waiting.FindIndex(w => !(w.MasterData && masterDataWriting));
        if (head < 0) return null;
        var group = new List<Write> { waiting[head] };
        var size = waiting[head].Size;
        if (waiting[head].MasterData) masterDataWriting = true;
        else
            for (var i = head + 1; i < waiting.Count && size + waiting[i].Size <= options.MaxGroupRecords; i++)
                if (!waiting[i].MasterData)
                {
                    group.Add(waiting[i]);
                    size += waiting[i].Size;
                }
        foreach (var w in group) waiting.Remove(w);
        return group;
    }

    /// <summary>One transaction for the group; for each write, the keys of its items stored for it.</summary>
    async Task<HashSet<string>[]> WriteGroupAsync(List<Write> group)
    {
        var ct = CancellationToken.None;
        // An item sent in two writes of the group is the first one's.
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<IngestItem>();
        for (var w = 0; w < group.Count; w++)
            foreach (var item in group[w].Items)
                if (owner.TryAdd(item.Key, w)) candidates.Add(item);

        await using var conn = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Claim the records' identities first. A concurrent transaction (another silo's) claiming the same key waits
        // for ours to finish and then sees it taken, so a record is stored once however often it arrives. Concurrent
        // transactions take their row locks (identity keys, then streams) each in one global order, so two
        // transactions over the same streams wait for each other instead of deadlocking.
        var claimed = await ClaimAsync(conn, tx, candidates, clock.Now, options.ResendWindow, ct);
        var stored = group.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var fresh = new List<(IngestItem Item, Write Write)>();
        foreach (var item in candidates)
            if (claimed.Contains(item.Key))
            {
                var w = owner[item.Key];
                stored[w].Add(item.Key);
                fresh.Add((item, group[w]));
            }
        // Stable: within a stream, records keep the order they came in.
        fresh = fresh.OrderBy(f => f.Item.StreamKey, StringComparer.Ordinal).ToList();

        var appended = fresh.Sum(f => f.Item.Events.Count);
        if (appended > 0)
            await AppendAsync(conn, tx, fresh, appended, ct);
        foreach (var w in group)
            if (w.Rejected.Count > 0)
                await QuarantineAsync(tx, w.Feed, w.Rejected, w.Now, w.CorrelationId, ct);
        await tx.CommitAsync(ct);
        return stored;
    }

    /// <summary>Claims the items' identities; a device record's identity expires a resend window after its own time.</summary>
    static async Task<HashSet<string>> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<IngestItem> items, DateTimeOffset now, TimeSpan resendWindow, CancellationToken ct)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        if (items.Count == 0) return claimed;
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO {IngestKeys.Table} (key, stream, accepted_at, expires_at) SELECT k, s, @at, x FROM unnest(@keys, @streams, @expires) AS t(k, s, x) " +
            "ON CONFLICT (key) DO NOTHING RETURNING key", conn, tx);
        var ordered = items.OrderBy(i => i.Key, StringComparer.Ordinal).ToArray();
        cmd.Parameters.AddWithValue("keys", ordered.Select(i => i.Key).ToArray());
        cmd.Parameters.AddWithValue("streams", ordered.Select(i => i.StreamKey).ToArray());
        cmd.Parameters.AddWithValue("expires", ordered.Select(i => i.SourceTime is { } t ? (t + resendWindow).UtcDateTime : (DateTime?)null).ToArray());
        cmd.Parameters.AddWithValue("at", now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add(reader.GetString(0));
        return claimed;
    }

    /// <summary>The fresh items' events, grouped by stream in stream order, into mt_events.</summary>
    async Task AppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<(IngestItem Item, Write Write)> fresh, int count, CancellationToken ct)
    {
        var perStream = new List<(string Stream, long Count)>();
        foreach (var (item, _) in fresh)
            if (perStream.Count > 0 && perStream[^1].Stream == item.StreamKey) perStream[^1] = (item.StreamKey, perStream[^1].Count + item.Events.Count);
            else if (item.Events.Count > 0) perStream.Add((item.StreamKey, item.Events.Count));

        // One round trip: each stream's version moves on by its event count (the row lock it takes holds
        // until commit), the sequence numbers are drawn, and the subscriptions are woken at commit, as
        // Marten's own appends do with UseListenNotifyForEventAppends.
        var lastVersion = new Dictionary<string, long>(perStream.Count, StringComparer.Ordinal);
        var sequences = new long[count];
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            var streams = new NpgsqlBatchCommand(
                $"INSERT INTO {StreamsTable} AS s (id, version, timestamp, created) SELECT id, n, now(), now() FROM unnest($1, $2) WITH ORDINALITY AS t(id, n, o) ORDER BY o " +
                "ON CONFLICT (id) DO UPDATE SET version = s.version + excluded.version, timestamp = excluded.timestamp RETURNING id, version");
            streams.Parameters.Add(new NpgsqlParameter { Value = perStream.Select(s => s.Stream).ToArray() });
            streams.Parameters.Add(new NpgsqlParameter { Value = perStream.Select(s => s.Count).ToArray() });
            var next = new NpgsqlBatchCommand($"SELECT nextval('{StoreSetup.Schema}.mt_events_sequence') FROM generate_series(1, $1)");
            next.Parameters.Add(new NpgsqlParameter { Value = count });
            batch.BatchCommands.Add(streams);
            batch.BatchCommands.Add(next);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify('mt_events_appended', '')"));
            // Master data: every silo of a cluster catches up at this commit (MasterDataFollower).
            if (fresh.Any(f => f.Item.Events.Any(e => Fusion.Domain.MasterData.MasterDataCatalog.EventTypes.Contains(e.GetType()))))
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{MasterDataCache.Channel}', '')"));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) lastVersion[reader.GetString(0)] = reader.GetInt64(1);
            await reader.NextResultAsync(ct);
            var i = 0;
            while (await reader.ReadAsync(ct)) sequences[i++] = reader.GetInt64(0);
        }
        Array.Sort(sequences);
        var nextVersion = perStream.ToDictionary(s => s.Stream, s => lastVersion[s.Stream] - s.Count + 1, StringComparer.Ordinal);

        var timestamp = DateTimeOffset.UtcNow;
        await using var copy = await conn.BeginBinaryImportAsync(
            $"COPY {Events} (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, headers, is_archived) FROM STDIN (FORMAT BINARY)", ct);
        var seq = 0;
        foreach (var (item, write) in fresh)
            foreach (var row in write.Rows[item.Key])
            {
                // Synchronous writes fill Npgsql's buffer and flush when it is full: far cheaper per field than an await each.
                copy.StartRow();
                copy.Write(sequences[seq++], NpgsqlDbType.Bigint);
                copy.Write(row.Id, NpgsqlDbType.Uuid);
                copy.Write(item.StreamKey, NpgsqlDbType.Varchar);
                copy.Write(nextVersion[item.StreamKey]++, NpgsqlDbType.Bigint);
                copy.Write(row.Json, NpgsqlDbType.Jsonb);
                copy.Write(row.Alias, NpgsqlDbType.Varchar);
                copy.Write(timestamp, NpgsqlDbType.TimestampTz);
                copy.Write("*DEFAULT*", NpgsqlDbType.Varchar);
                copy.Write(row.DotNet, NpgsqlDbType.Varchar);
                copy.Write(write.CorrelationId, NpgsqlDbType.Varchar);
                copy.Write(write.Headers, NpgsqlDbType.Jsonb);
                copy.Write(false, NpgsqlDbType.Boolean);
            }
        await copy.CompleteAsync(ct);
    }

    async Task QuarantineAsync(NpgsqlTransaction tx, string feed, IReadOnlyList<Rejection> rejected, DateTimeOffset now, string correlationId, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx, shouldAutoCommit: false));
        foreach (var r in rejected)
            session.Insert(new QuarantinedRecord
            {
                Id = Guid.CreateVersion7(now), Feed = feed, Index = r.Index, RecordId = r.RecordId is null ? null : IngestText.Printable(r.RecordId),
                // Printable: PostgreSQL's jsonb holds neither NUL nor a lone surrogate, which a body that is not even JSON may carry.
                Reason = IngestText.Printable(r.Reason), Raw = IngestText.Printable(r.RawJson), ReceivedAt = now, CorrelationId = correlationId,
            });
        await session.SaveChangesAsync(ct);
    }

    /// <summary>An event as its row in mt_events holds it: its id, its JSON and its type's names.</summary>
    sealed record EventRow(Guid Id, string Json, string Alias, string DotNet);

    EventRow[] Rows(IngestItem item)
    {
        var serializer = store.Options.Serializer();
        var rows = new EventRow[item.Events.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var (alias, dotnet) = EventCatalog.NamesOf(store, item.Events[i].GetType());
            rows[i] = new EventRow(EventId(item.Key, i), serializer.ToJson(item.Events[i]), alias, dotnet);
        }
        return rows;
    }

    static string Headers(string source, DateTimeOffset receivedAt, Activity? activity)
    {
        var headers = new Dictionary<string, string> { ["source"] = source, ["receivedAt"] = receivedAt.ToString("O") };
        if (activity is not null) headers["traceparent"] = activity.Id ?? "";
        return JsonSerializer.Serialize(headers);
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
