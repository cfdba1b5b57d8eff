using Marten;
using Npgsql;

namespace Fusion.Silo.Store;

/// <summary>
/// Stores a grain's document only over the revision the grain read. A grain holds its state in memory and is meant to be the
/// one activation of its key, but while the cluster's membership changes Orleans can briefly run a second activation of it,
/// or move it while an update it made is being stored; an activation whose state is older than the store's would otherwise
/// store over updates it never saw, and go on answering without them. The documents carry a revision (stored as "revision",
/// absent in documents stored before it: 0); their rows are locked and the revisions compared in the transaction that writes them.
/// </summary>
public static class RevisionGuard
{
    /// <summary>How often a write is made on state read back from the store before a grain that keeps finding it moved on fails the call.</summary>
    public const int Attempts = 3;

    /// <summary>
    /// Runs the write; when it finds the stored state moved on (<see cref="StaleStateException"/>, nothing of it stored), runs
    /// <paramref name="reread"/> (the grains read the store again) and the write again, at most <see cref="Attempts"/> times in all.
    /// </summary>
    public static async Task WriteAsync(Func<Task> write, Func<StaleStateException, Task> reread)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (StaleStateException stale) when (attempt < Attempts)
            {
                await reread(stale);
            }
        }
    }

    /// <summary>The table (schema-qualified) that Marten stores documents of <typeparamref name="T"/> in.</summary>
    public static string TableOf<T>(IDocumentStore store) => store.Options.FindOrResolveDocumentType(typeof(T)).TableName.QualifiedName;

    /// <summary>
    /// Starts the session's transaction, locks the documents' rows and answers the ids whose stored revision is not the one
    /// expected (no row: revision 0), in order. The rows stay locked until the session's changes are saved or dropped.
    /// </summary>
    public static Task<IReadOnlyList<string>> StaleAsync(IDocumentSession session, string table, IReadOnlyDictionary<string, long> expected, CancellationToken ct) =>
        StaleAsync(session, [(table, expected)], ct);

    /// <summary>
    /// As above for documents in several tables, locked table by table in the order given (every writer gives the same order).
    /// A document expected not to exist yet has no row to lock: its id is locked instead (a transaction-scoped advisory lock on
    /// the table and id, all of them before any row, in the same order), so a second activation writing the same new document
    /// waits for the first's transaction and then finds the row it stored.
    /// </summary>
    public static async Task<IReadOnlyList<string>> StaleAsync(IDocumentSession session,
        IReadOnlyList<(string Table, IReadOnlyDictionary<string, long> Expected)> documents, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        var fresh = documents.SelectMany(d => d.Expected.Where(e => e.Value == 0).Select(e => $"{d.Table}/{e.Key}")).ToArray();
        if (fresh.Length > 0)
        {
            // Locked in order of the keys (the subquery keeps its order: OFFSET 0 keeps it from being flattened).
            await using var lockIds = new NpgsqlCommand(
                "SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended(key, 0) AS k FROM unnest(@keys) AS key ORDER BY key OFFSET 0) AS keys",
                session.Connection);
            lockIds.Parameters.AddWithValue("keys", fresh);
            await lockIds.ExecuteNonQueryAsync(ct);
        }
        var stale = new List<string>();
        foreach (var (table, expected) in documents)
        {
            if (expected.Count == 0) continue;
            await using var cmd = new NpgsqlCommand(
                $"SELECT id, coalesce((data->>'revision')::bigint, 0) FROM {table} WHERE id = ANY(@ids) ORDER BY id FOR UPDATE", session.Connection);
            cmd.Parameters.AddWithValue("ids", expected.Keys.ToArray());
            var stored = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    stored[reader.GetString(0)] = reader.GetInt64(1);
            stale.AddRange(expected.Where(e => stored.GetValueOrDefault(e.Key) != e.Value).Select(e => e.Key).Order(StringComparer.Ordinal));
        }
        return stale;
    }
}

/// <summary>The stored state of these grains moved on since they read it (another activation stored an update): they read it again and decide anew.</summary>
public sealed class StaleStateException(string what, IReadOnlyList<string> ids)
    : Exception($"the stored {what} of {string.Join(", ", ids.Take(10))}{(ids.Count > 10 ? $" and {ids.Count - 10} more" : "")} moved on since its grain read it (another activation stored an update)")
{
    public IReadOnlyList<string> Ids { get; } = ids;
}
