using System.Net;
using System.Text;
using System.Text.Json;
using Apache.Arrow.Ipc;
using Fusion.Silo.Analytics;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Analytics;

/// <summary>Analytics end to end: real host, real PostgreSQL, the DuckDB file fed by the Marten subscription.</summary>
public sealed class AnalyticsTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static async Task FeedAsync(HttpClient http, int from = 1, int alarms = 20)
    {
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", Enumerable.Range(from, alarms).Select(i => Alarm($"A-{i}", i % 2 == 0 ? "CAM-POTASH-1" : "CAM-SODA-1", T0.AddHours(-i))).ToArray());
        await http.PostJsonAsync("/api/ingest/public-reports", new[]
        {
            new { reportId = $"R-{from}", channel = "wechat", content = "Dust over the slag yard", receivedAt = T0.AddHours(-3), siteId = "S-SODA-SLAG", reporterContact = "13912345678" },
        });
    }

    static StringContent Sql(string sql) => new(JsonSerializer.Serialize(new { sql }), Encoding.UTF8, "application/json");

    static async Task<long> ScalarAsync(HttpClient http, string sql)
    {
        var response = await http.PostAsync("/api/analytics/sql", Sql(sql));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var rows = (await response.JsonAsync()).GetProperty("rows");
        return rows[0].EnumerateObject().First().Value.GetInt64();
    }

    static async Task<long> AnalyticsCountAsync(HttpClient http) => await ScalarAsync(http, "SELECT count(*) FROM events");

    /// <summary>
    /// Every event up to DuckDB's checkpoint is there exactly once. (Risk grains keep appending
    /// RiskAssessed events of their own, so the store's total is a moving target.)
    /// </summary>
    static async Task AssertSameCountAsStoreAsync(FusionApp app, HttpClient http)
    {
        await app.CaughtUpAsync();
        var checkpoint = (await http.GetJsonAsync("/api/analytics/status")).GetProperty("lastSequence").GetInt64();
        await using var session = app.Store.QuerySession();
        var stored = await Marten.QueryableExtensions.LongCountAsync(session.Events.QueryAllRawEvents().Where(e => e.Sequence <= checkpoint));
        Assert.True(stored > 0);
        Assert.Equal(stored, await ScalarAsync(http, $"SELECT count(*) FROM events WHERE sequence <= {checkpoint}"));
        Assert.Equal(stored, await ScalarAsync(http, "SELECT count(DISTINCT sequence) FROM events"));
    }

    [Fact]
    public async Task GivenFeeds_WhenTheSubscriptionCatchesUp_ThenEveryEventIsInDuckDbAndQueriesRunThroughTheApi()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await FeedAsync(http);
        await app.CaughtUpAsync();

        await AssertSameCountAsStoreAsync(app, http);
        Assert.Equal(0, await ScalarAsync(http, "SELECT count(*) FROM events WHERE payload LIKE '%13912345678%'"));
        Assert.Equal(1, await ScalarAsync(http, "SELECT count(*) FROM public_reports"));

        var queries = (await http.GetJsonAsync("/api/analytics/queries")).EnumerateArray().Select(q => q.GetProperty("name").GetString()).ToList();
        Assert.Contains("signal-mix", queries);
        Assert.Equal(11, queries.Count);

        var mix = await http.GetJsonAsync("/api/analytics/queries/signal-mix?from=2026-11-26&to=2026-11-28");
        Assert.Equal(21, mix.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("signals").GetInt64()));

        var top = await http.GetJsonAsync("/api/analytics/queries/top-enterprises?from=2026-11-26&to=2026-11-28&by=signals");
        Assert.Equal(SodaAsh, top.GetProperty("rows")[0].GetProperty("enterprise_id").GetString());
        Assert.Equal(11, top.GetProperty("rows")[0].GetProperty("signals").GetInt64());
    }

    [Theory]
    [InlineData("POST", "/api/analytics/sql", "DROP TABLE events", HttpStatusCode.Forbidden, "refused")]
    [InlineData("POST", "/api/analytics/sql", "SELECT * FROM read_csv('/etc/passwd')", HttpStatusCode.Forbidden, "no access to files")]
    [InlineData("POST", "/api/analytics/sql", "ATTACH 'x.duckdb'", HttpStatusCode.Forbidden, "ATTACH statements are refused")]
    [InlineData("POST", "/api/analytics/sql", "SELECT nope FROM events", HttpStatusCode.BadRequest, "nope")]
    [InlineData("POST", "/api/analytics/sql", "SELEC 1", HttpStatusCode.BadRequest, "syntax error")]
    [InlineData("GET", "/api/analytics/queries/no-such-query", null, HttpStatusCode.NotFound, "no named query")]
    [InlineData("GET", "/api/analytics/queries/signal-mix?from=yesterday", null, HttpStatusCode.BadRequest, "must be a date")]
    [InlineData("GET", "/api/analytics/queries/signal-mix?format=xlsx", null, HttpStatusCode.BadRequest, "Unknown format")]
    [InlineData("GET", "/api/analytics/queries/top-enterprises?by=size", null, HttpStatusCode.BadRequest, "must be one of")]
    public async Task BadOrForbiddenInput_IsAClear4xx(string method, string url, string? sql, HttpStatusCode status, string detail)
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var response = method == "POST" ? await http.PostAsync(url, Sql(sql!)) : await http.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(detail, (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{\"sql\": \"SELECT '\\x'\"}", "not valid JSON")]
    [InlineData("{\"query\": \"SELECT 1\"}", "Send {\"sql\"")]
    [InlineData("[\"SELECT 1\"]", "Send {\"sql\"")]
    public async Task ASqlBodyThatIsNotTheRequest_IsAClear400(string body, string detail)
    {
        await using var app = await FusionApp.StartAsync();
        var response = await app.CreateClient().PostAsync("/api/analytics/sql", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, (await response.JsonAsync()).GetProperty("detail").GetString());
        // The host answered the request itself (what else it logs, a port another test holds, is not this test's concern).
        Assert.DoesNotContain(app.Errors, e => e.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AnyFormat_ByQueryStringOrAccept_AndArrowReadsBackLikeJson()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await FeedAsync(http);
        await app.CaughtUpAsync();
        const string url = "/api/analytics/queries/signal-mix?from=2026-11-26&to=2026-11-28";

        var csv = await http.GetAsync(url + "&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("day,region_id,feed,signals", await csv.Content.ReadAsStringAsync());

        var parquet = await http.GetAsync(url + "&format=parquet");
        Assert.Equal("application/vnd.apache.parquet", parquet.Content.Headers.ContentType!.MediaType);
        Assert.Equal("PAR1"u8.ToArray(), (await parquet.Content.ReadAsByteArrayAsync())[..4]);

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/vnd.apache.arrow.stream");
        var arrow = await http.SendAsync(request);
        Assert.Equal("application/vnd.apache.arrow.stream", arrow.Content.Headers.ContentType!.MediaType);
        using var reader = new ArrowStreamReader(await arrow.Content.ReadAsStreamAsync());
        long total = 0;
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
            using (batch) total += Enumerable.Range(0, batch.Length).Sum(i => ((Apache.Arrow.Int64Array)batch.Column("signals")).GetValue(i)!.Value);
        var json = await http.GetJsonAsync(url);
        Assert.Equal(json.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("signals").GetInt64()), total);
    }

    [Fact]
    public async Task GivenMartenRedeliversEverythingAfterARestart_ThenDuckDbStillHoldsEachEventOnce()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-data-").FullName;
        var settings = new Dictionary<string, string?> { ["Fusion:DataFolder"] = folder };
        string connection;
        await using (var first = await FusionApp.StartAsync(settings: settings))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await FeedAsync(http);
            await first.CaughtUpAsync();
            await AssertSameCountAsStoreAsync(first, http);
        }
        // As if the process died after DuckDB committed but before Marten stored its progress: Marten starts over.
        await using (var conn = new NpgsqlConnection(connection))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("DELETE FROM fusion.mt_event_progression WHERE name LIKE 'analytics%'", conn);
            Assert.True(await cmd.ExecuteNonQueryAsync() > 0);
        }
        await using var second = await FusionApp.StartAsync(connection, settings: settings);
        var http2 = second.CreateClient();
        await FeedAsync(http2, from: 100, alarms: 5);
        await second.CaughtUpAsync();
        await AssertSameCountAsStoreAsync(second, http2);
        Assert.Equal(0, await ScalarAsync(http2, "SELECT count(*) FROM (SELECT sequence FROM events GROUP BY sequence HAVING count(*) > 1)"));
    }

    [Fact]
    public async Task GivenHistory_WhenRebuiltWhileRunning_ThenTheNewFileHasTheSameRowsAndTakesNewEvents()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await FeedAsync(http);
        await app.CaughtUpAsync();
        const string fingerprint = "SELECT count(*) * 1000003 + sum(sequence) + sum(hash(kind || payload::VARCHAR || recorded_at::VARCHAR) % 1000) FROM events";
        var before = await ScalarAsync(http, fingerprint);
        var fileBefore = (await http.GetJsonAsync("/api/analytics/status")).GetProperty("file").GetString();

        var output = new StringWriter();
        var code = await AnalyticsCli.RebuildAsync(["--url", http.BaseAddress!.ToString(), "--token", app.Token("operator", Roles.Admin)], output, output);
        Assert.True(code == 0, output.ToString());
        Assert.Contains("done", output.ToString());

        var status = await http.GetJsonAsync("/api/analytics/status");
        Assert.NotEqual(fileBefore, status.GetProperty("file").GetString());
        Assert.False(File.Exists(fileBefore));
        Assert.Equal(before, await ScalarAsync(http, fingerprint));

        await FeedAsync(http, from: 200, alarms: 3);
        await app.CaughtUpAsync();
        await AssertSameCountAsStoreAsync(app, http);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("fusion_analytics_lag", metrics);
    }

    [Fact]
    public async Task TheQueryVerb_RunsANamedQueryOrSqlAgainstTheRunningPlatform()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await FeedAsync(http);
        await app.CaughtUpAsync();
        var url = http.BaseAddress!.ToString();
        var token = app.Token("李敏", Roles.Analyst);

        var csv = new StringWriter();
        Assert.Equal(0, await AnalyticsCli.RunAsync(["signal-mix", "--from", "2026-11-26", "--to", "2026-11-28", "--format", "csv", "--url", url, "--token", token], csv, csv));
        Assert.StartsWith("day,region_id,feed,signals", csv.ToString());

        var file = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.parquet");
        try
        {
            var said = new StringWriter();
            Assert.Equal(0, await AnalyticsCli.RunAsync(["--sql", "SELECT * FROM events", "--format", "parquet", "--out", file, "--url", url, "--token", token], said, said));
            Assert.Equal("PAR1"u8.ToArray(), File.ReadAllBytes(file)[..4]);
        }
        finally
        {
            File.Delete(file);
        }

        var refused = new StringWriter();
        Assert.Equal(1, await AnalyticsCli.RunAsync(["--sql", "DELETE FROM events", "--url", url, "--token", token], refused, refused));
        Assert.Contains("403", refused.ToString());
        Assert.Equal(2, await AnalyticsCli.RunAsync(["--format", "xlsx", "signal-mix"], refused, refused));
    }
    [Fact]
    public async Task MoreQueriesThanTheCap_Get503WithRetryAfter_AndAClientThatGoesAwayFreesItsPlace()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Analytics:MaxConcurrentQueries"] = "1", ["Analytics:QueryTimeoutSeconds"] = "600" });
        var runner = app.Services.GetRequiredService<Fusion.Projections.Queries.AnalyticsQueryRunner>();
        var http = app.CreateClient();
        Assert.Equal(42, await ScalarAsync(http, "SELECT 42"));

        using var leaving = new CancellationTokenSource();
        var endless = http.PostAsync("/api/analytics/sql", Sql("SELECT count(*) FROM range(1000000000000) a, range(10) b"), leaving.Token);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (runner.InFlight == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(1, runner.InFlight);

        var refused = await http.PostAsync("/api/analytics/sql", Sql("SELECT 42"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without Retry-After");
        var problem = await refused.JsonAsync();
        Assert.Equal("analytics", problem.GetProperty("dependency").GetString());
        Assert.Contains("running already", problem.GetProperty("detail").GetString());

        // The client gives up: its query is interrupted long before the ten-minute limit and the next one runs.
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => endless);
        deadline = DateTime.UtcNow.AddMinutes(2);
        while (runner.InFlight > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(0, runner.InFlight);
        Assert.Equal(42, await ScalarAsync(http, "SELECT 42"));
    }
}
