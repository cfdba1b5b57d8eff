using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Store;
using Marten;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// The shell around MonitoringGaps: holds the per-monitor state, observes data as it is stored, and on a
/// timer (the platform's clock) asks which monitors have gone silent, counting from their last data (a
/// monitor that never sent any is not yet watched). After a restart it restores when each
/// monitor last sent data from the store; gap ids come from that time, so a gap already recorded is not
/// recorded again.
/// </summary>
public sealed class MonitoringWatch(
    IDocumentStore store, MasterDataCache masterData, IngestWriter writer, PlatformClock clock, Hj212Options options, ILogger<MonitoringWatch> log)
    : BackgroundService
{
    readonly Lock gate = new();
    MonitorWatch state = MonitorWatch.Empty;

    public IReadOnlyList<IngestItem> Observe(IEnumerable<MonitoringDataReported> data)
    {
        var items = new List<IngestItem>();
        var catalog = masterData.Current;
        lock (gate)
            foreach (var e in data)
            {
                (state, var found) = MonitoringGaps.Observe(state, e, catalog, options.AllowedGap);
                items.AddRange(found);
            }
        return items;
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        IReadOnlyList<IngestItem> items;
        lock (gate) (state, items) = MonitoringGaps.Detect(state, masterData.Current, clock.Now, options.AllowedGap);
        if (items.Count > 0)
            await writer.WriteAsync(new TranslatedBatch(MonitoringGaps.GapFeed, items.Select((i, n) => (n, i)).ToList(), []), "monitoring-watch", ct);
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        var lastSeen = await LastReceivedAsync(store, "monitor:", "monitoring_data_reported", ct);
        lock (gate)
            foreach (var (stream, at) in lastSeen)
                state = state with { Received = state.Received.Restore(stream["monitor:".Length..], at, silent: false) };
        log.LogInformation("Monitoring watch restored {Count} monitors' last data", lastSeen.Count);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(ct);
                await Task.Delay(options.CheckEvery, clock.Time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception e)
            {
                log.LogError(e, "Monitoring-gap check failed; trying again");
                await Task.Delay(TimeSpan.FromSeconds(5), ct).ContinueWith(_ => { });
            }
        }
    }

    /// <summary>The receivedAt of the newest event of a type in each stream with the prefix: one index lookup per stream.</summary>
    internal static async Task<List<(string Stream, DateTimeOffset At)>> LastReceivedAsync(IDocumentStore store, string streamPrefix, string eventType, CancellationToken ct)
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
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return result;
    }
}
