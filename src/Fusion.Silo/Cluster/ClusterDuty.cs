using Npgsql;

namespace Fusion.Silo.Cluster;

/// <summary>
/// Who in the cluster does the time-driven work (device liveness, region assessment, the warning clock, the fund and
/// enforcement clocks, identity retention, notification dispatch, the boards' refresh): the one silo holding a
/// PostgreSQL session-level advisory lock — the mechanism Marten's HotCold daemon elects its leader with, on a lock of
/// its own. PostgreSQL releases it when the holder's connection ends, a kill -9 included, and a survivor takes it at
/// its next try (<see cref="ClusterSettings.DutyPollEvery"/>). What those services write is keyed by the source's ids or
/// decided by grains that keep their state in the store, so a tick the new holder repeats appends nothing twice.
/// A silo alone (no cluster configured) always holds the duties.
/// </summary>
public sealed class ClusterDuty(ClusterSettings options, ILogger<ClusterDuty> log) : BackgroundService
{
    /// <summary>"FUSION" and 1: the duties' lock, apart from Marten's daemon lock.</summary>
    public const long LockId = 0x46_55_53_49_4F_4E_01;

    volatile bool held = !options.Clustered;

    public bool Clustered => options.Clustered;

    /// <summary>Whether this silo does the cluster's time-driven work now.</summary>
    public bool Held => held;

    /// <summary>When this silo last took the duties (null: never, or always held).</summary>
    public DateTimeOffset? TakenAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Clustered) return;
        // Its own connection, outside any pool: a session lock must not go back to a pool with the connection.
        var cs = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false, ApplicationName = "fusion-cluster-duty", KeepAlive = 1 };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs.ConnectionString);
                await conn.OpenAsync(stop);
                while (!stop.IsCancellationRequested)
                {
                    if (!held)
                    {
                        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@id)", conn);
                        take.Parameters.AddWithValue("id", LockId);
                        if ((bool)(await take.ExecuteScalarAsync(stop))!)
                        {
                            TakenAt = DateTimeOffset.UtcNow;
                            held = true;
                            log.LogInformation("This silo took the cluster's time-driven duties");
                        }
                    }
                    else
                    {
                        // Still ours? The connection could have been ended by the server.
                        await using var check = new NpgsqlCommand(
                            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted " +
                            "AND ((classid::bigint << 32) | objid::bigint) = @id)", conn);
                        check.Parameters.AddWithValue("id", LockId);
                        if (!(bool)(await check.ExecuteScalarAsync(stop))!) Lose("the lock was no longer held");
                    }
                    await Task.Delay(options.DutyPollEvery, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                Lose(e.Message);
                try { await Task.Delay(options.DutyPollEvery, stop); }
                catch (OperationCanceledException) { }
            }
        }
        held = false;
    }

    void Lose(string why)
    {
        if (!held) return;
        held = false;
        log.LogWarning("This silo gave up the cluster's time-driven duties: {Why}", why);
    }
}
