using DuckDB.NET.Data;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Tests.Queries;

/// <summary>The analytics instance's memory limit and threads come from configuration and cannot be changed by SQL.</summary>
public sealed class ResourceLimitTests
{
    [Fact]
    public void GivenResources_WhenTheFileIsOpened_ThenDuckDbRunsWithinThemAndRefusesToChangeThem()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-analytics-").FullName;
        try
        {
            using var db = AnalyticsDatabase.Open(Path.Combine(folder, "a.duckdb"), resources: new AnalyticsResources("300MB", 1));
            using var c = db.Connect();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT current_setting('threads')";
            Assert.Equal(1L, Convert.ToInt64(cmd.ExecuteScalar()));
            cmd.CommandText = "SELECT current_setting('memory_limit')";
            var limit = (string)cmd.ExecuteScalar()!;
            Assert.StartsWith("286", limit); // DuckDB shows 300 MB in MiB

            cmd.CommandText = "SET memory_limit = '20GB'";
            Assert.ThrowsAny<DuckDBException>(() => cmd.ExecuteNonQuery());
            cmd.CommandText = "SET threads = 8";
            Assert.ThrowsAny<DuckDBException>(() => cmd.ExecuteNonQuery());
        }
        finally { Directory.Delete(folder, true); }
    }
}
