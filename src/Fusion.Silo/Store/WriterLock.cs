using Marten;
using Npgsql;

namespace Fusion.Silo.Store;

/// <summary>
/// Serializes the writers of documents that are read, changed and stored again (a credit file gains a deduction from
/// its subscription while the enforcement clock grades it; a parked event's retry applies beside its subscription).
/// Without it the writer that stores last overwrites what another stored after it had read, and that change is lost
/// for good, because the subscription's checkpoint has moved past the event that brought it; two such writers can
/// also deadlock on each other's rows. Each writer takes the lock of the documents' table, a PostgreSQL
/// transaction-scoped advisory lock, before it reads, so the reads see every write committed before them, and it is
/// released when the session's changes are saved or dropped. It holds across silos.
/// </summary>
public static class WriterLock
{
    /// <summary>Starts the session's transaction and waits for the lock of the table holding <typeparamref name="T"/>.</summary>
    public static async Task TakeAsync<T>(IDocumentSession session, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await TakeAsync(session.Connection!, RevisionGuard.TableOf<T>(session.DocumentStore), ct);
    }

    /// <summary>The kinds of <see cref="TakeOneAsync"/>'s locks.</summary>
    public const string ParkedRetry = "fusion-parked-retry";

    /// <summary>
    /// Waits, in the connection's open transaction, for the lock of one record of a kind (such as <see cref="ParkedRetry"/>),
    /// by its id; both go as parameters. The kind is the lock's first key, apart from the tables' locks.
    /// </summary>
    public static async Task TakeOneAsync(NpgsqlConnection connection, string kind, string id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = kind });
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Waits, in the connection's open transaction, for the lock of the table (schema-qualified).</summary>
    public static async Task TakeAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        // The two-key form: its keys are apart from the one-key locks the daemon and the cluster's duties take. The table's
        // name (Marten's, not input) is in the statement so that a writer waiting here shows which documents it waits for.
        await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(hashtext('fusion-writers'), hashtext('{table}'))", connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
