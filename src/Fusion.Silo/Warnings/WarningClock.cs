using Fusion.Domain.Warnings;
using Fusion.Silo.Hosting;
using Fusion.Silo.Telemetry;
using Marten;

namespace Fusion.Silo.Warnings;

/// <summary>
/// Wakes the warning grains whose persisted due time has come (Fusion:Warnings:TickEvery, default five
/// seconds), so time-driven rules fire while no event arrives and after a restart: the due times live in
/// the store with the books, not in this process. The grain owns what happens; this only rings.
/// </summary>
public sealed class WarningClock(IDocumentStore store, IGrainFactory grains, PlatformClock clock, FusionMetrics metrics, AnalyticalRuns analytical, WarningRiskModel riskModel,
    IConfiguration config, ILogger<WarningClock> log, Cluster.ClusterDuty duty) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(config.GetValue("Fusion:Warnings:TickEvery", TimeSpan.FromSeconds(5)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // One silo rings: the grains would take a second ring calmly, but the analytical rules would run twice.
            if (!duty.Held) continue;
            try
            {
                await RingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Warning clock tick failed; trying again at the next tick");
            }
        }
    }

    public async Task<int> RingAsync(CancellationToken ct)
    {
        await riskModel.CheckAsync(ct);
        var now = clock.Now;
        await using var session = store.QuerySession();
        var due = await session.Query<WarningBookDocument>().Where(d => d.DueAt != null && d.DueAt <= now).Select(d => d.Id).ToListAsync(ct);
        foreach (var chunk in due.Chunk(32))
            await Task.WhenAll(chunk.Select(scope => grains.GetGrain<IWarningGrain>(scope).TickAsync().AsTask()));
        await analytical.RunDueAsync(ct);
        var open = await session.Query<WarningView>().Where(w => w.Status != "resolved").Select(w => new { w.RuleId, w.Severity }).ToListAsync(ct);
        metrics.OpenWarnings(open.GroupBy(w => (w.RuleId, w.Severity.ToString())).Select(g => (g.Key.RuleId, g.Key.Item2, (long)g.Count())).ToList());
        return due.Count;
    }
}
