using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fusion.Silo.Analytics;
using Fusion.Silo.Risk;
using Fusion.Silo.Telemetry;
using JasperFx;
using JasperFx.Events.Projections;
using Marten.Events.Daemon.Coordination;

namespace Fusion.Silo.Parking;

public sealed class ConsumerOptions
{
    /// <summary>A consumer with events to apply whose position has not moved for this long is reported stalled.</summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// One consumer as it stands: Marten's agent state (running, paused, stopped, and why), its position
/// against the store's high-water mark, its open parked events, and whether it is stalled.
/// </summary>
public sealed record ConsumerStatus(
    string Name, string State, long Position, long HighWater, long Lag, int Parked, bool Stalled, string? Failure)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Running => State == nameof(AgentStatus.Running);

    /// <summary>Running here, or (in a cluster) standing by while the hot silo runs it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Up => Running || State == Consumers.Standby;
}

/// <summary>
/// Every subscription the event store's daemon runs, read from the daemon itself (never from the
/// consumer's own last report, which stops when the consumer stops): the truth that /health, the
/// status endpoints and the lag metric fusion.consumer.lag tell.
/// </summary>
public sealed class Consumers
{
    /// <summary>The consumers that must be running for the platform to be up.</summary>
    public static readonly string[] Required = [RiskSubscription.SubscriptionId, AnalyticsSubscription.SubscriptionId];

    readonly IProjectionCoordinator coordinator;
    readonly ParkingLot parking;
    readonly ConsumerOptions options;
    readonly TimeProvider time;
    readonly ConcurrentDictionary<string, (long Position, DateTimeOffset MovedAt)> seen = new(StringComparer.Ordinal);

    readonly FusionMetrics riskMetrics;
    readonly AnalyticsMetrics analyticsMetrics;

    /// <summary>
    /// A subscription this silo's daemon does not run because it is the cold one of a cluster: the hot silo runs it, and its
    /// position is read from the store (a standby consumer that stops moving with events to apply is reported stalled).
    /// </summary>
    public const string Standby = "Standby";

    readonly Cluster.ClusterSettings cluster;
    readonly AnalyticsFollower follower;
    volatile IReadOnlyDictionary<string, long> stored = new Dictionary<string, long>();
    long storeHighWater;

    public Consumers(IProjectionCoordinator coordinator, ParkingLot parking, ConsumerOptions options, IMeterFactory meters,
        FusionMetrics riskMetrics, AnalyticsMetrics analyticsMetrics, Hosting.PlatformClock clock, Cluster.ClusterSettings cluster,
        AnalyticsFollower follower)
    {
        this.cluster = cluster;
        this.follower = follower;
        this.riskMetrics = riskMetrics;
        this.analyticsMetrics = analyticsMetrics;
        this.coordinator = coordinator;
        this.parking = parking;
        this.options = options;
        // The platform's clock: how long a consumer has not moved is the platform's time (a test moves it on).
        time = clock.Time;
        var meter = meters.Create(FusionMetrics.MeterName);
        meter.CreateObservableGauge("fusion.consumer.lag", () => Snapshot().Select(c => new Measurement<long>(c.Lag, new KeyValuePair<string, object?>("consumer", c.Name))),
            "{event}", "Events in the store that a consumer has not yet applied, by consumer (from the daemon's high-water mark)");
        meter.CreateObservableGauge("fusion.consumer.running", () => Snapshot().Select(c => new Measurement<int>(c.Running ? 1 : 0, new KeyValuePair<string, object?>("consumer", c.Name))),
            "{consumer}", "1 while a consumer's agent runs, 0 when it is paused or stopped");
    }

    public ConsumerStatus? Get(string name) => Snapshot().FirstOrDefault(c => c.Name == name);

    /// <summary>In a cluster: the subscriptions' positions and the high-water mark as the store records them (ConsumerWatch, every few seconds).</summary>
    public async Task ReadStoreAsync(Marten.IDocumentStore store, CancellationToken ct)
    {
        if (!cluster.Clustered) return;
        stored = await Cluster.StoreProgress.PositionsAsync(store, ct);
        Volatile.Write(ref storeHighWater, await Cluster.StoreProgress.HighWaterAsync(store, ct));
    }

    public IReadOnlyList<ConsumerStatus> Snapshot()
    {
        var daemon = coordinator.DaemonForMainDatabase();
        var tracker = daemon.Tracker;
        var highWater = Math.Max(tracker.HighWaterMark, cluster.Clustered ? Volatile.Read(ref storeHighWater) : 0);
        riskMetrics.StoreAt(highWater);
        analyticsMetrics.StoreAt(highWater);
        var now = time.GetUtcNow();
        var agents = daemon.CurrentAgents().GroupBy(a => a.Name.Name).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var result = new List<ConsumerStatus>();
        var names = Required.Concat(agents.Keys);
        if (cluster.Clustered) names = names.Concat(stored.Keys);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (cluster.Clustered && name == AnalyticsSubscription.SubscriptionId)
            {
                // In a cluster every silo keeps its own analytics file (AnalyticsFollower), not the daemon.
                var at = follower.LastSequence;
                var behind = Math.Max(0, highWater - at);
                var moved = seen.AddOrUpdate(name, _ => (at, now), (_, p) => p.Position == at ? p : (at, now));
                result.Add(new ConsumerStatus(name, follower.Running ? nameof(AgentStatus.Running) : "NotStarted", at, highWater, behind,
                    parking.OpenFor(name), behind > 0 && now - moved.MovedAt > options.StalledAfter, follower.Failure));
                continue;
            }
            var shards = agents.GetValueOrDefault(name) ?? [];
            var states = shards.Select(a => tracker.CurrentState(a.Name.Identity)).OfType<ShardState>().ToList();
            var position = shards.Count == 0 && cluster.Clustered
                ? stored.GetValueOrDefault(name)
                : states.Select(s => s.Sequence).DefaultIfEmpty(0).Min();
            var state = shards.Count == 0 ? cluster.Clustered ? Standby : "NotStarted"
                : shards.All(a => a.Status == AgentStatus.Running) ? nameof(AgentStatus.Running)
                : shards.First(a => a.Status != AgentStatus.Running).Status.ToString();
            var failure = shards.Select(a => a.Failure?.ToString()).FirstOrDefault(f => f is not null)
                          ?? states.Select(s => s.Exception?.Message).FirstOrDefault(m => m is not null);
            var lag = Math.Max(0, highWater - position);
            var last = seen.AddOrUpdate(name, _ => (position, now), (_, p) => p.Position == position ? p : (position, now));
            var stalled = lag > 0 && now - last.MovedAt > options.StalledAfter;
            result.Add(new ConsumerStatus(name, state, position, highWater, lag, parking.OpenFor(name), stalled, state == nameof(AgentStatus.Running) ? null : failure));
        }
        return result;
    }
}

/// <summary>Reads the consumers every few seconds, so the lag gauges and the stall clock move while nobody asks.</summary>
public sealed class ConsumerWatch(Consumers consumers, Marten.IDocumentStore store, ILogger<ConsumerWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await consumers.ReadStoreAsync(store, ct);
                foreach (var c in consumers.Snapshot())
                {
                    var trouble = c.Stalled || (c.State != "NotStarted" && !c.Up);
                    if (trouble && reported.Add(c.Name))
                        log.LogWarning("Consumer {Consumer} is {State}{Stalled}, {Lag} event(s) behind: {Failure}", c.Name, c.State, c.Stalled ? " and stalled" : "", c.Lag, c.Failure);
                    else if (!trouble) reported.Remove(c.Name);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogDebug(e, "Consumer status not readable yet");
            }
        }
    }
}
