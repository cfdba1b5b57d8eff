namespace Fusion.Silo.Cluster;

/// <summary>
/// Section "Fusion:Cluster". With a Redis connection string the silo joins an Orleans cluster whose membership lives in
/// that Redis (Microsoft.Orleans.Clustering.Redis), Marten's async daemon runs in HotCold mode, and the time-driven work
/// is done by the one silo holding the cluster's duty lock. Without one, the silo is alone (localhost clustering, the
/// daemon in Solo mode): the single-machine default.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>StackExchange.Redis configuration string of the cluster's membership table, e.g. "127.0.0.1:6379".</summary>
    public string? Redis { get; set; }

    /// <summary>The address other silos reach this one on (Orleans' advertised address); 127.0.0.1 when not given.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How often a silo without the duty lock tries to take it (and the holder checks it still has it).</summary>
    public TimeSpan DutyPollEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a cold daemon tries to become the hot one (Marten's LeadershipPollingTime).</summary>
    public TimeSpan LeadershipPollingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Orleans' membership probe timeout; with <see cref="MissedProbesLimit"/> it sets how soon a killed silo is declared dead.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// How long a call to a grain may wait for its answer (Orleans' ResponseTimeout): 10 s when clustered unless given (a call
    /// to a silo that died fails soon and is made again), Orleans' own 30 s when the silo is alone unless given.
    /// </summary>
    public TimeSpan? ResponseTimeout { get; set; }

    /// <summary>PostgreSQL connection string (not configuration: the host's own).</summary>
    internal string ConnectionString { get; set; } = "";

    public bool Clustered => !string.IsNullOrWhiteSpace(Redis);
}
