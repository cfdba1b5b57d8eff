using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// An outside server a test runs on loopback (Prometheus, Alertmanager …): found on PATH or in /usr/bin, started with
/// its arguments in a temporary folder, ready once its /-/ready answers, killed and its folder removed at the end.
/// </summary>
public sealed class LoopbackProcess : IAsyncDisposable
{
    readonly Process process;
    public DirectoryInfo Folder { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }

    LoopbackProcess(Process process, DirectoryInfo folder, Uri url)
    {
        this.process = process;
        Folder = folder;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static string? Binary(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin")
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <param name="arguments">Given the temporary folder and the free port, the command-line arguments.</param>
    public static async Task<LoopbackProcess> StartAsync(string binary, DirectoryInfo folder, Func<int, IEnumerable<string>> arguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments(port)) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new LoopbackProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        var name = Path.GetFileName(binary);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited ({process.ExitCode}): {log}");
            try
            {
                if ((await server.Http.GetAsync("-/ready")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} did not become ready: {log}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try { Folder.Delete(recursive: true); } catch (IOException) { }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
