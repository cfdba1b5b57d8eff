using System.Runtime.CompilerServices;
using Fusion.Projections.Projection;
using Fusion.Projections.Queries;
using Fusion.Silo.Hosting;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;

namespace Fusion.Silo.Analytics;

public sealed class AnalyticsOptions
{
    /// <summary>Data folder (FUSION_DATA, default .fusion/); the DuckDB files live in its analytics/ folder.</summary>
    public string DataFolder { get; set; } = Environment.GetEnvironmentVariable("FUSION_DATA") is { Length: > 0 } d ? d : ".fusion";
    public int QueryTimeoutSeconds { get; set; } = 30;
    public int MaxRows { get; set; } = 1_000_000;
    /// <summary>Analysts' queries holding DuckDB at once (running, streaming, or abandoned and not yet ended); one more gets 503 with Retry-After.</summary>
    public int MaxConcurrentQueries { get; set; } = 4;
    /// <summary>
    /// Events a rebuild reads and writes per DuckDB transaction. Large transactions let DuckDB write row groups
    /// straight into the new file instead of through its write-ahead log: 7,300 → 10,900 events/s folded and written,
    /// 10,000 against 50,000 per transaction, in one profiled run of `./fusion bench analytics` on a loaded machine.
    /// </summary>
    public int RebuildBatchSize { get; set; } = 50_000;
    /// <summary>DuckDB's memory limit for the analytics instance (writer and analysts' SQL together); locked at open.</summary>
    public string MemoryLimit { get; set; } = AnalyticsResources.Default.MemoryLimit;
    /// <summary>DuckDB's worker threads for the analytics instance; locked at open.</summary>
    public int Threads { get; set; } = AnalyticsResources.Default.Threads;
    public string Folder => Path.Combine(DataFolder, "analytics");
}

/// <summary>Registration of the analytics projection, its subscription, query runner and rebuild.</summary>
public static class Analytics
{
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddAnalytics(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IServiceCollection services, IConfiguration config)
    {
        var options = new AnalyticsOptions();
        config.GetSection("Analytics").Bind(options);
        if (config["Fusion:DataFolder"] is { Length: > 0 } folder) options.DataFolder = folder;
        services.AddSingleton(options);
        services.AddSingleton(_ => new AnalyticsProjector(options.Folder, new AnalyticsResources(options.MemoryLimit, options.Threads)));
        services.AddSingleton<AnalyticsMetrics>();
        services.AddSingleton(sp => new AnalyticsQueryRunner(
            () => sp.GetRequiredService<AnalyticsProjector>().Database,
            new QueryLimits(TimeSpan.FromSeconds(options.QueryTimeoutSeconds), options.MaxRows, options.MaxConcurrentQueries)));
        services.AddSingleton<AnalyticsRebuild>();
        services.AddSingleton<Parking.IParkingConsumer, AnalyticsParkingConsumer>();
        marten.AddSubscriptionWithServices<AnalyticsSubscription>(ServiceLifetime.Singleton);
        return marten;
    }

    public static AnalyticsEvent ToAnalyticsEvent(IEvent e) =>
        new(e.Sequence, e.StreamKey ?? e.StreamId.ToString(), e.EventType.Name, e.Data, e.Timestamp);
}

/// <summary>
/// Reads the stored history for a rebuild, in sequence order, a page at a time, straight from the
/// event table through Npgsql (no session, no LINQ, no metadata a rebuild does not use), each payload
/// deserialized by Marten's own serializer into the type recorded with it. The next page is fetched
/// while the current one is applied.
/// </summary>
public sealed class MartenAnalyticsSource(IDocumentStore store, int batchSize) : IAnalyticsEventSource
{
    readonly Dictionary<string, Type?> _types = new(StringComparer.Ordinal);

    public async IAsyncEnumerable<IReadOnlyList<AnalyticsEvent>> ReadAsync(long after, long upTo, [EnumeratorCancellation] CancellationToken ct)
    {
        if (after >= upTo) yield break;
        var serializer = store.Options.Serializer();
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT seq_id, stream_id, type, data, timestamp, mt_dotnet_type FROM {schema}.mt_events " +
                          "WHERE seq_id > $1 AND seq_id <= $2 ORDER BY seq_id LIMIT $3";
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = 0L });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = upTo });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = batchSize });
        var next = FetchAsync(after);
        try
        {
            while (true)
            {
                var page = await next;
                if (page.Count == 0) yield break;
                after = page[^1].Sequence;
                next = after < upTo ? FetchAsync(after) : Task.FromResult<List<AnalyticsEvent>>([]);
                yield return page;
            }
        }
        finally
        {
            try { await next; } catch { /* the consumer stopped or failed first: its exception is the one that counts */ }
        }

        async Task<List<AnalyticsEvent>> FetchAsync(long from)
        {
            await Task.Yield();
            cmd.Parameters[0].Value = from;
            var page = new List<AnalyticsEvent>(batchSize);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var type = TypeOf(reader.IsDBNull(5) ? null : reader.GetString(5));
                var data = type is null ? reader.GetString(3) : serializer.FromJson(type, reader, 3);
                // The event type is the CLR type's name, as the live subscription gives it (IEvent.EventType.Name).
                page.Add(new AnalyticsEvent(reader.GetInt64(0), reader.GetString(1), type?.Name ?? reader.GetString(2), data, reader.GetFieldValue<DateTimeOffset>(4)));
            }
            return page;
        }
    }

    /// <summary>The recorded .NET type, when this process has it; otherwise the payload stays JSON text.</summary>
    Type? TypeOf(string? dotnetType)
    {
        if (dotnetType is null) return null;
        if (!_types.TryGetValue(dotnetType, out var type))
            _types[dotnetType] = type = Type.GetType(dotnetType, throwOnError: false);
        return type;
    }
}

/// <summary>Runs one rebuild at a time in the background; its status is what the endpoint and the CLI show.</summary>
public sealed class AnalyticsRebuild(
    AnalyticsProjector projector, IDocumentStore store, AnalyticsOptions options, AnalyticsMetrics metrics, Parking.ParkingLot parking,
    ILogger<AnalyticsRebuild> log, IHostApplicationLifetime lifetime)
{
    Task? running;

    public RebuildStatus? Status => projector.Rebuild;

    /// <summary>False when one is already running.</summary>
    public bool TryStart()
    {
        lock (this)
        {
            if (running is { IsCompleted: false }) return false;
            running = Task.Run(RunAsync);
            return true;
        }
    }

    public Task Completion => running ?? Task.CompletedTask;

    async Task RunAsync()
    {
        try
        {
            var parked = new HashSet<long>();
            var status = await projector.RebuildAsync(new MartenAnalyticsSource(store, options.RebuildBatchSize), TargetAsync, TimeProvider.System, lifetime.ApplicationStopping,
                park: async (e, error) =>
                {
                    parked.Add(e.Sequence);
                    await parking.ParkAsync(AnalyticsSubscription.SubscriptionId, e.Sequence, e.StreamKey, e.EventType, error, lifetime.ApplicationStopping);
                },
                isOutage: Store.Outage.Is);
            await parking.ResolveRebuiltAsync(AnalyticsSubscription.SubscriptionId, status.LastSequence, parked, lifetime.ApplicationStopping);
            log.LogInformation("Analytics rebuilt: {Applied} events at {Rate} events/s into {File}", status.Applied, status.EventsPerSecond, status.File);
        }
        catch (Exception e)
        {
            log.LogError(e, "Analytics rebuild failed");
        }
    }

    /// <summary>The live file's checkpoint, or what Marten has already delivered to the analytics subscription, whichever is later.</summary>
    async Task<long> TargetAsync(CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var delivered = progress.Where(p => p.ShardName.StartsWith(AnalyticsSubscription.SubscriptionId, StringComparison.Ordinal))
            .Select(p => p.Sequence).DefaultIfEmpty(0).Max();
        var stats = await store.Advanced.FetchEventStoreStatistics(token: ct);
        metrics.StoreAt(stats.EventSequenceNumber);
        return Math.Max(projector.LastSequence, delivered);
    }
}
