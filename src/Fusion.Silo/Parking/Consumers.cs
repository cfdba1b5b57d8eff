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

    public Consumers(IProjectionCoordinator coordinator, ParkingLot parking, ConsumerOptions options, IMeterFactory meters,
        FusionMetrics riskMetrics, AnalyticsMetrics analyticsMetrics, Hosting.PlatformClock clock)
    {
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

    public IReadOnlyList<ConsumerStatus> Snapshot()
    {
        var daemon = coordinator.DaemonForMainDatabase();
        var tracker = daemon.Tracker;
        var highWater = tracker.HighWaterMark;
        riskMetrics.StoreAt(highWater);
        analyticsMetrics.StoreAt(highWater);
        var now = time.GetUtcNow();
        var agents = daemon.CurrentAgents().GroupBy(a => a.Name.Name).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var result = new List<ConsumerStatus>();
        foreach (var name in Required.Concat(agents.Keys).Distinct(StringComparer.Ordinal))
        {
            var shards = agents.GetValueOrDefault(name) ?? [];
            var states = shards.Select(a => tracker.CurrentState(a.Name.Identity)).OfType<ShardState>().ToList();
            var position = states.Select(s => s.Sequence).DefaultIfEmpty(0).Min();
            var state = shards.Count == 0 ? "NotStarted"
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
public sealed class ConsumerWatch(Consumers consumers, ILogger<ConsumerWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                foreach (var c in consumers.Snapshot())
                {
                    var trouble = c.Stalled || (c.State != "NotStarted" && !c.Running);
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
