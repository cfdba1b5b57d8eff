using Npgsql;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// A fresh database per test on the real PostgreSQL that ./fusion starts (FUSION_PG). Databases of
/// earlier runs are dropped when a run starts; this run's stay until the next, for inspection.
/// </summary>
public static class TestDatabase
{
    const string Prefix = "ft_silo_";
    static readonly string Server = Environment.GetEnvironmentVariable("FUSION_PG")
        ?? "Host=127.0.0.1;Port=5439;Username=fusion;Database=fusion";
    static readonly string RunId = DateTime.UtcNow.ToString("MMddHHmmss");
    static readonly Lazy<Task> CleanUp = new(DropEarlierRunsAsync);

    public static async Task<string> CreateAsync()
    {
        await CleanUp.Value;
        var name = $"{Prefix}{RunId}_{Guid.NewGuid():N}"[..40];
        await using (var conn = new NpgsqlConnection(Server))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Server) { Database = name, MaxPoolSize = 40 }.ConnectionString;
    }

    /// <summary>The one number a query answers (a count, a sum), read over a connection of its own.</summary>
    public static async Task<long> ScalarAsync(string connection, string sql)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// A backend that has waited at least <paramref name="waited"/> for a lock while running a statement on
    /// <paramref name="table"/> (a page staged and waiting to store behind a row the test holds), once there are
    /// <paramref name="count"/> such backends.
    /// </summary>
    public static async Task<int> WaitingOnLockAsync(NpgsqlConnection conn, string table, TimeSpan waited = default, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60) + waited;
        while (true)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE @table " +
                "AND pid <> pg_backend_pid() AND now() - query_start >= @waited", conn);
            cmd.Parameters.AddWithValue("table", $"%{table}%");
            cmd.Parameters.AddWithValue("waited", waited);
            var pids = new List<int>();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) pids.Add(reader.GetInt32(0));
            if (pids.Count >= count) return pids[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} waited {waited} on a lock on {table}");
            await Task.Delay(50);
        }
    }

    static async Task DropEarlierRunsAsync()
    {
        await using var conn = new NpgsqlConnection(Server);
        await conn.OpenAsync();
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{Prefix}%' AND datname NOT LIKE '{Prefix}{RunId}%'", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        foreach (var name in names)
        {
            // Leftovers of earlier runs are only clutter: on a loaded machine a drop may take long or fail,
            // and a failure here must not fail every test of this run (the cleanup task is shared).
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn) { CommandTimeout = 300 };
            try { await drop.ExecuteNonQueryAsync(); }
            catch (PostgresException) { }
        }
    }
}
