using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Fusion.Silo.Tests.Boards;

/// <summary>A real Prometheus (Debian's package; ./fusion test installs it when missing) on a free loopback port, scraping one target every two seconds.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    readonly Process process;
    readonly DirectoryInfo folder;
    public Uri Url { get; }
    public HttpClient Http { get; }

    PrometheusServer(Process process, DirectoryInfo folder, Uri url)
    {
        this.process = process;
        this.folder = folder;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static string? Binary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin")
            .Select(d => Path.Combine(d, "prometheus")).FirstOrDefault(File.Exists);

    public static async Task<PrometheusServer> StartAsync(Uri target, string rulesFile)
    {
        var binary = Binary() ?? throw new InvalidOperationException(
            "prometheus is not installed: ./fusion test installs Debian's 'prometheus' package when run as root (apt-get install prometheus)");
        var folder = Directory.CreateTempSubdirectory("fusion-prometheus-");
        var config = Path.Combine(folder.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 2s
              scrape_timeout: 2s
              evaluation_interval: 2s
            rule_files:
              - {rulesFile}
            scrape_configs:
              - job_name: fusion
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target.Authority}']
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"prometheus exited ({process.ExitCode}): {log}");
            try
            {
                if ((await server.Http.GetAsync("-/ready")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"prometheus did not become ready: {log}");
            await Task.Delay(200);
        }
    }

    /// <summary>A range query over the last five minutes, as a Grafana panel runs it: the series returned, or the error.</summary>
    public async Task<(int Series, string? Error)> QueryRangeAsync(string expr)
    {
        var end = DateTimeOffset.UtcNow;
        var url = $"api/v1/query_range?query={Uri.EscapeDataString(expr)}&start={end.AddMinutes(-5).ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}&step=5";
        var response = await Http.GetAsync(url);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (body.GetProperty("status").GetString() != "success") return (0, body.GetProperty("error").GetString());
        return (body.GetProperty("data").GetProperty("result").GetArrayLength(), null);
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(path)).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try { folder.Delete(recursive: true); } catch (IOException) { }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
