using Fusion.Connectors.Ingest;
using Fusion.Silo.Ingest;
using Fusion.Silo.Store;
using Marten;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// A watch's state, held by one writer at a time from reading it until what it implies is stored; only then
/// does it move on (<see cref="Lease.Commit"/>). A batch that fails to store leaves the state as it was.
/// </summary>
sealed class WatchState<T>(T initial)
{
    readonly SemaphoreSlim gate = new(1, 1);
    T state = initial;

    public async Task<Lease> EnterAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        return new Lease(this);
    }

    /// <summary>What a batch implies from the current state; the watch stays held until the derivation is disposed.</summary>
    public async Task<Derivation> DeriveAsync(Func<T, (T Next, IReadOnlyList<IngestItem> Items)> derive, CancellationToken ct)
    {
        var lease = await EnterAsync(ct);
        try
        {
            var (next, items) = derive(lease.State);
            return new Derivation(items, () => lease.Commit(next), lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    public sealed class Lease(WatchState<T> owner) : IDisposable
    {
        int released;
        public T State => owner.state;
        public void Commit(T next) => owner.state = next;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) owner.gate.Release();
        }
    }
}

/// <summary>What the camera and monitoring watches share: their timer, writing what they derive, and restoring when devices were last heard from.</summary>
static class DeviceWatch
{
    /// <summary>
    /// Runs the check, then waits on the platform's clock, until stopped; a failed check is logged and tried again.
    /// In a cluster only the silo holding the duties checks; another waits for them and checks as soon as it takes them.
    /// </summary>
    public static async Task EveryAsync(TimeSpan every, TimeProvider time, Func<CancellationToken, Task> check, ILogger log, string what, CancellationToken ct,
        Cluster.ClusterDuty? duty = null)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (duty is { Held: false })
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    continue;
                }
                await check(ct);
                await Task.Delay(every, time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception e)
            {
                log.LogError(e, "{What} check failed; trying again", what);
                await Task.Delay(TimeSpan.FromSeconds(5), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Appends what a timer found (outages, gaps), each under its own key; nothing when there is nothing.</summary>
    public static Task WriteAsync(this IngestPipeline pipeline, string feed, IReadOnlyList<IngestItem> items, string source, CancellationToken ct) =>
        items.Count == 0
            ? Task.CompletedTask
            : pipeline.StoreAsync(new TranslatedBatch(feed, items.Select((item, i) => (i, item)).ToList(), []), source, ct);

    /// <summary>The receivedAt of the newest event of a type in each stream with the prefix, keyed by what follows the prefix: one index lookup per stream.</summary>
    public static async Task<List<(string DeviceId, DateTimeOffset At)>> LastReceivedAsync(IDocumentStore store, string streamPrefix, string eventType, CancellationToken ct)
    {
        var result = new List<(string, DateTimeOffset)>();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"""
            SELECT s.id, e.received
            FROM {StoreSetup.Schema}.mt_streams s
            CROSS JOIN LATERAL (
                SELECT (data->>'receivedAt')::timestamptz AS received FROM {StoreSetup.Schema}.mt_events
                WHERE stream_id = s.id AND type = @type ORDER BY version DESC LIMIT 1) e
            WHERE s.id LIKE @prefix
            """;
        cmd.Parameters.AddWithValue("type", eventType);
        cmd.Parameters.AddWithValue("prefix", streamPrefix + "%");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0)[streamPrefix.Length..], reader.GetFieldValue<DateTimeOffset>(1)));
        return result;
    }
}
