using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// Debian's redis-server as a plain process on loopback (a free port, nothing saved to disk), for the Orleans cluster's
/// membership table; ready once it answers PING. `./fusion test` installs it when missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    readonly Process process;
    readonly DirectoryInfo folder;
    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    RedisServer(Process process, DirectoryInfo folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Port = port;
    }

    public static async Task<RedisServer> StartAsync()
    {
        var binary = LoopbackProcess.Binary("redis-server")
                     ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server; ./fusion test installs it when run as root)");
        var folder = Directory.CreateTempSubdirectory("fusion-redis-");
        var port = LoopbackProcess.FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder.FullName };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder.FullName, "--daemonize", "no" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, folder, port);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"redis-server exited ({process.ExitCode}): {log}");
            if (await server.PingAsync()) return server;
            if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"redis-server did not answer PING: {log}");
            await Task.Delay(100);
        }
    }

    async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try { folder.Delete(recursive: true); } catch (IOException) { }
    }
}
