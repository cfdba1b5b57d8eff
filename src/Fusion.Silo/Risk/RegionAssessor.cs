using Fusion.Domain;
using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using Marten;

namespace Fusion.Silo.Risk;

/// <summary>The last score recorded for a region, kept beside its RiskAssessed events.</summary>
public sealed class RegionAssessment
{
    public string Id { get; set; } = "";
    public double Score { get; set; }
    public RiskLevel Level { get; set; }
}

/// <summary>
/// A region's score moves whenever one of its enterprises' does, and with time as signals decay, so it
/// is not assessed per event: every interval (Fusion:Risk:RegionAssessEvery, default one minute) each
/// region is scored and a RiskAssessed event is appended for those whose score or level moved. That
/// is the region history boards and analysts read. The scores come from the grains' stored state, not a page being staged:
/// a page staged on a silo that dies before storing it is staged again elsewhere, and a score recorded from it could be
/// followed by an earlier one at the same checkpoint. In a cluster the silo holding the duties assesses, and a silo that
/// has just taken them over assesses at once rather than an interval later.
/// </summary>
public sealed class RegionAssessor(
    IDocumentStore store, RegionRisk regions, MasterDataCache masterData, RiskModel model, PlatformClock clock,
    FusionMetrics metrics, IConfiguration config, ILogger<RegionAssessor> log, Cluster.ClusterDuty duty) : BackgroundService
{
    long assessedThrough = -1;

    /// <summary>How far live risk had come when this silo last assessed the regions (null: it has not).</summary>
    public long? AssessedThrough => Interlocked.Read(ref assessedThrough) is var through && through >= 0 ? through : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = config.GetValue("Fusion:Risk:RegionAssessEvery", TimeSpan.FromMinutes(1));
        var poll = every < TimeSpan.FromSeconds(1) ? every : TimeSpan.FromSeconds(1);
        var due = DateTimeOffset.UtcNow + every;
        var takenAt = duty.TakenAt;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!duty.Held) continue;
            var justTaken = duty.TakenAt != takenAt;
            if (!justTaken && DateTimeOffset.UtcNow < due) continue;
            takenAt = duty.TakenAt;
            due = DateTimeOffset.UtcNow + every;
            try
            {
                await AssessAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Region assessment failed; trying again at the next tick");
            }
        }
    }

    public async Task<int> AssessAsync(CancellationToken ct)
    {
        var ids = masterData.Current.Regions.Keys.Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return 0;
        await using var session = store.LightweightSession();
        // Two runs at once (a tick of the duty's old holder still running as the new one starts, a risk model change's reset)
        // take turns, each reading the scores after the other stored: the second records only what moved since, never an
        // older score over a newer one.
        await WriterLock.TakeAsync<RegionAssessment>(session, ct);
        // How far live risk had come before the scores are read (they hold at least that much): this process's
        // subscription, or in a cluster the store's record of it (it may run elsewhere).
        var asOf = duty.Clustered
            ? (await Cluster.StoreProgress.PositionsAsync(store, ct)).GetValueOrDefault(RiskSubscription.SubscriptionId)
            : metrics.LastProcessedSequence;
        var scores = await Task.WhenAll(ids.Select(id => regions.ScoreAsync(id, stored: true)));
        var last = (await session.LoadManyAsync<RegionAssessment>(ct, ids)).ToDictionary(a => a.Id);
        var moved = 0;
        foreach (var score in scores)
        {
            var previous = last.GetValueOrDefault(score.SubjectId);
            if (previous is not null && Math.Abs(previous.Score - score.Score) < 0.1 && previous.Level == score.Level) continue;
            if (previous is null && score.Contributions.Count == 0) continue;
            session.Store(new RegionAssessment { Id = score.SubjectId, Score = score.Score, Level = score.Level });
            var main = score.Contributions.MaxBy(c => c.Contribution)?.Signal;
            session.Events.Append(Streams.Risk($"region:{score.SubjectId}"),
                new RiskAssessed(score.SubjectId, RiskSubject.Region, score.SubjectId, score.Score, score.Level, model.Version,
                    score.Contributions.Count, asOf, main?.Kind, main?.Summary, clock.Now));
            moved++;
        }
        if (moved > 0) await session.SaveChangesAsync(ct);
        Interlocked.Exchange(ref assessedThrough, asOf);
        return moved;
    }
}
