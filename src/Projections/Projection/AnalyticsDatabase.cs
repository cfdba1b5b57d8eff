using DuckDB.NET.Data;

namespace Fusion.Projections.Projection;

/// <summary>What one analytics instance may use: DuckDB's memory limit (e.g. "1GB") and its worker threads. Locked with the rest.</summary>
public sealed record AnalyticsResources(string MemoryLimit, int Threads)
{
    public static readonly AnalyticsResources Default = new("1GB", 2);
}

/// <summary>
/// One DuckDB analytics file. Opening it creates the schema and locks the instance's configuration:
/// no external access (no file or network reads, no ATTACH, INSTALL or LOAD) except the private export
/// folder DuckDB writes Parquet into, days in China Standard Time. The writer and the analysts share
/// the instance, so the lock covers both; nothing the projection does needs external access.
/// </summary>
public sealed class AnalyticsDatabase : IDisposable
{
    public const string TimeZone = "Asia/Shanghai";

    readonly DuckDBConnection _keeper;

    public string Path { get; }
    public string ExportDirectory { get; }

    AnalyticsDatabase(string path, string exportDirectory, DuckDBConnection keeper) =>
        (Path, ExportDirectory, _keeper) = (path, exportDirectory, keeper);

    public static AnalyticsDatabase Open(string path, string? exportDirectory = null, AnalyticsResources? resources = null)
    {
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        exportDirectory = System.IO.Path.GetFullPath(exportDirectory ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "exports"));
        Directory.CreateDirectory(exportDirectory);
        var keeper = new DuckDBConnection($"Data Source={path}");
        try
        {
            keeper.Open();
            Lock(keeper, exportDirectory, resources ?? AnalyticsResources.Default);
            foreach (var sql in AnalyticsSchema.Statements()) Execute(keeper, sql);
            return new AnalyticsDatabase(path, exportDirectory, keeper);
        }
        catch
        {
            keeper.Dispose();
            throw;
        }
    }

    /// <summary>A new connection to the same instance (same locked configuration).</summary>
    public DuckDBConnection Connect()
    {
        var c = new DuckDBConnection($"Data Source={Path}");
        c.Open();
        return c;
    }

    public long Checkpoint()
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT last_sequence FROM {AnalyticsSchema.CheckpointTable}";
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    public int SchemaVersion()
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT schema_version FROM {AnalyticsSchema.CheckpointTable}";
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    /// <summary>Writes everything to the main file so it can be closed, copied or swapped.</summary>
    public void Flush() => Execute(_keeper, "CHECKPOINT");

    static void Lock(DuckDBConnection c, string exportDirectory, AnalyticsResources resources)
    {
        // The instance is shared per file within the process: a second Open finds it already locked.
        if (Scalar(c, "SELECT current_setting('lock_configuration')") is true)
        {
            if (Scalar(c, "SELECT current_setting('enable_external_access')") is not false)
                throw new InvalidOperationException("the analytics database is open with external access enabled");
            return;
        }
        var dir = exportDirectory.EndsWith('/') ? exportDirectory : exportDirectory + "/";
        Execute(c, $"SET GLOBAL allowed_directories = ['{dir.Replace("'", "''")}']");
        Execute(c, "SET GLOBAL enable_external_access = false");
        Execute(c, "SET GLOBAL autoinstall_known_extensions = false");
        Execute(c, $"SET GLOBAL TimeZone = '{TimeZone}'");
        Execute(c, $"SET GLOBAL memory_limit = '{resources.MemoryLimit.Replace("'", "''")}'");
        Execute(c, $"SET GLOBAL threads = {Math.Max(1, resources.Threads)}");
        Execute(c, "SET GLOBAL lock_configuration = true");
    }

    static object? Scalar(DuckDBConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    internal static void Execute(DuckDBConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => _keeper.Dispose();
}
