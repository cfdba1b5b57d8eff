namespace Fusion.Projections.Projection;

/// <summary>Where a rebuild reads the event history from: the event store, in sequence order.</summary>
public interface IAnalyticsEventSource
{
    /// <summary>Events with after &lt; sequence ≤ upTo, in order, in batches.</summary>
    IAsyncEnumerable<IReadOnlyList<AnalyticsEvent>> ReadAsync(long after, long upTo, CancellationToken ct);
}

public sealed record RebuildStatus(
    string State, long Applied, long Target, long LastSequence, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    double EventsPerSecond, string? File, string? Error);

/// <summary>
/// The live analytics file and its writer. Batches are applied one at a time; a rebuild projects the
/// whole history into a new file beside it while the live one keeps serving queries and taking new
/// events, then, holding the writer for the last few events, switches over and removes the old file.
/// Files are analytics-{generation}.duckdb in the folder; "analytics.current" names the live one.
/// </summary>
public sealed class AnalyticsProjector : IDisposable
{
    const string Pointer = "analytics.current";

    readonly string _folder;
    readonly SemaphoreSlim _writer = new(1, 1);
    readonly FileStream _lock;
    AnalyticsSink _sink;
    volatile RebuildStatus? _rebuild;
    int _rebuilding;

    readonly AnalyticsResources? _resources;

    public AnalyticsProjector(string folder, AnalyticsResources? resources = null)
    {
        _resources = resources;
        _folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(_folder);
        // Two writers on one folder would each trust their own checkpoint: refuse the second outright.
        try { _lock = new FileStream(Path.Combine(_folder, "analytics.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) { throw new IOException($"The analytics folder {_folder} is in use by another platform process: {e.Message}", e); }
        var pointer = Path.Combine(_folder, Pointer);
        var name = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : FileName(1);
        _sink = new AnalyticsSink(AnalyticsDatabase.Open(Path.Combine(_folder, name), ExportFolder, _resources));
    }

    public AnalyticsDatabase Database => _sink.Database;
    public long LastSequence => _sink.LastSequence;
    public RebuildStatus? Rebuild => _rebuild;
    string ExportFolder => Path.Combine(_folder, "exports");

    public async Task<AnalyticsBatchResult> ApplyAsync(IReadOnlyList<AnalyticsEvent> batch, CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct);
        try { return _sink.Apply(batch); }
        finally { _writer.Release(); }
    }

    /// <summary>Moves the checkpoint past a parked event that ended a batch (see AnalyticsSink.Skip).</summary>
    public async Task SkipAsync(AnalyticsEvent e, CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct);
        try { _sink.Skip(e); }
        finally { _writer.Release(); }
    }

    /// <summary>A parked event, applied on retry without moving the checkpoint (see AnalyticsSink.ApplyOutOfOrder).</summary>
    public async Task<int> ApplyOutOfOrderAsync(AnalyticsEvent e, CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct);
        try { return _sink.ApplyOutOfOrder(e); }
        finally { _writer.Release(); }
    }

    /// <summary>
    /// Rebuilds from the source up to target (the last sequence the live file must cover: at least its
    /// own checkpoint, read again just before the switch), then switches. Only one rebuild at a time.
    /// </summary>
    /// <remarks>
    /// With <paramref name="park"/>, an event the fold or the file cannot take is handed to it and the
    /// rebuild goes on (see PoisonIsolation); without, the rebuild fails on it.
    /// </remarks>
    public async Task<RebuildStatus> RebuildAsync(IAnalyticsEventSource source, Func<CancellationToken, Task<long>> target, TimeProvider time, CancellationToken ct = default,
        Func<AnalyticsEvent, Exception, Task>? park = null, Func<Exception, bool>? isOutage = null)
    {
        if (Interlocked.Exchange(ref _rebuilding, 1) == 1) throw new InvalidOperationException("a rebuild is already running");
        var started = time.GetUtcNow();
        var generation = NextGeneration();
        var path = Path.Combine(_folder, FileName(generation));
        DeleteFiles(path);
        AnalyticsSink? fresh = null;
        long applied = 0;
        try
        {
            fresh = new AnalyticsSink(AnalyticsDatabase.Open(path, ExportFolder, _resources));
            var goal = Math.Max(LastSequence, await target(ct));
            Report("running");
            // Catch up without holding the writer until only a little is left, then hold it for the rest.
            for (var round = 0; round < 10 && goal - fresh.LastSequence > 1000; round++)
            {
                await CopyAsync(goal);
                goal = Math.Max(LastSequence, await target(ct));
            }
            await _writer.WaitAsync(ct);
            AnalyticsSink old;
            try
            {
                goal = Math.Max(LastSequence, await target(ct));
                Report("switching");
                await CopyAsync(goal);
                fresh.Database.Flush();
                var pointerTemp = Path.Combine(_folder, Pointer + ".tmp");
                await File.WriteAllTextAsync(pointerTemp, FileName(generation), ct);
                File.Move(pointerTemp, Path.Combine(_folder, Pointer), overwrite: true);
                (old, _sink) = (_sink, fresh);
                fresh = null;
            }
            finally { _writer.Release(); }
            var oldPath = old.Database.Path;
            old.Database.Dispose();
            old.Dispose();
            DeleteFiles(oldPath);
            Report("done", finished: true);
            return _rebuild!;

            async Task CopyAsync(long upTo)
            {
                await foreach (var batch in source.ReadAsync(fresh!.LastSequence, upTo, ct))
                {
                    if (park is null) applied += fresh.Apply(batch).Applied;
                    else
                    {
                        await PoisonIsolation.ApplyAsync(batch, b => { applied += fresh.Apply(b).Applied; return Task.CompletedTask; },
                            isOutage ?? (_ => false), park);
                        // Past a parked last event of the batch, so the next read starts after it.
                        if (fresh.LastSequence < batch[^1].Sequence) fresh.Skip(batch[^1]);
                    }
                    Report(_rebuild?.State ?? "running", upTo);
                }
            }

            void Report(string state, long? upTo = null, bool finished = false)
            {
                var now = time.GetUtcNow();
                var seconds = Math.Max((now - started).TotalSeconds, 1e-3);
                _rebuild = new RebuildStatus(state, applied, upTo ?? goal, (fresh ?? _sink).LastSequence, started, finished ? now : null,
                    Math.Round(applied / seconds, 1), path, null);
            }
        }
        catch (Exception e)
        {
            _rebuild = new RebuildStatus("failed", applied, 0, fresh?.LastSequence ?? 0, started, time.GetUtcNow(), 0, path, e.Message);
            if (fresh is not null)
            {
                fresh.Database.Dispose();
                fresh.Dispose();
                DeleteFiles(path);
            }
            throw;
        }
        finally
        {
            Volatile.Write(ref _rebuilding, 0);
        }
    }

    int NextGeneration()
    {
        var current = Path.GetFileNameWithoutExtension(Database.Path);
        return int.TryParse(current.AsSpan(current.LastIndexOf('-') + 1), out var n) ? n + 1 : 2;
    }

    static string FileName(int generation) => $"analytics-{generation}.duckdb";

    static void DeleteFiles(string path)
    {
        File.Delete(path);
        File.Delete(path + ".wal");
    }

    public void Dispose()
    {
        _sink.Dispose();
        _sink.Database.Dispose();
        _lock.Dispose();
    }
}
