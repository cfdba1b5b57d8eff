using System.Diagnostics.Metrics;
using Fusion.Projections.Projection;
using Fusion.Silo.Telemetry;

namespace Fusion.Silo.Analytics;

/// <summary>Analytics instruments on the platform's meter "Fusion": projected events, batch time and the lag behind the store.</summary>
public sealed class AnalyticsMetrics
{
    readonly Counter<long> events;
    readonly Histogram<double> batchSeconds;
    long highWater;

    public AnalyticsMetrics(IMeterFactory meters, AnalyticsProjector projector)
    {
        var meter = meters.Create(FusionMetrics.MeterName);
        events = meter.CreateCounter<long>("fusion.analytics.events", "{event}", "Events written to the DuckDB analytics file");
        batchSeconds = meter.CreateHistogram<double>("fusion.analytics.batch.duration", "s", "Time to fold and write one batch to DuckDB, checkpoint included");
        meter.CreateObservableGauge("fusion.analytics.lag", () => Math.Max(0, Volatile.Read(ref highWater) - projector.LastSequence),
            "{event}", "Events in the event store that the DuckDB analytics file does not have yet");
        meter.CreateObservableGauge("fusion.analytics.checkpoint", () => projector.LastSequence,
            "{sequence}", "Last event sequence in the DuckDB analytics file");
    }

    public void Projected(int applied, TimeSpan took, long lastSequence, long storeHighWater)
    {
        if (applied > 0) events.Add(applied);
        batchSeconds.Record(took.TotalSeconds);
        Volatile.Write(ref highWater, Math.Max(storeHighWater, lastSequence));
    }

    /// <summary>The store's head as last seen (for the lag), raised by whoever reads it.</summary>
    public void StoreAt(long sequence)
    {
        long seen;
        while (sequence > (seen = Volatile.Read(ref highWater)) && Interlocked.CompareExchange(ref highWater, sequence, seen) != seen) { }
    }

    public long Lag(long lastSequence) => Math.Max(0, Volatile.Read(ref highWater) - lastSequence);
}
