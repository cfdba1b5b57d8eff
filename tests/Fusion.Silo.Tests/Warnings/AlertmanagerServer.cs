using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>A real Prometheus Alertmanager (Debian's prometheus-alertmanager; ./fusion test installs it when missing) on a free loopback port, no cluster.</summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    readonly Process process;
    readonly DirectoryInfo folder;
    public Uri Url { get; }
    public HttpClient Http { get; }

    AlertmanagerServer(Process process, DirectoryInfo folder, Uri url)
    {
        this.process = process;
        this.folder = folder;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<AlertmanagerServer> StartAsync()
    {
        var binary = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin")
            .Select(d => Path.Combine(d, "prometheus-alertmanager")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("prometheus-alertmanager is not installed: ./fusion test installs Debian's package when run as root (apt-get install prometheus-alertmanager)");
        var folder = Directory.CreateTempSubdirectory("fusion-alertmanager-");
        var config = Path.Combine(folder.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(config, """
            route:
              receiver: duty-desk
              group_by: [rule, region]
            receivers:
              - name: duty-desk
            """);
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.path={Path.Combine(folder.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
            },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new AlertmanagerServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"alertmanager exited ({process.ExitCode}): {log}");
            try
            {
                if ((await server.Http.GetAsync("-/ready")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"alertmanager did not become ready: {log}");
            await Task.Delay(200);
        }
    }

    /// <summary>The alerts Alertmanager holds (active, silenced, inhibited; not resolved ones).</summary>
    public async Task<JsonElement> AlertsAsync() => JsonDocument.Parse(await Http.GetStringAsync("api/v2/alerts")).RootElement.Clone();

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
