using System.Text.Json;
using Fusion.Silo.Tests.Hosting;

namespace Fusion.Silo.Tests.Boards;

/// <summary>A real Prometheus (Debian's package; ./fusion test installs it when missing) on a free loopback port, scraping one target every two seconds.</summary>
public sealed class PrometheusServer(LoopbackProcess process) : IAsyncDisposable
{
    public Uri Url => process.Url;
    public HttpClient Http => process.Http;

    public static string? Binary() => LoopbackProcess.Binary("prometheus");

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
        return new PrometheusServer(await LoopbackProcess.StartAsync(binary, folder, port =>
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder.FullName, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        ]));
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

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
