using Fusion.Domain.Risk;
using JasperFx.Events.Daemon;
using Fusion.Silo.Hosting;
using Fusion.Silo.Store;
using Marten;

namespace Fusion.Silo.Risk;

/// <summary>The risk model whose scores the risk grains hold, kept beside them.</summary>
public sealed class RiskModelInUse
{
    public const string DocumentId = "risk-model";
    public string Id { get; set; } = DocumentId;
    public string Version { get; set; } = "";
    public string? PreviousVersion { get; set; }
    public DateTimeOffset AdoptedAt { get; set; }
}

/// <summary>
/// A new RiskModel:Version re-scores history. At start the version in configuration is compared with
/// the one the grains' scores were made with; when they differ, the live-risk subscription is stopped,
/// every risk snapshot and region assessment is dropped, the grains forget what they held, and the
/// subscription is rewound to the first event: every enterprise and region is rebuilt from the events
/// with the new model, appending RiskAssessed with the new version (regions at the next assessment).
/// </summary>
public sealed class RiskModelChange(
    IDocumentStore store, IProjectionCoordinator coordinator, IGrainFactory grains, RiskModel model, PlatformClock clock,
    ILogger<RiskModelChange> log) : BackgroundService
{
    static readonly string Shard = $"{RiskSubscription.SubscriptionId}:All";

    /// <summary>Set once the check is done (and, after a change, the rewind has been started).</summary>
    public Task Checked => checkedSource.Task;
    readonly TaskCompletionSource checkedSource = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CheckAsync(stoppingToken);
            checkedSource.TrySetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Could not check or apply the risk model version; scores stay as they were");
            checkedSource.TrySetException(e);
        }
    }

    async Task CheckAsync(CancellationToken ct)
    {
        RiskModelInUse? inUse;
        IReadOnlyList<string> snapshots;
        await using (var query = store.QuerySession())
        {
            inUse = await query.LoadAsync<RiskModelInUse>(RiskModelInUse.DocumentId, ct);
            if (inUse?.Version == model.Version)
            {
                // Kept since answers as of a moment (RiskAsOfReader) need the numbers: a model adopted before then is recorded now.
                if (await query.LoadAsync<AdoptedRiskModel>(AdoptedRiskModel.IdOf(model.Version, inUse.AdoptedAt), ct) is null)
                {
                    await using var record = store.LightweightSession();
                    record.Store(new AdoptedRiskModel { Id = AdoptedRiskModel.IdOf(model.Version, inUse.AdoptedAt), Model = model, AdoptedAt = inUse.AdoptedAt });
                    await record.SaveChangesAsync(ct);
                }
                return;
            }
            snapshots = await query.Query<RiskSnapshot>().Select(s => s.Id).ToListAsync(ct);
        }
        if (inUse is not null || snapshots.Count > 0)
        {
            log.LogWarning("Risk model {Previous} → {Version}: re-scoring every enterprise and region from the events", inUse?.Version ?? "(unrecorded)", model.Version);
            var daemon = coordinator.DaemonForMainDatabase();
            await daemon.WaitForShardToBeRunning(Shard, TimeSpan.FromMinutes(1));
            await daemon.StopAgentAsync(Shard);
            await using (var session = store.LightweightSession())
            {
                await WriterLock.TakeAsync<RegionAssessment>(session, ct); // a region assessment under way ends first
                // Read again with the agent stopped: a grain that scored its first signals since is included.
                snapshots = await session.Query<RiskSnapshot>().Select(s => s.Id).ToListAsync(ct);
                session.DeleteWhere<RiskSnapshot>(_ => true);
                session.DeleteWhere<HeldSignal>(_ => true);
                session.DeleteWhere<RegionAssessment>(_ => true);
                await session.SaveChangesAsync(ct);
            }
            await Task.WhenAll(snapshots.Select(id => id.Split(':', 2) switch
            {
                ["enterprise", var e] => grains.GetGrain<IEnterpriseRiskGrain>(e).ResetAsync().AsTask(),
                [_, var r] => grains.GetGrain<IRegionRiskGrain>(r).ResetAsync().AsTask(),
                _ => Task.CompletedTask,
            }));
            await daemon.RewindSubscriptionAsync(RiskSubscription.SubscriptionId, ct, sequenceFloor: 0);
        }
        var adoptedAt = clock.Now;
        await using var write = store.LightweightSession();
        write.Store(new RiskModelInUse { Version = model.Version, PreviousVersion = inUse?.Version, AdoptedAt = adoptedAt });
        write.Store(new AdoptedRiskModel { Id = AdoptedRiskModel.IdOf(model.Version, adoptedAt), Model = model, AdoptedAt = adoptedAt });
        await write.SaveChangesAsync(ct);
    }
}
