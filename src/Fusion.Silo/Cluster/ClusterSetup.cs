using System.Net;
using Fusion.Silo.MasterData;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Fusion.Silo.Cluster;

/// <summary>
/// One silo alone (localhost clustering, the single-machine default) or several as one Orleans cluster whose membership
/// table is in Redis (Fusion:Cluster:Redis). Either way the silo's ports are Orleans:SiloPort and Orleans:GatewayPort.
/// </summary>
public static class ClusterSetup
{
    public static bool IsClustered(IConfiguration config) => !string.IsNullOrWhiteSpace(config["Fusion:Cluster:Redis"]);

    public static ClusterSettings OptionsFrom(IConfiguration config, string connectionString)
    {
        var options = new ClusterSettings();
        config.GetSection("Fusion:Cluster").Bind(options);
        options.ConnectionString = connectionString;
        return options;
    }

    public static void Configure(ISiloBuilder silo, IConfiguration config, ClusterSettings cluster)
    {
        var siloPort = config.GetValue("Orleans:SiloPort", 11111);
        var gatewayPort = config.GetValue("Orleans:GatewayPort", 30000);
        var clusterId = config.GetValue("Orleans:ClusterId", "fusion-local")!;
        if (cluster.ResponseTimeout is not null || cluster.Clustered)
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout ?? TimeSpan.FromSeconds(10));
        if (!cluster.Clustered)
        {
            silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort, serviceId: "fusion", clusterId: clusterId);
            return;
        }
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ServiceId = "fusion";
            o.ClusterId = clusterId;
        });
        var address = IPAddress.Parse(cluster.AdvertisedAddress is { Length: > 0 } a ? a : "127.0.0.1");
        silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis!));
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A killed silo is declared dead within a few seconds, so its grains activate on a survivor soon.
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        });
    }

    /// <summary>The cluster's options, its duty lock and the master-data follower (both idle when the silo is alone).</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, ClusterSettings cluster)
    {
        services.AddSingleton(cluster);
        services.AddSingleton<ClusterDuty>();
        services.AddHostedService(s => s.GetRequiredService<ClusterDuty>());
        services.AddHostedService<MasterDataFollower>();
        return services;
    }
}
