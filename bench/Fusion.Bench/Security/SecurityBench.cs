using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Fusion.Bench.Ingest;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Fusion.Bench.Security;

/// <summary>
/// What security costs a request, each as a ratio to the same work without it, on one host in the same run:
/// the same public read with a bearer token (validated, though the endpoint needs none) against without one; a small
/// ingest batch carrying a connector key (looked up in the store on every request) against a bearer token; a refused
/// request (401, recorded in the audit) against the public read; a leader's area-filtered warning list against the
/// same list read by an analyst (prefecture-wide).
/// </summary>
public static class SecurityBench
{
    const int Concurrency = 8;

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchOptions options)
    {
        // Requests per side of a measure (each measured twice): about a second each on a quiet machine, the whole bench a
        // minute or two; ingest posts a quarter as many batches of ten.
        var requests = Math.Clamp(options.Records / 20, 200, 20_000);
        var connection = await BenchDatabase.CreateAsync("fusion_bench_security");
        var port = FreePort();
        var app = FusionHost.Build(
        [
            "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:Fusion={connection}",
            $"--Orleans:SiloPort={FreePort()}", $"--Orleans:GatewayPort={FreePort()}", "--Logging:LogLevel:Default=Warning",
            "--Fusion:Hj212:Port=-1", "--Fusion:Hj212:Address=127.0.0.1",
            // The bench's clients would be the rate limiter's flood: out of its way, so the figures are the requests' own cost.
            "--Fusion:RateLimits:Burst=100000000", "--Fusion:RateLimits:PerSecond=100000000",
        ], demo: false);
        await app.StartAsync();
        try
        {
            var tokens = app.Services.GetRequiredService<LocalTokens>();
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            using var anonymous = new HttpClient { BaseAddress = baseAddress };
            using var analyst = Client(baseAddress, tokens.Bearer("bench analyst", [Roles.Analyst], TimeSpan.FromDays(1)));
            using var admin = Client(baseAddress, tokens.Bearer("bench admin", Roles.All, TimeSpan.FromDays(1)));
            var (document, cameras, _) = IngestBench.MasterData();
            (await admin.PostAsJsonAsync("/api/master-data", document)).EnsureSuccessStatusCode();
            var region = document.Regions![0].RegionId;
            using var leader = Client(baseAddress, new AuthenticationHeaderValue("Bearer",
                tokens.Issue("bench leader", [Roles.Leader], TimeSpan.FromDays(1), more: [new("areas", region)])));
            using var bearer = Client(baseAddress, tokens.Bearer("bench connector", [Roles.Connector], TimeSpan.FromDays(1)));
            var issued = await (await admin.PostAsJsonAsync("/api/connector-keys", new { name = "bench NVR", feeds = new[] { "camera-alarms" } })).Content.ReadFromJsonAsync<IssuedConnectorKey>();
            using var keyed = new HttpClient { BaseAddress = baseAddress, DefaultRequestHeaders = { { ConnectorKeys.Header, issued!.Key } } };

            // Each pair measured twice, alternating, and the better of each kept: a disturbance on a shared machine does not decide it.
            async Task<(double Value, double Reference)> PairAsync(Func<int, Task> measured, Func<int, Task> reference, int count = 0)
            {
                double value = 0, refValue = 0;
                for (var round = 0; round < 2; round++)
                {
                    refValue = Math.Max(refValue, await RateAsync(count > 0 ? count : requests, reference));
                    value = Math.Max(value, await RateAsync(count > 0 ? count : requests, measured));
                }
                return (value, refValue);
            }

            await RateAsync(requests / 5, _ => Ok(anonymous.GetAsync("/api/blacklist"))); // warm-up: JIT, pools, the issuer's key
            var token = await PairAsync(_ => Ok(analyst.GetAsync("/api/blacklist")), _ => Ok(anonymous.GetAsync("/api/blacklist")));
            var refused = await PairAsync(_ => Expect(anonymous.GetAsync("/api/regions"), HttpStatusCode.Unauthorized), _ => Ok(anonymous.GetAsync("/api/blacklist")));
            var areas = await PairAsync(_ => Ok(leader.GetAsync("/api/warnings?limit=100")), _ => Ok(analyst.GetAsync("/api/warnings?limit=100")));
            // A day before now: inside the accepted time window (dates are checked against now).
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            object[] Batch(string who, int i) => [.. Enumerable.Range(0, 10).Select(j => new
            {
                alarmId = $"{who}-{i}-{j}", cameraId = cameras[(i * 10 + j) % cameras.Count], alarmType = "smoke-and-dust", confidence = 0.8,
                occurredAt = start.AddSeconds(i * 10 + j),
            })];
            var batches = 0;
            var key = await PairAsync(_ => Ok(keyed.PostAsJsonAsync("/api/ingest/camera-alarms", Batch("key", Interlocked.Increment(ref batches)))),
                _ => Ok(bearer.PostAsJsonAsync("/api/ingest/camera-alarms", Batch("token", Interlocked.Increment(ref batches)))), Math.Max(50, requests / 4));
            return
            [
                new("public read with a bearer token vs without (req/s)", token.Value, token.Reference, "req/s"),
                new("refused 401, audited (req/s) vs public read", refused.Value, refused.Reference, "req/s"),
                new("leader's area-filtered warnings vs analyst's (req/s)", areas.Value, areas.Reference, "req/s"),
                new("ingest of 10 with a connector key vs token (req/s)", key.Value, key.Reference, "req/s"),
            ];
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static HttpClient Client(Uri baseAddress, AuthenticationHeaderValue authorization) =>
        new() { BaseAddress = baseAddress, DefaultRequestHeaders = { Authorization = authorization } };

    /// <summary>Requests per second: <paramref name="count"/> requests, <see cref="Concurrency"/> at a time.</summary>
    static async Task<double> RateAsync(int count, Func<int, Task> request)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) await request(i);
        }));
        return count / watch.Elapsed.TotalSeconds;
    }

    static Task Ok(Task<HttpResponseMessage> call) => Expect(call, HttpStatusCode.OK);

    static async Task Expect(Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
