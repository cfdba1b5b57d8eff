using Fusion.Silo.Cluster;
using Marten;
using Npgsql;

namespace Fusion.Silo.MasterData;

/// <summary>
/// In a cluster, keeps this silo's master data (the catalog and the monitors' access passwords) in step with what every
/// silo stores: it listens on PostgreSQL's <see cref="MasterDataCache.Channel"/>, which each master-data append and
/// password change notifies in its own transaction, and catches up from the store at each notification (and every
/// half minute, should one be missed while the connection was down). Alone, a silo's own appends are all there is.
/// </summary>
public sealed class MasterDataFollower(IDocumentStore store, MasterDataCache cache, Monitoring.MonitorPasswords passwords, ClusterSettings options,
    ILogger<MasterDataFollower> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Clustered) return;
        var cs = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false, ApplicationName = "fusion-master-data", KeepAlive = 5 };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs.ConnectionString);
                await conn.OpenAsync(stop);
                await using (var listen = new NpgsqlCommand($"LISTEN {MasterDataCache.Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stop);
                while (!stop.IsCancellationRequested)
                {
                    // Listening before looking: nothing committed between the two is missed.
                    var learnt = await cache.CatchUpAsync(store, stop);
                    await passwords.LoadAsync(stop);
                    if (learnt > 0) log.LogInformation("Learnt {Count} master-data events stored by the cluster", learnt);
                    await conn.WaitAsync(TimeSpan.FromSeconds(30), stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                log.LogWarning(e, "Following the cluster's master data failed; trying again");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop); }
                catch (OperationCanceledException) { }
            }
        }
    }
}
