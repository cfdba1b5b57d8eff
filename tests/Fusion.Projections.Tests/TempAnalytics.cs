using DuckDB.NET.Data;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Tests;

/// <summary>A fresh analytics file in its own folder, removed afterwards.</summary>
public sealed class TempAnalytics : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("fusion-analytics-").FullName;
    public string FilePath => Path.Combine(Folder, "analytics.duckdb");
    public AnalyticsDatabase Database { get; private set; }
    public AnalyticsSink Sink { get; private set; }

    public TempAnalytics()
    {
        Database = AnalyticsDatabase.Open(FilePath);
        Sink = new AnalyticsSink(Database);
    }

    /// <summary>Drops the writer and the instance without committing anything in flight, as a killed process would, then opens the file again.</summary>
    public void CrashAndReopen()
    {
        Sink.Dispose();
        Database.Dispose();
        Database = AnalyticsDatabase.Open(FilePath);
        Sink = new AnalyticsSink(Database);
    }

    public void ApplyInBatches(IReadOnlyList<AnalyticsEvent> events, int size)
    {
        foreach (var chunk in events.Chunk(size)) Sink.Apply(chunk);
    }

    public long Count(string table, string where = "true") => Convert.ToInt64(Scalar($"SELECT count(*) FROM {table} WHERE {where}"));

    public object? Scalar(string sql)
    {
        using var c = Database.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    /// <summary>Every row of a table as text, in a stable order: for comparing two files.</summary>
    public IReadOnlyList<string> Dump(string table) => Dump(Database, table);

    /// <summary>Every row of the table as text, in a fixed order, to compare two files.</summary>
    public static IReadOnlyList<string> Dump(AnalyticsDatabase database, string table)
    {
        using var c = database.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT * FROM {table} ORDER BY ALL";
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
            rows.Add(string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    public void Dispose()
    {
        Sink.Dispose();
        Database.Dispose();
        try { Directory.Delete(Folder, true); } catch (IOException) { }
    }
}
