using System.Diagnostics;
using Fusion.Projections.Projection;
using Fusion.Silo.Cluster;
using Fusion.Silo.Parking;
using Fusion.Silo.Store;
using Marten;
using Npgsql;

namespace Fusion.Silo.Analytics;

/// <summary>
/// In a cluster every silo keeps its own copy of the analytics file, so analytics answers from whichever silo a request
/// reaches: this reads the store from the file's own checkpoint up to the high-water mark (every event below it committed)
/// and applies it, woken by each append's notification. It is the analytics subscription's work without Marten's daemon,
/// whose subscriptions run on one silo only (HotCold): the file's checkpoint, kept in the same DuckDB transaction as its
/// rows, is the only position, so a silo that was down catches up from where its file stands. An event the file cannot
/// take is parked, as the subscription parks it.
/// </summary>
public sealed class AnalyticsFollower(IDocumentStore store, AnalyticsProjector projector, AnalyticsMetrics metrics, ParkingLot parking, ClusterSettings options,
    ILogger<AnalyticsFollower> log) : BackgroundService
{
    const int PageSize = 5000;

    public long HighWater { get; private set; }
    public long LastSequence => projector.LastSequence;
    public bool Running { get; private set; }
    public string? Failure { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Clustered) return;
        var cs = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false, ApplicationName = "fusion-analytics-follower", KeepAlive = 5 };
        var source = new MartenAnalyticsSource(store, PageSize);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs.ConnectionString);
                await conn.OpenAsync(stop);
                await using (var listen = new NpgsqlCommand("LISTEN mt_events_appended", conn))
                    await listen.ExecuteNonQueryAsync(stop);
                Running = true;
                while (!stop.IsCancellationRequested)
                {
                    var high = HighWater = await StoreProgress.HighWaterAsync(conn, stop);
                    await foreach (var page in source.ReadAsync(projector.LastSequence, high, stop))
                        await ApplyAsync(page, high, stop);
                    metrics.StoreAt(high);
                    Failure = null;
                    // The high-water mark moves a little after each append: look again soon after a notification.
                    if (await conn.WaitAsync(TimeSpan.FromSeconds(1), stop)) await Task.Delay(TimeSpan.FromMilliseconds(200), stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                Failure = e.Message;
                log.LogWarning(e, "Following the store into this silo's analytics file failed; trying again");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop); }
                catch (OperationCanceledException) { }
            }
        }
        Running = false;
    }

    async Task ApplyAsync(IReadOnlyList<AnalyticsEvent> page, long high, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var applied = 0;
        await PoisonIsolation.ApplyAsync(page, async events => applied += (await projector.ApplyAsync(events, ct)).Applied, Outage.Is,
            (e, error) => parking.ParkAsync(AnalyticsSubscription.SubscriptionId, e.Sequence, e.StreamKey, e.EventType, error, ct));
        if (page.Count > 0 && projector.LastSequence < page[^1].Sequence)
            await projector.SkipAsync(page[^1], ct);
        metrics.Projected(applied, Stopwatch.GetElapsedTime(started), projector.LastSequence, high);
    }
}
