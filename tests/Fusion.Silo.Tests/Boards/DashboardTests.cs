using System.Diagnostics;
using System.Net;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.Simulation;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Warnings;
using Marten;
using Fusion.Silo.Boards;
using Fusion.Silo.Demo;
using Fusion.Silo.Notifications;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Risk;
using Fusion.Silo.Tests.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Fusion.Silo.Tests.Boards;

/// <summary>
/// There is no Grafana here, so the dashboards are proven the way Grafana would use them: each a valid model whose
/// data sources are provisioned, and every query of every panel run against a real Prometheus scraping the host and
/// the real PostgreSQL after a simulated run, returning data.
/// </summary>
/// <remarks>
/// Alone: OpenTelemetry listens to every meter named "Fusion" in the process, so a host started by a test running
/// beside this one could own the instruments Prometheus scrapes here.
/// </remarks>
[Collection(nameof(ProofCollection))]
public sealed class DashboardTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    [Fact]
    public void GivenTheDashboards_ThenEachIsAValidGrafanaModel()
    {
        var dashboards = Dashboard.All();
        Assert.Equal(["haixi-situation.json", "platform-health.json", "risk-analysis.json"], dashboards.Select(d => d.File));
        Assert.Equal(dashboards.Count, dashboards.Select(d => d.Model.GetProperty("uid").GetString()).Distinct().Count());
        var problems = new List<string>();
        foreach (var d in dashboards)
        {
            if (d.Model.GetProperty("schemaVersion").GetInt32() < 36) problems.Add($"{d.File}: schemaVersion below 36");
            var panels = d.Panels.ToList();
            if (panels.Count == 0) problems.Add($"{d.File}: no panels");
            foreach (var dup in panels.GroupBy(p => p.GetProperty("id").GetInt32()).Where(g => g.Count() > 1))
                problems.Add($"{d.File}: panel id {dup.Key} used {dup.Count()} times");
            var boxes = panels.Select(p => (Id: p.GetProperty("id").GetInt32(), G: p.GetProperty("gridPos"))).Select(p =>
                (p.Id, X: p.G.GetProperty("x").GetInt32(), Y: p.G.GetProperty("y").GetInt32(), W: p.G.GetProperty("w").GetInt32(), H: p.G.GetProperty("h").GetInt32())).ToList();
            foreach (var b in boxes.Where(b => b.X < 0 || b.W < 1 || b.H < 1 || b.X + b.W > 24))
                problems.Add($"{d.File}: panel {b.Id} lies outside the 24-column grid");
            foreach (var (a, b) in boxes.SelectMany((a, i) => boxes.Skip(i + 1).Select(b => (a, b))))
                if (a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H)
                    problems.Add($"{d.File}: panels {a.Id} and {b.Id} overlap");
            var variables = d.Variables.Select(v => v.GetProperty("name").GetString()!).ToHashSet();
            foreach (var p in panels)
            {
                var title = p.GetProperty("title").GetString()!;
                if (!title.Any(c => c >= 0x4E00 && c <= 0x9FFF) || !title.Any(char.IsAsciiLetter)) problems.Add($"{d.File}: panel '{title}' needs Chinese with English beside it");
                foreach (var name in Dashboard.ReferencedVariables(p.GetRawText()).Where(n => !variables.Contains(n)))
                    problems.Add($"{d.File}: panel '{title}' refers to ${name}, which the dashboard does not define");
            }
            foreach (var v in d.Variables)
                foreach (var name in Dashboard.ReferencedVariables(v.GetProperty("query").GetString() ?? "").Where(n => !variables.Contains(n)))
                    problems.Add($"{d.File}: variable {v.GetProperty("name")} refers to ${name}, which the dashboard does not define");
        }
        var provisioned = ProvisionedDataSources().Select(s => s.Uid).ToHashSet();
        foreach (var q in dashboards.SelectMany(d => d.Queries).Where(q => !provisioned.Contains(q.DatasourceUid)))
            problems.Add($"{q}: data source uid '{q.DatasourceUid}' is not provisioned");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task GivenTheDashboards_ThenGrafanasPublishedSchemaAcceptsEachModelAndEveryPanelsOptions_AndABrokenOptionIsRefused()
    {
        var (status, output) = await SchemaCheckAsync(Dashboard.Folder);
        Assert.True(status == 0, output);

        // The check is not vacuous: a copy with a misspelt option and an enum value Grafana does not know is refused, naming the panel.
        var broken = Directory.CreateTempSubdirectory("fusion-dashboards-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Dashboard.Folder, "*.json")) File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
            var path = Path.Combine(broken, "haixi-situation.json");
            var text = await File.ReadAllTextAsync(path);
            await File.WriteAllTextAsync(path, text.Replace("\"pieType\": \"donut\"", "\"pieType\": \"doughnut\"").Replace("\"colorMode\": \"background\"", "\"colourMode\": \"background\""));
            (status, output) = await SchemaCheckAsync(broken);
            Assert.True(status == 1, output);
            Assert.Contains("panel 6 '企业风险等级 Enterprises by level' (piechart): Type '\"doughnut\"' is not assignable", output);
            Assert.Contains("'\"colourMode\"' does not exist", output);
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }
    }

    /// <summary>dashboards/schema/check.mjs: the dashboards against @grafana/schema's types (npm ci of its lock into the data folder once).</summary>
    static async Task<(int Status, string Output)> SchemaCheckAsync(string dashboards)
    {
        var data = Environment.GetEnvironmentVariable("FUSION_DATA") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "fusion");
        var work = Path.Combine(data, "grafana-schema");
        var start = new ProcessStartInfo("node", [Path.Combine(Dashboard.Folder, "schema", "check.mjs"), dashboards, work])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("node is not installed; ./fusion test installs it (nodejs, npm)", e); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
    }

    [Fact]
    public void GivenTheProvisioning_ThenBothDataSourcesHaveFixedUidsAndTakeTheirCredentialsFromTheEnvironment_AndAProviderLoadsTheDashboards()
    {
        var sources = ProvisionedDataSources();
        Assert.Equal([(Dashboard.PrometheusUid, "prometheus"), (Dashboard.PostgresUid, "grafana-postgresql-datasource")], sources.Select(s => (s.Uid, s.Type)));
        var postgres = sources.Single(s => s.Uid == Dashboard.PostgresUid).Node;
        Assert.Matches(@"^\$\{\w+\}$", ((YamlScalarNode)((YamlMappingNode)postgres["secureJsonData"])["password"]).Value);
        Assert.Matches(@"^\$\{\w+\}$", ((YamlScalarNode)postgres["user"]).Value);
        var providers = (YamlSequenceNode)Yaml("provisioning/dashboards/fusion.yaml")["providers"];
        var options = (YamlMappingNode)((YamlMappingNode)providers.Single())["options"];
        Assert.Equal("${FUSION_DASHBOARDS}", ((YamlScalarNode)options["path"]).Value);
    }

    [Fact]
    public async Task GivenThePlatformAlertRules_ThenPromtoolAcceptsThem()
    {
        var promtool = Path.Combine(Path.GetDirectoryName(PrometheusServer.Binary() ?? throw new InvalidOperationException("prometheus (with promtool) is not installed; ./fusion test installs it"))!, "promtool");
        using var process = Process.Start(new ProcessStartInfo(promtool, ["check", "rules", Path.Combine(Dashboard.Folder, "alerts.yml")]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public async Task GivenASimulatedMonth_WhenEveryPanelsQueryRunsAgainstARealPrometheusAndPostgreSql_ThenEachRunsAndReturnsData()
    {
        // The warnings the month raises are notified: one webhook route to a receiver on loopback (deliveries), one to a
        // port nobody listens on (failures, retried).
        var secret = WebhookSignature.NewSecret();
        var hooks = Directory.CreateTempSubdirectory("fusion-proof-hooks-").FullName;
        var hookPort = FreePort();
        await using var receiver = new LoopbackWebhookReceiver(hookPort, secret, hooks);
        await receiver.StartAsync();
        await using var app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Boards:RefreshEvery"] = "00:00:02", ["Fusion:Warnings:TickEvery"] = "00:00:01", ["Fusion:Hj212:Port"] = "0", ["Fusion:Hj212:Address"] = "127.0.0.1",
            ["Fusion:Notifications:Webhooks:0:Name"] = "duty-desk", ["Fusion:Notifications:Webhooks:0:Url"] = $"http://127.0.0.1:{hookPort}/hook", ["Fusion:Notifications:Webhooks:0:Secret"] = secret,
            ["Fusion:Notifications:Webhooks:1:Name"] = "unreachable", ["Fusion:Notifications:Webhooks:1:Url"] = $"http://127.0.0.1:{FreePort()}/hook",
            ["Fusion:Notifications:Webhooks:1:Secret"] = secret, ["Fusion:Notifications:FirstDelay"] = "00:00:00.5", ["Fusion:Notifications:MaxDelay"] = "00:00:02",
        });
        var baseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2), DefaultRequestHeaders = { Authorization = app.Tokens.Bearer("simulator", [Fusion.Silo.Security.Roles.Connector, Fusion.Silo.Security.Roles.Admin], TimeSpan.FromHours(1)) } };

        // A month of the Haixi simulation through the real ingest endpoints, as the demo plays it.
        var seed = HaixiSeed.Deserialize(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Seed", "haixi-master-data.json")));
        var runner = new SimulatorRunner(http, baseUrl, app.Time);
        await runner.PostMasterDataAsync(seed);
        var simulator = new HaixiSimulator(seed, T0.AddDays(-30));
        await runner.BackfillAsync(simulator, simulator.Start, T0);
        Assert.True(runner.Totals.Accepted > 1000, $"the simulation accepted only {runner.Totals.Accepted} records");
        await http.PostAsync(new Uri(baseUrl, "/api/ingest/camera-alarms"), new StringContent("[{\"alarmId\":\"broken\"}]", System.Text.Encoding.UTF8, "application/json"));
        // Twenty data loggers over TCP for an hour of data, two of them above their limits.
        var monitors = app.Services.GetRequiredService<MasterDataCache>().Current.Monitors.Values.OrderBy(m => m.MonitorId, StringComparer.Ordinal).Take(20);
        var port = await app.Services.GetRequiredService<Hj212Listener>().Port;
        var hj212 = await Hj212TcpSimulator.RunAsync(new IPEndPoint(IPAddress.Loopback, port),
            Hj212Simulation.WithPasswords(Hj212Simulation.Fleet(monitors.Select(m => (m.MonitorId, m.Limits))), seed), T0.AddHours(-2), 61, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(hj212.Sent, hj212.Acknowledged);
        // Then they fall silent beyond the allowed gap: monitoring gaps, devices offline.
        app.Time.Advance(TimeSpan.FromHours(2.1));
        for (var i = 0; i < 300 && !await AnyAsync<MonitoringGapDetected>(app); i++) await Task.Delay(100);
        await app.Services.GetRequiredService<RegionAssessor>().AssessAsync(CancellationToken.None);
        await app.CaughtUpAsync();
        await app.Services.GetRequiredService<BoardRefresh>().RefreshAsync(CancellationToken.None);
        // The month made the shipped warning rules fire; the board holds the store's open warnings.
        var openWarnings = await OpenWarningsAsync(app);
        Assert.True(openWarnings.Store.Count > 0, "the simulated month raised no warning");
        Assert.Equal(openWarnings.Store, openWarnings.Board);

        var queries = Dashboard.All().SelectMany(d => d.Queries).ToList();
        var failures = new List<string>();

        // SQL as Grafana's PostgreSQL data source sends it, over the simulated month (the time picker set to it).
        var (from, to) = (T0.AddDays(-30), T0.AddHours(3));
        await using var db = new NpgsqlConnection(app.ConnectionString);
        await db.OpenAsync();
        var enterprise = (await RunSqlAsync(db, GrafanaMacros.Sql(queries.Single(q => q.Where == "variable enterprise").Text, from, to, new Dictionary<string, string> { ["region"] = "all" }))).FirstValue;
        Assert.NotNull(enterprise);
        foreach (var region in new[] { "all", "GOLMUD" })
            foreach (var q in queries.Where(q => q.DatasourceUid == Dashboard.PostgresUid))
            {
                var sql = GrafanaMacros.Sql(q.Text, from, to, new Dictionary<string, string> { ["region"] = region, ["enterprise"] = enterprise! });
                try
                {
                    var result = await RunSqlAsync(db, sql);
                    if (region == "all" && result.Rows == 0) failures.Add($"{q}: no rows\n{sql}");
                    if (q.Format == "time_series" && !result.Columns.Contains("time")) failures.Add($"{q}: a time series needs a 'time' column, has {string.Join(", ", result.Columns)}");
                }
                catch (PostgresException e)
                {
                    failures.Add($"{q} (region {region}): {e.MessageText}\n{sql}");
                }
            }

        // PromQL through Prometheus's HTTP API, once it has scraped the host for a while.
        await using var prometheus = await PrometheusServer.StartAsync(baseUrl, Path.Combine(Dashboard.Folder, "alerts.yml"));
        var promQueries = queries.Where(q => q.DatasourceUid == Dashboard.PrometheusUid).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(180);
        List<string> promFailures;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            promFailures = [];
            foreach (var q in promQueries)
            {
                var expr = GrafanaMacros.PromQl(q.Text, new Dictionary<string, string>());
                var (series, error) = await prometheus.QueryRangeAsync(expr);
                if (error is not null || series == 0) promFailures.Add($"{q}: {error ?? "no series"}\n{expr}");
            }
        } while (promFailures.Count > 0 && DateTime.UtcNow < deadline);
        failures.AddRange(promFailures);
        if (promFailures.Count > 0)
            failures.Add("scrape target: " + (await prometheus.GetJsonAsync("api/v1/targets")).GetProperty("data").GetProperty("activeTargets").GetRawText());

        // The alerting rules load and evaluate without error; the host being up, it is not reported down.
        var groups = (await prometheus.GetJsonAsync("api/v1/rules")).GetProperty("data").GetProperty("groups").EnumerateArray().ToList();
        var rules = groups.SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.Equal(7, rules.Count);
        foreach (var r in rules.Where(r => r.GetProperty("health").GetString() is not ("ok" or "unknown")))
            failures.Add($"alert rule {r.GetProperty("name")}: {r.GetProperty("health")} {r.GetProperty("lastError")}");
        Assert.Equal("inactive", rules.Single(r => r.GetProperty("name").GetString() == "FusionHostDown").GetProperty("state").GetString());

        Assert.True(failures.Count == 0, $"{failures.Count} of {queries.Count} queries failed:\n" + string.Join("\n\n", failures));
        Assert.NotEmpty(Directory.GetFiles(hooks));
        Directory.Delete(hooks, recursive: true);
    }

    /// <summary>Open warnings by rule as the store's warning views and the board count them, once both agree or a minute has passed.</summary>
    static async Task<(List<string> Store, List<string> Board)> OpenWarningsAsync(FusionApp app)
    {
        await using var db = new NpgsqlConnection(app.ConnectionString);
        await db.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await app.CaughtUpAsync();
            await using var session = app.Store.QuerySession();
            var store = (await session.Query<WarningView>().Where(w => w.Status != "resolved").Select(w => w.RuleId).ToListAsync())
                .GroupBy(r => r).Select(g => $"{g.Key}|{g.Count()}").Order(StringComparer.Ordinal).ToList();
            var board = new List<string>();
            await using (var cmd = new NpgsqlCommand("SELECT rule_id || '|' || count(*) FROM board.open_warnings GROUP BY rule_id ORDER BY rule_id COLLATE \"C\"", db))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) board.Add(reader.GetString(0));
            if (store.SequenceEqual(board) || DateTime.UtcNow > deadline) return (store, board);
            await Task.Delay(200);
        }
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static async Task<bool> AnyAsync<T>(FusionApp app) where T : class
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<T>().AnyAsync();
    }

    sealed record SqlResult(long Rows, IReadOnlyList<string> Columns, string? FirstValue);

    static async Task<SqlResult> RunSqlAsync(NpgsqlConnection db, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        long rows = 0;
        string? first = null;
        while (await reader.ReadAsync())
        {
            if (rows++ == 0 && reader.FieldCount > 0) first = reader.IsDBNull(0) ? null : reader.GetValue(0).ToString();
        }
        return new SqlResult(rows, columns, first);
    }

    static YamlMappingNode Yaml(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Dashboard.Folder, relative));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    static List<(string Uid, string Type, YamlMappingNode Node)> ProvisionedDataSources() =>
        ((YamlSequenceNode)Yaml("provisioning/datasources/fusion.yaml")["datasources"]).Cast<YamlMappingNode>()
            .Select(n => (((YamlScalarNode)n["uid"]).Value!, ((YamlScalarNode)n["type"]).Value!, n)).ToList();
}

[CollectionDefinition(nameof(ProofCollection), DisableParallelization = true)]
public sealed class ProofCollection;
