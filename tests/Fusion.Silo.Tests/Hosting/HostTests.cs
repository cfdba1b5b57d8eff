using System.Net;

namespace Fusion.Silo.Tests.Hosting;

public sealed class HostTests
{
    [Fact]
    public async Task GivenTheHostIsUp_ThenHealthIs200AndTheOpenApiDocumentAndMetricsAreServed()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();

        var health = await http.GetJsonAsync("/health");
        Assert.Equal("up", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("silo").GetBoolean());
        Assert.True(health.GetProperty("subscription").GetBoolean());

        var openApi = await http.GetJsonAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/ingest/camera-alarms", "/api/ingest/fund-deposits", "/api/master-data", "/api/quarantine", "/api/enterprises/{id}/risk" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");

        await http.PostAsync("/api/ingest/camera-alarms", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds", metrics);
    }

    [Fact]
    public async Task GivenTheStoreIsUnreachable_ThenHealthIs503NamingTheStore()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        await using (var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync();
            var db = new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString).Database;
            await using var cmd = new Npgsql.NpgsqlCommand($"ALTER DATABASE {db} WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        Npgsql.NpgsqlConnection.ClearAllPools();

        var response = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False((await response.JsonAsync()).GetProperty("store").GetBoolean());
    }
}
