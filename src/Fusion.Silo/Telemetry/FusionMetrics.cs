using System.Diagnostics.Metrics;

namespace Fusion.Silo.Telemetry;

/// <summary>The platform's own metrics (meter "Fusion"), exported to Prometheus through OpenTelemetry.</summary>
public sealed class FusionMetrics
{
    public const string MeterName = "Fusion";

    readonly Counter<long> records;
    readonly Counter<long> riskUpdates;
    readonly Counter<long> subscriptionEvents;
    long lastProcessedSequence;
    long highWaterSequence;

    public FusionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        records = meter.CreateCounter<long>("fusion.ingest.records", "{record}", "Source records received, by feed and outcome (accepted, duplicate, rejected)");
        riskUpdates = meter.CreateCounter<long>("fusion.risk.updates", "{update}", "Risk grain updates after new signals, by subject kind");
        subscriptionEvents = meter.CreateCounter<long>("fusion.subscription.events", "{event}", "Events delivered to the live-risk subscription");
        meter.CreateObservableGauge("fusion.subscription.lag", () => Math.Max(0, Volatile.Read(ref highWaterSequence) - Volatile.Read(ref lastProcessedSequence)),
            "{event}", "Events appended to the store that the live-risk subscription has not yet applied");
    }

    public void Ingested(string feed, int accepted, int duplicates, int rejected)
    {
        var f = new KeyValuePair<string, object?>("feed", feed);
        if (accepted > 0) records.Add(accepted, f, new("outcome", "accepted"));
        if (duplicates > 0) records.Add(duplicates, f, new("outcome", "duplicate"));
        if (rejected > 0) records.Add(rejected, f, new("outcome", "rejected"));
    }

    /// <summary>The last event sequence the live-risk subscription has applied.</summary>
    public long LastProcessedSequence => Volatile.Read(ref lastProcessedSequence);

    public void RiskUpdated(string subject) => riskUpdates.Add(1, new KeyValuePair<string, object?>("subject", subject));

    /// <summary>The store's head as the daemon last saw it: the lag keeps growing while the subscription is stuck.</summary>
    public void StoreAt(long sequence)
    {
        long seen;
        while (sequence > (seen = Volatile.Read(ref highWaterSequence)) && Interlocked.CompareExchange(ref highWaterSequence, sequence, seen) != seen) { }
    }

    public void SubscriptionProcessed(int events, long ceiling, long highWater)
    {
        subscriptionEvents.Add(events);
        Volatile.Write(ref lastProcessedSequence, ceiling);
        Volatile.Write(ref highWaterSequence, Math.Max(highWater, ceiling));
    }
}
