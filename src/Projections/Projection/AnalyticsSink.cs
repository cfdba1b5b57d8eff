using DuckDB.NET.Data;

namespace Fusion.Projections.Projection;

public sealed record AnalyticsBatchResult(int Received, int Applied, int Rows, long LastSequence);

/// <summary>
/// Writes folded batches into an analytics database: all rows of a batch and the new checkpoint in one
/// DuckDB transaction, so after any crash each event is there exactly once. Events at or below the
/// checkpoint are redeliveries and are skipped. Not thread-safe: one writer per database.
/// </summary>
public sealed class AnalyticsSink : IDisposable
{
    readonly DuckDBConnection _writer;

    public AnalyticsDatabase Database { get; }
    public long LastSequence { get; private set; }

    /// <summary>Called after each row is appended, inside the open transaction; lets a test crash the writer mid-batch.</summary>
    internal Action<int>? AfterRowAppended { get; set; }

    public AnalyticsSink(AnalyticsDatabase database)
    {
        Database = database;
        _writer = database.Connect();
        LastSequence = database.Checkpoint();
    }

    public AnalyticsBatchResult Apply(IReadOnlyList<AnalyticsEvent> batch)
    {
        var fresh = batch.Where(e => e.Sequence > LastSequence)
            .DistinctBy(e => e.Sequence)
            .OrderBy(e => e.Sequence)
            .ToList();
        if (fresh.Count == 0) return new AnalyticsBatchResult(batch.Count, 0, 0, LastSequence);

        var last = fresh[^1];
        var written = WriteInTransaction(fresh, checkpoint: last);
        LastSequence = last.Sequence;
        return new AnalyticsBatchResult(batch.Count, fresh.Count, written, LastSequence);
    }

    /// <summary>
    /// One event that a consumer parked and now retries, after later events moved the checkpoint past it:
    /// its rows are written and the checkpoint stays. A replace-by-key row yields to a later row of the
    /// same key already there. The caller knows it is not in the file (it was parked, not applied).
    /// </summary>
    public int ApplyOutOfOrder(AnalyticsEvent e) => WriteInTransaction([e], checkpoint: null);

    /// <summary>Moves the checkpoint past an event that was parked, not written, when it ended a batch.</summary>
    public void Skip(AnalyticsEvent e)
    {
        if (e.Sequence <= LastSequence) return;
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = $"UPDATE {AnalyticsSchema.CheckpointTable} SET last_sequence = $seq, last_recorded_at = $at";
        cmd.Parameters.Add(new DuckDBParameter("seq", e.Sequence));
        cmd.Parameters.Add(new DuckDBParameter("at", e.Timestamp));
        cmd.ExecuteNonQuery();
        LastSequence = e.Sequence;
    }

    int WriteInTransaction(IReadOnlyList<AnalyticsEvent> events, AnalyticsEvent? checkpoint)
    {
        var byTable = new Dictionary<IAnalyticsTable, List<AnalyticsRow>>();
        foreach (var e in events)
            foreach (var row in AnalyticsFold.Fold(e))
            {
                var table = AnalyticsSchema.ByRowType[row.GetType()];
                if (!byTable.TryGetValue(table, out var rows)) byTable[table] = rows = [];
                rows.Add(row);
            }

        var written = 0;
        using var tx = _writer.BeginTransaction();
        foreach (var (table, rows) in byTable)
            written += Write(table, rows, written, outOfOrder: checkpoint is null);
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = checkpoint is null
                ? $"UPDATE {AnalyticsSchema.CheckpointTable} SET events = events + $n"
                : $"UPDATE {AnalyticsSchema.CheckpointTable} SET last_sequence = $seq, last_recorded_at = $at, events = events + $n";
            if (checkpoint is not null)
            {
                cmd.Parameters.Add(new DuckDBParameter("seq", checkpoint.Sequence));
                cmd.Parameters.Add(new DuckDBParameter("at", checkpoint.Timestamp));
            }
            cmd.Parameters.Add(new DuckDBParameter("n", (long)events.Count));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return written;
    }

    int Write(IAnalyticsTable table, List<AnalyticsRow> rows, int writtenBefore, bool outOfOrder)
    {
        if (table.KeyColumn is { } keyColumn)
        {
            // Replace-by-key: the rows of the last event per key win, as if applied one by one.
            var lastByKey = new Dictionary<string, long>();
            foreach (var r in rows) lastByKey[table.KeyOf(r)!] = r.Sequence;
            foreach (var (key, sequence) in lastByKey)
            {
                using var delete = _writer.CreateCommand();
                delete.CommandText = $"DELETE FROM {table.Name} WHERE {keyColumn} = $key" + (outOfOrder ? " AND sequence < $seq" : "");
                delete.Parameters.Add(new DuckDBParameter("key", key));
                if (outOfOrder) delete.Parameters.Add(new DuckDBParameter("seq", sequence));
                delete.ExecuteNonQuery();
                if (outOfOrder && LaterRowExists(table, keyColumn, key)) lastByKey[key] = -1;
            }
            rows = rows.Where(r => lastByKey[table.KeyOf(r)!] == r.Sequence).ToList();
        }
        using var appender = _writer.CreateAppender(table.Name);
        var n = 0;
        foreach (var row in rows)
        {
            table.Append(appender.CreateRow(), row);
            n++;
            AfterRowAppended?.Invoke(writtenBefore + n);
        }
        return n;
    }

    bool LaterRowExists(IAnalyticsTable table, string keyColumn, string key)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM {table.Name} WHERE {keyColumn} = $key";
        cmd.Parameters.Add(new DuckDBParameter("key", key));
        return Convert.ToInt64(cmd.ExecuteScalar()) > 0;
    }

    public void Dispose() => _writer.Dispose();
}
