using System.Diagnostics.Metrics;

namespace Fusion.Silo.Telemetry;

/// <summary>The platform's own metrics (meter "Fusion"), exported to Prometheus through OpenTelemetry.</summary>
public sealed class FusionMetrics
{
    public const string MeterName = "Fusion";

    readonly Counter<long> records;
    readonly Histogram<double> batchDuration;
    readonly Counter<long> riskUpdates;
    readonly Counter<long> subscriptionEvents;
    readonly Counter<long> warningTransitions;
    IReadOnlyList<(string Rule, string Severity, long Count)> openWarnings = [];
    readonly UpDownCounter<long> hj212Connections;
    readonly Counter<long> hj212Frames;
    readonly Counter<long> hj212Refused;
    readonly Histogram<double> hj212ReplyDuration;
    readonly Histogram<double> passwordDerivation;
    readonly Counter<long> hj212Closed;
    readonly Counter<long> notificationDeliveries;
    readonly Counter<long> notificationFailures;
    readonly Histogram<double> notificationLatency;
    long notificationsPending;
    long lastProcessedSequence;
    long highWaterSequence;
    long boardSequence;
    long boardHighWater;
    volatile IReadOnlyList<(string Subject, string Level, long Count)> riskLevels = [];
    volatile IReadOnlyList<(string Feed, long Count)> quarantine = [];

    public FusionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        records = meter.CreateCounter<long>("fusion.ingest.records", "{record}", "Source records received, by feed and outcome (accepted, duplicate, rejected)");
        batchDuration = meter.CreateHistogram<double>("fusion.ingest.batch.duration", "s", "Time to store one ingest batch (identities, events, quarantine in one transaction), by feed",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        riskUpdates = meter.CreateCounter<long>("fusion.risk.updates", "{update}", "Risk grain updates after new signals, by subject kind");
        subscriptionEvents = meter.CreateCounter<long>("fusion.subscription.events", "{event}", "Events delivered to the live-risk subscription");
        meter.CreateObservableGauge("fusion.subscription.lag", () => Math.Max(0, Volatile.Read(ref highWaterSequence) - Volatile.Read(ref lastProcessedSequence)),
            "{event}", "Events appended to the store that the live-risk subscription has not yet applied");
        warningTransitions = meter.CreateCounter<long>("fusion.warnings.transitions", "{transition}", "Warning lifecycle events appended, by transition (raised, repeated, acknowledged, escalated, reminded, resolved)");
        meter.CreateObservableGauge("fusion.warnings.open", () => Volatile.Read(ref openWarnings)
                .Select(o => new Measurement<long>(o.Count, new KeyValuePair<string, object?>("rule", o.Rule), new KeyValuePair<string, object?>("severity", o.Severity))),
            "{warning}", "Open (unresolved) warnings by rule and severity");
        hj212Connections = meter.CreateUpDownCounter<long>("fusion.hj212.connections", "{connection}", "Open HJ 212 data-logger connections");
        hj212Closed = meter.CreateCounter<long>("fusion.hj212.connections.closed", "{connection}", "HJ 212 connections closed or refused by a session limit, by reason (idle, frame, connections-per-address)");
        hj212Frames = meter.CreateCounter<long>("fusion.hj212.frames", "{frame}", "HJ 212 frames received over TCP, by outcome (parsed, rejected)");
        hj212Refused = meter.CreateCounter<long>("fusion.hj212.refused", "{frame}", "HJ 212 frames refused because their PW is not their monitor's access password (quarantined, not answered)");
        hj212ReplyDuration = meter.CreateHistogram<double>("fusion.hj212.reply.duration", "s", "From reading HJ 212 frames to their replies being due (the frames stored)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        passwordDerivation = meter.CreateHistogram<double>("fusion.hj212.password.derivation.duration", "s",
            "A monitor access password's PBKDF2 derivation (a logger's first frame, or a password registered), its wait for a turn included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900] });
        meter.CreateObservableGauge("fusion.risk.subjects", ObserveRiskLevels, "{subject}", "Enterprises and regions per current risk level (from the board tables)");
        meter.CreateObservableGauge("fusion.quarantine.records", ObserveQuarantine, "{record}", "Records held in quarantine, by feed");
        notificationDeliveries = meter.CreateCounter<long>("fusion.notification.deliveries", "{delivery}", "Warning notifications a receiver took, by channel (webhook, email, alertmanager)");
        notificationFailures = meter.CreateCounter<long>("fusion.notification.failures", "{attempt}", "Failed notification attempts (each is retried with backoff), by channel");
        notificationLatency = meter.CreateHistogram<double>("fusion.notification.latency", "s", "From a warning transition's append to its delivery, by channel",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        meter.CreateObservableGauge("fusion.notification.pending", () => Volatile.Read(ref notificationsPending), "{delivery}", "Notifications not yet delivered (being retried)");
        meter.CreateObservableGauge("fusion.board.lag", () => Math.Max(0, Volatile.Read(ref boardHighWater) - Volatile.Read(ref boardSequence)),
            "{event}", "Events appended to the store that the board tables do not yet reflect");
    }

    public void WarningTransition(object warningEvent) =>
        warningTransitions.Add(1, new KeyValuePair<string, object?>("transition", warningEvent.GetType().Name.Replace("Warning", "").Replace("Sent", "").ToLowerInvariant()));

    /// <summary>The open warnings as last counted from the store (the warning clock counts them on each tick).</summary>
    public void OpenWarnings(IReadOnlyList<(string Rule, string Severity, long Count)> counts) => Volatile.Write(ref openWarnings, counts);


    public void NotificationDelivered(string channel, TimeSpan sinceAppend)
    {
        var c = new KeyValuePair<string, object?>("channel", channel);
        notificationDeliveries.Add(1, c);
        notificationLatency.Record(Math.Max(0, sinceAppend.TotalSeconds), c);
    }

    public void NotificationFailed(string channel) => notificationFailures.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void NotificationsPending(long count) => Volatile.Write(ref notificationsPending, count);

    public void Ingested(string feed, int accepted, int duplicates, int rejected)
    {
        var f = new KeyValuePair<string, object?>("feed", feed);
        if (accepted > 0) records.Add(accepted, f, new("outcome", "accepted"));
        if (duplicates > 0) records.Add(duplicates, f, new("outcome", "duplicate"));
        if (rejected > 0) records.Add(rejected, f, new("outcome", "rejected"));
    }

    public void BatchStored(string feed, TimeSpan took) => batchDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("feed", feed));

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

    public void Hj212Connected() => hj212Connections.Add(1);
    public void Hj212Disconnected() => hj212Connections.Add(-1);
    public void Hj212Refused(string reason) => hj212Closed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Hj212FrameRefused() => hj212Refused.Add(1);

    public void PasswordDerived(TimeSpan took) => passwordDerivation.Record(took.TotalSeconds);

    public void Hj212FramesStored(int parsed, int rejected, TimeSpan took)
    {
        if (parsed > 0) hj212Frames.Add(parsed, new KeyValuePair<string, object?>("outcome", "parsed"));
        if (rejected > 0) hj212Frames.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
        hj212ReplyDuration.Record(took.TotalSeconds);
    }

    public void BoardProcessed(long ceiling, long highWater)
    {
        Volatile.Write(ref boardSequence, ceiling);
        Volatile.Write(ref boardHighWater, Math.Max(highWater, ceiling));
    }

    /// <summary>Counts read from the store now and then (see BoardRefresh), observed on every scrape.</summary>
    public void Observed(IReadOnlyList<(string Subject, string Level, long Count)> levels, IReadOnlyList<(string Feed, long Count)> quarantined)
    {
        riskLevels = levels;
        quarantine = quarantined;
    }

    IEnumerable<Measurement<long>> ObserveRiskLevels() =>
        riskLevels.Select(l => new Measurement<long>(l.Count, new KeyValuePair<string, object?>("subject", l.Subject), new("level", l.Level)));

    IEnumerable<Measurement<long>> ObserveQuarantine() =>
        quarantine.Select(q => new Measurement<long>(q.Count, new KeyValuePair<string, object?>("feed", q.Feed)));
}
