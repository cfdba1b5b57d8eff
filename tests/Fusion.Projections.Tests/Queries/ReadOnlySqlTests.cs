using System.Text.Json;
using Fusion.Projections.Formats;
using Fusion.Projections.Queries;

namespace Fusion.Projections.Tests.Queries;

public class ReadOnlySqlTests(QueryFixture f) : IClassFixture<QueryFixture>
{
    [Theory]
    [InlineData("DROP TABLE events", "DROP statements are refused")]
    [InlineData("DELETE FROM events", "DELETE statements are refused")]
    [InlineData("INSERT INTO events SELECT * FROM events", "INSERT statements are refused")]
    [InlineData("UPDATE analytics_checkpoint SET last_sequence = 0", "UPDATE statements are refused")]
    [InlineData("CREATE TABLE x AS SELECT 1", "CREATE statements are refused")]
    [InlineData("ATTACH '/tmp/other.duckdb' AS other", "ATTACH statements are refused")]
    [InlineData("COPY events TO '/tmp/events.csv'", "COPY statements are refused")]
    [InlineData("INSTALL httpfs", "INSTALL statements are refused")]
    [InlineData("LOAD httpfs", "LOAD statements are refused")]
    [InlineData("SET enable_external_access = true", "SET statements are refused")]
    [InlineData("PRAGMA enable_profiling", "PRAGMA statements are refused")]
    [InlineData("SELECT 1; DROP TABLE events", "refused")]
    [InlineData("SELECT 1; SELECT 2", "2 statements")]
    public void ForbiddenStatements_AreRefusedBeforeTheyRun(string sql, string reason)
    {
        var e = Assert.Throws<AnalyticsQueryException>(() => f.Runner.CheckSql(sql));
        Assert.Equal(QueryProblem.Forbidden, e.Problem);
        Assert.Contains(reason, e.Message);
        Assert.Equal(Dataset.Events.Count, f.Analytics.Count("events"));
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT * FROM read_parquet('https://example.org/x.parquet')")]
    [InlineData("SELECT * FROM read_text('/etc/hostname')")]
    [InlineData("SELECT * FROM glob('/etc/*')")]
    public void FileAndNetworkReads_AreRefusedWithDuckDbsReason(string sql)
    {
        var e = Assert.Throws<AnalyticsQueryException>(() => f.Runner.Start(f.Runner.CheckSql(sql), ResultFormat.Json).Dispose());
        Assert.Equal(QueryProblem.Forbidden, e.Problem);
        Assert.Contains("no access to files", e.Message);
    }

    [Fact]
    public void AWriteHiddenInsideASelect_CannotChangeAnything()
    {
        var e = Assert.Throws<AnalyticsQueryException>(() => f.Runner.Start(f.Runner.CheckSql("SELECT * FROM query('DELETE FROM events')"), ResultFormat.Json).Dispose());
        Assert.Equal(QueryProblem.BadRequest, e.Problem);
        Assert.Equal(Dataset.Events.Count, f.Analytics.Count("events"));
    }

    [Theory]
    [InlineData("SELEC 1", "syntax error")]
    [InlineData("SELECT * FROM no_such_table", "no_such_table does not exist")]
    [InlineData("SELECT no_such_column FROM events", "no_such_column")]
    public void BadSql_IsABadRequestWithDuckDbsMessage(string sql, string message)
    {
        var e = Assert.Throws<AnalyticsQueryException>(() => f.Runner.Start(f.Runner.CheckSql(sql), ResultFormat.Json).Dispose());
        Assert.Equal(QueryProblem.BadRequest, e.Problem);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void EmptySql_IsABadRequest() =>
        Assert.Equal(QueryProblem.BadRequest, Assert.Throws<AnalyticsQueryException>(() => f.Runner.CheckSql(" ; ")).Problem);

    [Fact]
    public async Task ASelect_RunsAndATrailingCommentOrSemicolonDoesNoHarm()
    {
        using var run = f.Runner.Start(f.Runner.CheckSql("SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY n DESC, kind -- most first\n;"), ResultFormat.Json);
        using var buffer = new MemoryStream();
        await run.WriteToAsync(buffer);
        using var doc = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal("RiskAssessed", doc.RootElement.GetProperty("rows")[0].GetProperty("kind").GetString());
        Assert.Equal(12, doc.RootElement.GetProperty("rows")[0].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task TheRowLimit_CutsTheResultAndSaysSo()
    {
        var runner = new AnalyticsQueryRunner(() => f.Analytics.Database, QueryLimits.Default with { MaxRows = 5 });
        using var run = runner.Start(runner.CheckSql("SELECT * FROM range(100)"), ResultFormat.Json);
        using var buffer = new MemoryStream();
        Assert.Equal(5, await run.WriteToAsync(buffer));
        using var doc = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal(5, doc.RootElement.GetProperty("rows").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task TheTimeLimit_StopsALongQuery()
    {
        var runner = new AnalyticsQueryRunner(() => f.Analytics.Database, QueryLimits.Default with { Timeout = TimeSpan.FromMilliseconds(300) });
        var e = await Assert.ThrowsAsync<AnalyticsQueryException>(async () =>
        {
            using var run = runner.Start(runner.CheckSql("SELECT count(*) FROM range(1000000000000) a"), ResultFormat.Json);
            await run.WriteToAsync(Stream.Null);
        });
        Assert.Equal(QueryProblem.TooLong, e.Problem);
        Assert.Contains("second limit", e.Message);
    }

    [Theory]
    [InlineData("SELECT length(list_sort(range(20000000))::VARCHAR) AS n", ResultFormat.Json)]
    [InlineData("SELECT length(regexp_replace(repeat('ab', 20000000), 'a', 'xyz', 'g')) AS n", ResultFormat.Parquet)]
    public async Task TheTimeLimit_HoldsForWorkDuckDbCannotInterrupt_TheAnswerComesWhileTheWorkStillRuns(string sql, ResultFormat format)
    {
        // A scalar function over one huge value runs inside a single call that DuckDB's interrupt does not reach:
        // such a query once ran 59 s against a 30 s limit.
        var runner = new AnalyticsQueryRunner(() => f.Analytics.Database, QueryLimits.Default with { Timeout = TimeSpan.FromMilliseconds(500), MaxConcurrent = 1 });
        var e = await Assert.ThrowsAsync<AnalyticsQueryException>(async () =>
        {
            using var run = await runner.StartAsync(runner.CheckSql(sql), format);
            await run.WriteToAsync(Stream.Null);
        });

        Assert.Equal(QueryProblem.TooLong, e.Problem);
        Assert.Equal(1, runner.Abandoned);
        // The abandoned work still holds DuckDB: it counts against the cap, so the next query is refused as busy.
        Assert.Equal(1, runner.InFlight);
        var busy = await Assert.ThrowsAsync<AnalyticsQueryException>(() => runner.StartAsync(runner.CheckSql("SELECT 42 AS answer"), format));
        Assert.Equal(QueryProblem.Busy, busy.Problem);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while ((runner.Abandoned > 0 || runner.InFlight > 0) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal((0, 0), (runner.Abandoned, runner.InFlight));
        using (var next = await runner.StartAsync(runner.CheckSql("SELECT 42 AS answer"), ResultFormat.Json))
            Assert.Equal(1, await next.WriteToAsync(Stream.Null));
        Assert.Equal(0, runner.InFlight);
    }

    [Fact]
    public async Task ACallerThatGoesAway_InterruptsItsQuery_AndFreesItsPlace()
    {
        var runner = new AnalyticsQueryRunner(() => f.Analytics.Database, QueryLimits.Default with { Timeout = TimeSpan.FromMinutes(10), MaxConcurrent = 1 });
        using var gone = new CancellationTokenSource();
        var query = runner.StartAsync(runner.CheckSql("SELECT count(*) FROM range(1000000000000) a, range(10) b"), ResultFormat.Arrow, gone.Token);
        Assert.Equal(1, runner.InFlight);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            using var run = await query;
            await run.WriteToAsync(Stream.Null, gone.Token);
        });
        // Interrupted, not waited out: the place is free long before the ten-minute limit.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (runner.InFlight > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(0, runner.InFlight);
        using var next = await runner.StartAsync(runner.CheckSql("SELECT 42 AS answer"), ResultFormat.Json);
        Assert.Equal(1, await next.WriteToAsync(Stream.Null));
    }

    [Fact]
    public void PublicReporterContact_IsNowhereInTheDatabase()
    {
        foreach (var table in new[] { "events", "public_reports" })
            // The whole row as text: COLUMNS(*) in a WHERE would join its columns with AND, so it could not fail.
            Assert.Equal(0, f.Analytics.Count($"{table} AS t", "CAST(t AS VARCHAR) LIKE '%13800138000%'"));
    }
}
