using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// A PostgreSQL cluster of the test's own, made and run by the project's script (./fusion pg) on a free
/// port in a temporary data folder, so a test can stop and start it under a running host without
/// touching the cluster every other test shares.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    readonly string data;
    readonly int port;

    PrivateCluster(string data, int port)
    {
        this.data = data;
        this.port = port;
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=fusion;Database=fusion;Timeout=5;Command Timeout=15";

    public static async Task<PrivateCluster> StartAsync()
    {
        var cluster = new PrivateCluster(Directory.CreateTempSubdirectory("fusion-pg-").FullName, FreePort());
        await cluster.StartAgainAsync();
        return cluster;
    }

    public Task StartAgainAsync() => PgAsync("start");
    public Task StopAsync() => PgAsync("stop");

    async Task PgAsync(string verb)
    {
        var info = new ProcessStartInfo(Path.Combine(RepositoryRoot(), "fusion"), ["pg", verb])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
            Environment = { ["FUSION_DATA"] = data, ["FUSION_PG_PORT"] = port.ToString() },
        };
        info.Environment.Remove("ConnectionStrings__Fusion");
        info.Environment.Remove("FUSION_PG");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"./fusion pg {verb} failed: {await stderr}");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FusionPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (FusionPlatform.sln) is not above the test binaries.");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
