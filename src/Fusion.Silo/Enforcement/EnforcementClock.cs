using Fusion.Domain.Credit;
using Fusion.Silo.Blacklist;
using Fusion.Silo.Credit;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Rectification;
using Marten;

namespace Fusion.Silo.Enforcement;

/// <summary>
/// What happens when time passes and no event arrives: a case past its deadline goes overdue, a ban that
/// ran its term expires, credit deductions run out (credit grades are assessed at each tick, which is more
/// often than the daily recomputation the provincial schemes ask for). Every interval (Fusion:Enforcement:CheckEvery, default one minute, on the
/// platform's clock) it reads the case and listing documents afresh, so a restart loses nothing.
/// </summary>
public sealed class EnforcementClock(
    IDocumentStore store, MasterDataCache masterData, CreditScheme scheme, PlatformClock clock, IConfiguration config, ILogger<EnforcementClock> log, Cluster.ClusterDuty duty) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        DeviceWatch.EveryAsync(config.GetValue("Fusion:Enforcement:CheckEvery", TimeSpan.FromMinutes(1)), clock.Time, CheckAsync, log, "Enforcement deadline", stoppingToken, duty);

    public async Task CheckAsync(CancellationToken ct)
    {
        var now = clock.Now;
        await RectificationSetup.DeclareOverdueAsync(store, now, ct);
        await BlacklistSetup.ExpireAsync(store, now, ct);
        await CreditGrades.AssessAsync(store, masterData, scheme, now, ct);
    }
}
