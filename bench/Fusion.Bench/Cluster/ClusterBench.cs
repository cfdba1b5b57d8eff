using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fusion.Bench.Ingest;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;
using Fusion.Silo.Security;
using Microsoft.IdentityModel.Tokens;

namespace Fusion.Bench.Cluster;

/// <summary>
/// Issue 16's figures, each silo the built host in a process of its own on this machine:
/// ingest throughput of two silos (one Orleans cluster over a loopback redis-server, one store) against one silo alone,
/// the same camera-alarm batches posted by the same clients; then, with an HJ 212 logger connected to the silo whose
/// daemon is hot, that silo is killed (SIGKILL) and the time is measured until the survivor runs every subscription, holds
/// the time-driven duties, and has acknowledged the logger's frame sent to it after the loss of its connection — each
/// against a cold start of one silo to healthy (what restarting the killed process would take instead).
/// </summary>
public static class ClusterBench
{
    const int Clients = 8;
    const int BatchSize = 500;
    const string MonitorId = "63280100009999CLUSTER000";

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchOptions options)
    {
        var records = Math.Max(BatchSize * Clients, options.Records);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var token = new LocalTokens(new SymmetricSecurityKey(Convert.FromBase64String(key)), new AuthOptions().Audience)
            .Issue("bench cluster", Roles.All, TimeSpan.FromDays(1));
        var (document, cameras, _) = IngestBench.MasterData();
        var logger = new SimulatedMonitor(MonitorId, Hj212Simulation.OutfallLimits) { Password = "123456" };
        var withMonitor = document with
        {
            Enterprises = [.. document.Enterprises!, new EnterpriseRecord(CreditCode.Complete("91632801MA7E0001X"), "Bench Logger Enterprise", "potash", "GOLMUD",
                1_000_000_000m, 94.95, 36.4, [new SiteRecord("S-LOGGER", "outfall", "Logger outfall", 94.95, 36.401, null,
                    [new MonitorRecord(MonitorId, Hj212Simulation.OutfallLimits, AccessPassword: logger.Password)])])],
        };
        var start = DateTimeOffset.UtcNow.AddHours(-6);

        // One silo alone (the single-machine default: localhost clustering, the daemon in Solo mode). Its start-up is the
        // reference for the failover times.
        double single, singleStart;
        {
            var connection = await BenchDatabase.CreateAsync("fusion_bench_cluster_one");
            var started = Stopwatch.StartNew();
            await using var silo = await Silo.StartAsync("one", connection, key, token);
            singleStart = started.Elapsed.TotalSeconds;
            await silo.PostAsync("/api/master-data", withMonitor);
            single = await IngestAsync([silo], cameras, "one", start, records);
            Console.WriteLine($"  one silo: {records:N0} alarms acknowledged at {single:N0}/s; start to healthy {singleStart:N1} s");
        }

        await using var redis = await Redis.StartAsync();
        var clusterConnection = await BenchDatabase.CreateAsync("fusion_bench_cluster_two");
        string[] clustered = [$"Fusion:Cluster:Redis=127.0.0.1:{redis.Port}", $"Orleans:ClusterId=bench-{Guid.NewGuid():N}"];
        await using var first = await Silo.StartAsync("silo-1", clusterConnection, key, token, clustered);
        await using var second = await Silo.StartAsync("silo-2", clusterConnection, key, token, clustered);
        await first.PostAsync("/api/master-data", withMonitor);
        await Until("the second silo knows the master data", TimeSpan.FromMinutes(2), async () =>
            (await second.Http.GetAsync($"/api/enterprises/{document.Enterprises![0].EnterpriseId}/risk")).IsSuccessStatusCode);
        var two = await IngestAsync([first, second], cameras, "two", start, records);
        Console.WriteLine($"  two silos: {records:N0} alarms acknowledged at {two:N0}/s");

        // Failover: which daemon is hot, a logger connected to that silo, then SIGKILL.
        Silo hot = null!, survivor = null!;
        await Until("one silo runs the subscriptions", TimeSpan.FromMinutes(2), async () =>
        {
            var a = await first.HealthAsync();
            var b = await second.HealthAsync();
            (hot, survivor) = Hot(a) ? (first, second) : Hot(b) ? (second, first) : (null!, null!);
            return hot is not null;
        });
        Console.WriteLine($"  hot: {hot.Name}; its duties held: {(await hot.HealthAsync()).GetProperty("duties").GetBoolean()}");
        var before = await Hj212TcpSimulator.RunAsync(new IPEndPoint(IPAddress.Loopback, hot.Hj212Port), [logger], start, 1, TimeSpan.Zero, CancellationToken.None, TimeSpan.FromMinutes(1));
        if (before.Acknowledged != before.Sent) throw new InvalidOperationException($"the logger's frames to {hot.Name} were not acknowledged ({before.Acknowledged} of {before.Sent})");

        var killed = Stopwatch.StartNew();
        hot.Kill();
        double? subscriptions = null, duties = null, session = null;
        var loggerTask = Task.Run(async () =>
        {
            // The logger lost its connection: it dials the other silo and sends its next minute until it is acknowledged.
            for (var minute = 1; killed.Elapsed < TimeSpan.FromMinutes(5); minute++)
            {
                try
                {
                    var r = await Hj212TcpSimulator.RunAsync(new IPEndPoint(IPAddress.Loopback, survivor.Hj212Port), [logger], start.AddMinutes(minute), 1,
                        TimeSpan.Zero, CancellationToken.None, TimeSpan.FromSeconds(30));
                    if (r.Sent > 0 && r.Acknowledged == r.Sent) return killed.Elapsed.TotalSeconds;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException) { }
                await Task.Delay(50);
            }
            return double.NaN;
        });
        while (killed.Elapsed < TimeSpan.FromMinutes(5) && (subscriptions is null || duties is null))
        {
            try
            {
                var health = await survivor.HealthAsync();
                if (subscriptions is null && Hot(health)) subscriptions = killed.Elapsed.TotalSeconds;
                if (duties is null && health.GetProperty("duties").GetBoolean()) duties = killed.Elapsed.TotalSeconds;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        session = await loggerTask;
        Console.WriteLine($"  after SIGKILL of {hot.Name}: subscriptions running on {survivor.Name} in {subscriptions:N2} s, duties in {duties:N2} s, " +
                          $"the logger's frame acknowledged there in {session:N2} s");

        return
        [
            new BenchResult("cluster: two silos ingest (alarms/s)", two, single, "÷ one silo alone"),
            new BenchResult("cluster: failover, subscriptions running (s)", subscriptions ?? double.NaN, singleStart, "÷ cold start of one silo"),
            new BenchResult("cluster: failover, duties held (s)", duties ?? double.NaN, singleStart, "÷ cold start of one silo"),
            new BenchResult("cluster: failover, HJ 212 logger served (s)", session ?? double.NaN, singleStart, "÷ cold start of one silo"),
        ];
    }

    /// <summary>Whether a silo's /health shows every subscription running on it (the hot daemon), none standing by.</summary>
    static bool Hot(JsonElement health) =>
        health.GetProperty("consumers").EnumerateArray().Any()
        && health.GetProperty("consumers").EnumerateArray().All(c => c.GetProperty("state").GetString() == "Running");

    /// <summary>Alarms acknowledged per second: batches of <see cref="BatchSize"/> posted by <see cref="Clients"/> clients, spread over the silos.</summary>
    static async Task<double> IngestAsync(IReadOnlyList<Silo> silos, IReadOnlyList<string> cameras, string run, DateTimeOffset start, int records)
    {
        var batches = records / BatchSize;
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var silo = silos[client % silos.Count];
            for (var b = Interlocked.Increment(ref next); b < batches; b = Interlocked.Increment(ref next))
            {
                var batch = Enumerable.Range(0, BatchSize).Select(i => new
                {
                    alarmId = $"{run}-{b}-{i}", cameraId = cameras[(b * BatchSize + i) % cameras.Count], alarmType = "smoke-and-dust", confidence = 0.8,
                    occurredAt = start.AddMilliseconds((b * BatchSize + i) * 100.0),
                }).ToArray();
                await silo.PostAsync("/api/ingest/camera-alarms", batch);
            }
        })));
        return batches * BatchSize / watch.Elapsed.TotalSeconds;
    }

    static async Task Until(string what, TimeSpan limit, Func<Task<bool>> check)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await check()) return;
            }
            catch (HttpRequestException) { }
            if (watch.Elapsed > limit) throw new TimeoutException($"not within {limit.TotalSeconds:N0} s: {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>The built host (Fusion.Silo.dll beside the bench), verb `run`, on free ports.</summary>
    sealed class Silo : IAsyncDisposable
    {
        readonly Process process;
        readonly StringBuilder log = new();
        public required string Name { get; init; }
        public required HttpClient Http { get; init; }
        public required int Hj212Port { get; init; }

        Silo(Process process) => this.process = process;

        public static async Task<Silo> StartAsync(string name, string connection, string key, string token, params string[] settings)
        {
            var port = BenchDatabase.FreePort();
            var hj212 = BenchDatabase.FreePort();
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["DOTNET_CONTENTROOT"] = AppContext.BaseDirectory;
            foreach (var a in new[]
                     {
                         Path.Combine(AppContext.BaseDirectory, "Fusion.Silo.dll"), "run", "--urls", $"http://127.0.0.1:{port}",
                         $"--ConnectionStrings:Fusion={connection}", $"--Orleans:SiloPort={BenchDatabase.FreePort()}",
                         $"--Orleans:GatewayPort={BenchDatabase.FreePort()}", $"--Fusion:DataFolder={Directory.CreateTempSubdirectory("fusion-bench-cluster-").FullName}",
                         $"--Fusion:Hj212:Port={hj212}", "--Fusion:Hj212:Address=127.0.0.1", $"--Fusion:Auth:SigningKey={key}",
                         "--Logging:LogLevel:Default=Warning", "--Fusion:RateLimits:Burst=100000000", "--Fusion:RateLimits:PerSecond=100000000",
                     }.Concat(settings.Select(s => $"--{s}")))
                info.ArgumentList.Add(a);
            var process = Process.Start(info)!;
            var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var silo = new Silo(process) { Name = name, Http = http, Hj212Port = hj212 };
            process.OutputDataReceived += (_, e) => { lock (silo.log) silo.log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (silo.log) silo.log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var watch = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"{name} exited ({process.ExitCode}): {silo.Log}");
                try
                {
                    if ((await http.GetAsync("/health")).IsSuccessStatusCode) return silo;
                }
                catch (HttpRequestException) { }
                if (watch.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"{name} did not become healthy: {silo.Log}");
                await Task.Delay(100);
            }
        }

        string Log
        {
            get { lock (log) return log.ToString(); }
        }

        public async Task PostAsync<T>(string path, T body)
        {
            using var response = await Http.PostAsJsonAsync(path, body);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{Name} POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        public async Task<JsonElement> HealthAsync()
        {
            using var response = await Http.GetAsync("/health");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        public void Kill() => process.Kill(entireProcessTree: true);

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }

    /// <summary>Debian's redis-server on a free loopback port, nothing saved: the cluster's membership table.</summary>
    sealed class Redis : IAsyncDisposable
    {
        readonly Process process;
        public int Port { get; }

        Redis(Process process, int port)
        {
            this.process = process;
            Port = port;
        }

        public static async Task<Redis> StartAsync()
        {
            var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
                         ?? throw new InvalidOperationException("redis-server is not installed (./fusion bench installs it when run as root)");
            var port = BenchDatabase.FreePort();
            var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
                info.ArgumentList.Add(a);
            var process = Process.Start(info)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var redis = new Redis(process, port);
            await Until("redis-server answers", TimeSpan.FromSeconds(30), async () =>
            {
                try
                {
                    using var client = new System.Net.Sockets.TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (System.Net.Sockets.SocketException) { return false; }
            });
            return redis;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }
}
