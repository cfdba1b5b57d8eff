using System.Threading.Channels;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Telemetry;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// Where received HJ 212 frames are stored. Connections hand in each read's frames (their PW checked) and wait; one loop takes
/// everything waiting (up to MaxBatchFrames) and writes it in one transaction, so there is no database
/// round trip per frame and a connection's replies go out only once its frames are durable. Monitoring
/// gaps and resumptions the data shows are stored in the same transaction.
/// </summary>
public sealed class Hj212Intake(IngestPipeline pipeline, MasterDataCache masterData, MonitoringWatch watch, MonitorPasswords passwords, Hj212Options options, IngestOptions ingest, PlatformClock clock, ILogger<Hj212Intake> log)
    : BackgroundService
{
    sealed record Pending(IReadOnlyList<Hj212Received> Frames, TaskCompletionSource Done);

    readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(4096) { SingleReader = true });

    /// <summary>Returns once the frames are stored. It waits for the write even when cancelled, because the frames' raw bytes belong to the caller's buffer.</summary>
    public async Task StoreAsync(IReadOnlyList<Hj212Received> frames, CancellationToken ct)
    {
        var pending = new Pending(frames, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await queue.Writer.WriteAsync(pending, ct);
        await pending.Done.Task;
    }

    /// <summary>Checks the frames' PW, then translates and writes them now, in one transaction (HTTP and file imports); frames with a wrong PW are refused.</summary>
    public async Task<IngestOutcome> WriteAsync(IReadOnlyList<Hj212Received> frames, string source, CancellationToken ct) =>
        await WriteAdmittedAsync(await passwords.AdmitAllAsync(frames, ct), source, ct);

    /// <summary>Frames whose PW was checked already (the TCP session admits each frame before handing it in).</summary>
    Task<IngestOutcome> WriteAdmittedAsync(IReadOnlyList<Hj212Received> frames, string source, CancellationToken ct) =>
        pipeline.StoreAsync(Hj212Session.Translate(frames, masterData.Current, ingest.Checks(clock.Now)), source, ct, watch);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var batch = new List<Pending>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(ct))
            {
                var frames = 0;
                while (frames < options.MaxBatchFrames && queue.Reader.TryRead(out var p))
                {
                    batch.Add(p);
                    frames += p.Frames.Count;
                }
                try
                {
                    using var activity = FusionTelemetry.Hj212.StartActivity("hj212 store", System.Diagnostics.ActivityKind.Consumer);
                    activity?.SetTag("fusion.frames", frames);
                    await WriteAdmittedAsync(batch.Count == 1 ? batch[0].Frames : batch.SelectMany(p => p.Frames).ToList(), "hj212-tcp", ct);
                    foreach (var p in batch) p.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    if (!ct.IsCancellationRequested) log.LogError(e, "Storing {Frames} HJ 212 frames failed; their connections are dropped unacknowledged", frames);
                    foreach (var p in batch) p.Done.TrySetException(e);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            queue.Writer.TryComplete();
            while (queue.Reader.TryRead(out var p)) p.Done.TrySetCanceled(CancellationToken.None);
        }
    }
}
