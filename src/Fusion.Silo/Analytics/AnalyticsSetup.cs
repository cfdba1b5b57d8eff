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
public static class AnalyticsSetup
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
        // Alone, the daemon's subscription feeds the file; in a cluster each silo's follower feeds its own copy.
        services.AddSingleton<AnalyticsFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalyticsFollower>());
        if (!Cluster.ClusterSetup.IsClustered(config))
            marten.AddSubscriptionWithServices<AnalyticsSubscription>(ServiceLifetime.Singleton);
        return marten;
    }

    public static AnalyticsEvent ToAnalyticsEvent(IEvent e) =>
        new(e.Sequence, e.StreamKey ?? e.StreamId.ToString(), e.EventType.Name, e.Data, e.Timestamp);
}
