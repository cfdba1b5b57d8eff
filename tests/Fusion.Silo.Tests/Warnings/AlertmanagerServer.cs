using System.Text.Json;
using Fusion.Silo.Tests.Hosting;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>A real Prometheus Alertmanager (Debian's prometheus-alertmanager; ./fusion test installs it when missing) on a free loopback port, no cluster.</summary>
public sealed class AlertmanagerServer(LoopbackProcess process) : IAsyncDisposable
{
    public Uri Url => process.Url;

    public static async Task<AlertmanagerServer> StartAsync()
    {
        var binary = LoopbackProcess.Binary("prometheus-alertmanager") ?? throw new InvalidOperationException(
            "prometheus-alertmanager is not installed: ./fusion test installs Debian's package when run as root (apt-get install prometheus-alertmanager)");
        var folder = Directory.CreateTempSubdirectory("fusion-alertmanager-");
        var config = Path.Combine(folder.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(config, """
            route:
              receiver: duty-desk
              group_by: [rule, region]
            receivers:
              - name: duty-desk
            """);
        return new AlertmanagerServer(await LoopbackProcess.StartAsync(binary, folder, port =>
        [
            $"--config.file={config}", $"--storage.path={Path.Combine(folder.FullName, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        ]));
    }

    /// <summary>The alerts Alertmanager holds (active, silenced, inhibited; not resolved ones).</summary>
    public async Task<JsonElement> AlertsAsync() => JsonDocument.Parse(await process.Http.GetStringAsync("api/v2/alerts")).RootElement.Clone();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
