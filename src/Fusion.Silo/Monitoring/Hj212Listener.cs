using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Hosting;
using Fusion.Silo.Telemetry;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// The TCP listener data loggers connect to (default port 9212). Each connection runs the HJ 212 session
/// over System.IO.Pipelines for as long as the logger keeps it open and within its limits (Hj212Options: idle
/// timeout, frame time limit, connections per source address); TCP keep-alive finds dead peers.
/// </summary>
public sealed class Hj212Listener(Hj212Intake intake, MonitorPasswords passwords, PlatformClock clock, Hj212Options options, FusionMetrics metrics, ILogger<Hj212Listener> log) : BackgroundService
{
    readonly ConcurrentDictionary<int, Task> connections = new();
    readonly ConcurrentDictionary<IPAddress, int> perAddress = new();
    readonly TaskCompletionSource<int> bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int nextId;

    /// <summary>The port actually listened on, once bound (0 when the listener is off or could not bind).</summary>
    public Task<int> Port => bound.Task;

    /// <summary>Connections being served now.</summary>
    public int OpenConnections => connections.Count;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (options.Port < 0)
        {
            bound.TrySetResult(0);
            return;
        }
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Parse(options.Address), options.Port));
            listener.Listen(1024);
        }
        catch (SocketException e)
        {
            // The HTTP ingest goes on without it; a second host on one machine must not stop the first.
            log.LogError(e, "HJ 212 listener could not bind {Address}:{Port}; HJ 212 over TCP is off in this process", options.Address, options.Port);
            bound.TrySetResult(0);
            return;
        }
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        bound.TrySetResult(port);
        log.LogInformation("HJ 212 listener on {Address}:{Port}", options.Address, port);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var socket = await listener.AcceptAsync(ct);
                var address = (socket.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
                if (perAddress.AddOrUpdate(address, 1, (_, n) => n + 1) > options.MaxConnectionsPerAddress)
                {
                    Release(address);
                    metrics.Hj212Refused("connections-per-address");
                    log.LogWarning("HJ 212 connection from {Address} refused: it holds {Max} connections already (Fusion:Hj212:MaxConnectionsPerAddress)", address, options.MaxConnectionsPerAddress);
                    socket.Dispose();
                    continue;
                }
                var id = Interlocked.Increment(ref nextId);
                connections[id] = Task.Run(() => ServeAsync(socket, ct), CancellationToken.None)
                    .ContinueWith(_ => { connections.TryRemove(id, out Task? _); Release(address); }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await Task.WhenAll(connections.Values);
    }

    void Release(IPAddress address)
    {
        if (perAddress.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0) perAddress.TryRemove(KeyValuePair.Create(address, 0));
    }

    async Task ServeAsync(Socket socket, CancellationToken ct)
    {
        var peer = socket.RemoteEndPoint?.ToString();
        metrics.Hj212Connected();
        try
        {
            socket.NoDelay = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024));
            var output = PipeWriter.Create(stream);
            try
            {
                // The limits run on real time: they guard sockets, not the platform's (in tests, fake) clock.
                await Hj212Session.RunAsync(input, output, StoreAsync, clock.Time, ct, new Hj212SessionLimits(options.IdleTimeout, options.FrameTimeout, TimeProvider.System), (frame, token) => passwords.AdmitAsync(frame, peer, token));
            }
            finally
            {
                await input.CompleteAsync();
                await output.CompleteAsync();
            }
        }
        catch (Hj212SessionExpired e)
        {
            metrics.Hj212Refused(e.Reason);
            log.LogInformation("HJ 212 connection from {Peer} closed: {Reason}", peer, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            log.LogDebug("HJ 212 connection from {Peer} ended: {Reason}", peer, e.Message);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "HJ 212 connection from {Peer} dropped unacknowledged", peer);
        }
        finally
        {
            socket.Dispose();
            metrics.Hj212Disconnected();
        }
    }

    async Task StoreAsync(IReadOnlyList<Hj212Received> frames, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await intake.StoreAsync(frames, ct);
        var parsed = frames.Count(f => f.Packet is not null);
        metrics.Hj212FramesStored(parsed, frames.Count - parsed, Stopwatch.GetElapsedTime(started));
    }
}
