using Fusion.Silo.Store;
using Npgsql;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// Another writer of a kind of document caught in the middle of its write, as the host's own writers work: it holds the
/// documents' table's <see cref="WriterLock"/> and has changed one document, not committed yet. A test starts the host's
/// write beside it, waits until that write waits on it (<see cref="CommitOnceWaitedOnAsync"/>), and then commits, so the
/// host's write either read the change (it took the lock first) or would store over it (it did not).
/// </summary>
public sealed class WriterMidWrite : IAsyncDisposable
{
    readonly NpgsqlConnection connection;
    readonly NpgsqlTransaction transaction;
    readonly string connectionString, table;

    WriterMidWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, string connectionString, string table) =>
        (this.connection, this.transaction, this.connectionString, this.table) = (connection, transaction, connectionString, table);

    /// <summary>Takes the table's lock and sets the document's data to <paramref name="data"/> (SQL over the column <c>data</c>).</summary>
    public static async Task<WriterMidWrite> StartAsync(FusionApp app, string table, object id, string data, params (string Name, object Value)[] parameters)
    {
        var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await WriterLock.TakeAsync(connection, table, CancellationToken.None);
        await using var update = new NpgsqlCommand($"UPDATE {table} SET data = {data} WHERE id = @id", connection);
        update.Parameters.AddWithValue("id", id);
        foreach (var (name, value) in parameters) update.Parameters.AddWithValue(name, value);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
        return new WriterMidWrite(connection, transaction, app.ConnectionString, table);
    }

    /// <summary>Waits until a statement on the table (the lock's, or a row's) waits behind this writer, then commits.</summary>
    public async Task CommitOnceWaitedOnAsync()
    {
        await using (var watch = new NpgsqlConnection(connectionString))
        {
            await watch.OpenAsync();
            await TestDatabase.WaitingOnLockAsync(watch, table.Split('.')[^1]);
        }
        await transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
