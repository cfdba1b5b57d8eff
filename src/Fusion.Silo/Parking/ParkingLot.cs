using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fusion.Projections.Projection;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using JasperFx.Events;
using Marten;

namespace Fusion.Silo.Parking;

public enum RetryOutcome { Applied, AlreadyResolved, StillFailing, NotFound, UnknownConsumer }

/// <summary>
/// Where every event consumer (the live-risk grains, the analytics file, and any later subscription) parks
/// the events it cannot apply, so that one bad event never stops it for everyone. Parked events are kept
/// in the store with their reason, counted per consumer (metric fusion.consumer.parked, /health shows
/// "degraded" while any is open) and can be retried once the cause is fixed.
/// </summary>
public sealed class ParkingLot
{
    readonly IServiceProvider services;
    readonly ILogger<ParkingLot> log;
    readonly ConcurrentDictionary<string, int> open = new(StringComparer.Ordinal);
    /// <summary>
    /// Retries under way on this silo: each holds a connection while its consumer applies the event (and its consumer
    /// takes another), so a burst of retries is queued here rather than emptying the connection pool.
    /// </summary>
    readonly SemaphoreSlim retries = new(4);
    readonly Counter<long> parked;

    // The store is resolved on use: the subscriptions that take a ParkingLot are built while the store is configured.
    public ParkingLot(IServiceProvider services, IMeterFactory meters, ILogger<ParkingLot> log)
    {
        this.services = services;
        this.log = log;
        var meter = meters.Create(FusionMetrics.MeterName);
        parked = meter.CreateCounter<long>("fusion.consumer.parked.events", "{event}", "Events a consumer could not apply and parked, by consumer");
        meter.CreateObservableGauge("fusion.consumer.parked", () => open.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("consumer", p.Key))),
            "{event}", "Parked events not yet applied by a retry, by consumer");
    }

    IDocumentStore store => services.GetRequiredService<IDocumentStore>();

    /// <summary>Open parked events per consumer, as counted since start-up (loaded from the store first).</summary>
    public IReadOnlyDictionary<string, int> Open => open;

    public int OpenFor(string consumer) => open.GetValueOrDefault(consumer);

    /// <summary>Reads the open counts from the store; called once at start-up.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var rows = await session.Query<ParkedEvent>().Where(p => p.ResolvedAt == null).Select(p => p.Consumer).ToListAsync(ct);
        foreach (var g in rows.GroupBy(c => c)) open[g.Key] = g.Count();
    }

    /// <summary>
    /// Applies the events (in order) with the consumer's own apply; an event that fails on its own for a
    /// reason other than an outage is parked and the rest go on. An outage propagates, so the subscription
    /// retries the page later and nothing is parked for it.
    /// </summary>
    public Task ApplyAsync(string consumer, IReadOnlyList<IEvent> events, Func<IReadOnlyList<IEvent>, Task> apply, CancellationToken ct) =>
        PoisonIsolation.ApplyAsync(events, apply, Outage.Is, (e, error) => ParkAsync(consumer, e, error, ct));

    public Task ParkAsync(string consumer, IEvent e, Exception error, CancellationToken ct) =>
        ParkAsync(consumer, e.Sequence, e.StreamKey ?? e.StreamId.ToString(), e.EventType?.Name ?? e.EventTypeName, error, ct);

    public async Task ParkAsync(string consumer, long sequence, string streamKey, string eventType, Exception error, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await using var session = store.LightweightSession();
        await WriterLock.TakeAsync<ParkedEvent>(session, ct);
        var id = ParkedEvent.IdOf(consumer, sequence);
        var record = await session.LoadAsync<ParkedEvent>(id, ct);
        var fresh = record is null || record.ResolvedAt is not null;
        record ??= new ParkedEvent { Id = id, Consumer = consumer, Sequence = sequence, ParkedAt = now };
        record.StreamKey = streamKey;
        record.EventType = eventType;
        record.Reason = Reason(error);
        record.Attempts++;
        record.LastTriedAt = now;
        record.ResolvedAt = null;
        session.Store(record);
        await session.SaveChangesAsync(ct);
        if (fresh)
        {
            open.AddOrUpdate(consumer, 1, (_, n) => n + 1);
            parked.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
        }
        log.LogWarning(error, "{Consumer} parked event {Sequence} ({EventType} on {Stream}): {Reason}", consumer, sequence, record.EventType, record.StreamKey, record.Reason);
    }

    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(string? consumer, bool openOnly, int limit, long? beforeSequence, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var query = session.Query<ParkedEvent>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(consumer)) query = query.Where(p => p.Consumer == consumer);
        if (openOnly) query = query.Where(p => p.ResolvedAt == null);
        if (beforeSequence is { } before) query = query.Where(p => p.Sequence < before);
        return await query.OrderByDescending(p => p.Sequence).ThenBy(p => p.Consumer).Take(limit).ToListAsync(ct);
    }

    public async Task<ParkedEvent?> GetAsync(string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ParkedEvent>(id, ct);
    }

    /// <summary>Applies a parked event again with its consumer; resolved when that works, the new reason kept when not.</summary>
    public async Task<(RetryOutcome Outcome, ParkedEvent? Record)> RetryAsync(string id, CancellationToken ct)
    {
        await retries.WaitAsync(ct);
        try
        {
            return await RetryOnceAsync(id, ct);
        }
        finally
        {
            retries.Release();
        }
    }

    async Task<(RetryOutcome Outcome, ParkedEvent? Record)> RetryOnceAsync(string id, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        // Two retries of one event (a request sent twice, two silos) take turns: the second finds it resolved rather than
        // applying it again (a board's count or an analytics row would be counted twice).
        await session.BeginTransactionAsync(ct);
        await WriterLock.TakeOneAsync(session.Connection!, WriterLock.ParkedRetry, id, ct);
        var record = await session.LoadAsync<ParkedEvent>(id, ct);
        if (record is null) return (RetryOutcome.NotFound, null);
        if (record.ResolvedAt is not null) return (RetryOutcome.AlreadyResolved, record);
        var consumer = services.GetServices<IParkingConsumer>().FirstOrDefault(c => c.Name == record.Consumer);
        if (consumer is null) return (RetryOutcome.UnknownConsumer, record);
        var e = await session.Events.QueryAllRawEvents().Where(x => x.Sequence == record.Sequence).SingleOrDefaultAsync(ct);
        if (e is null) return (RetryOutcome.NotFound, record);

        var triedAt = DateTimeOffset.UtcNow;
        string? stillFailing = null;
        try
        {
            await consumer.RetryAsync(e, ct);
        }
        catch (Exception error) when (!Outage.Is(error))
        {
            stillFailing = Reason(error);
        }
        // Recorded over the record as it is now: its consumer may have parked it again or a rebuild resolved it meanwhile.
        // Not cancelled from here on (a client gone, the host stopping): an applied event must be recorded as resolved,
        // or the next retry would apply it again.
        await WriterLock.TakeAsync<ParkedEvent>(session, CancellationToken.None);
        record = await session.LoadAsync<ParkedEvent>(id, CancellationToken.None) ?? record;
        record.Attempts++;
        record.LastTriedAt = triedAt;
        var outcome = record.ResolvedAt is not null ? RetryOutcome.AlreadyResolved : stillFailing is null ? RetryOutcome.Applied : RetryOutcome.StillFailing;
        if (outcome == RetryOutcome.Applied) record.ResolvedAt = triedAt;
        if (outcome == RetryOutcome.StillFailing) record.Reason = stillFailing!;
        session.Store(record);
        await session.SaveChangesAsync(CancellationToken.None);
        if (outcome == RetryOutcome.Applied)
        {
            open.AddOrUpdate(record.Consumer, 0, (_, n) => Math.Max(0, n - 1));
            log.LogInformation("{Consumer} applied parked event {Sequence} on retry", record.Consumer, record.Sequence);
        }
        return (outcome, record);
    }

    /// <summary>
    /// After a consumer rebuilt its state from the whole history up to <paramref name="upTo"/>, the events
    /// parked before that it has now applied are resolved; those it parked again stay open.
    /// </summary>
    public async Task ResolveRebuiltAsync(string consumer, long upTo, IReadOnlySet<long> parkedAgain, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await WriterLock.TakeAsync<ParkedEvent>(session, ct);
        var stale = await session.Query<ParkedEvent>()
            .Where(p => p.Consumer == consumer && p.ResolvedAt == null && p.Sequence <= upTo).ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var resolved = 0;
        foreach (var p in stale.Where(p => !parkedAgain.Contains(p.Sequence)))
        {
            p.ResolvedAt = now;
            session.Store(p);
            resolved++;
        }
        if (resolved == 0) return;
        await session.SaveChangesAsync(ct);
        open.AddOrUpdate(consumer, 0, (_, n) => Math.Max(0, n - resolved));
    }

    /// <summary>The exception's type and message (no stack: the log has it), kept short.</summary>
    static string Reason(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        return text.Length <= 2000 ? text : text[..2000] + "…";
    }
}

/// <summary>Loads the open counts once the host has started (the store's schema is in place by then).</summary>
public sealed class ParkingStartup(ParkingLot parking, IHostApplicationLifetime lifetime, ILogger<ParkingStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await parking.LoadAsync(ct);
                return;
            }
            catch (Exception e) when (Fusion.Silo.Store.Outage.Is(e) && !ct.IsCancellationRequested)
            {
                log.LogWarning("Parked events not countable yet: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }
}

public static class ParkingSetup
{
    /// <summary>The parking lot, the consumer status every health check and lag metric reads, and the live-risk retry.</summary>
    public static IServiceCollection AddParking(this IServiceCollection services, IConfiguration config)
    {
        var options = new ConsumerOptions();
        config.GetSection("Fusion:Consumers").Bind(options);
        services.AddSingleton(options);
        services.AddSingleton<ParkingLot>();
        services.AddHostedService<ParkingStartup>();
        services.AddSingleton<Consumers>();
        services.AddHostedService<ConsumerWatch>();
        services.AddSingleton<IParkingConsumer, Risk.RiskParkingConsumer>();
        return services;
    }
}
