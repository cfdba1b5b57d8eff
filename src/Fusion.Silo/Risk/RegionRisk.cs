using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;

namespace Fusion.Silo.Risk;

/// <summary>
/// A region's score, composed on read from its own and its parks' region-level signals and its
/// enterprises' live scores (RiskScoring.ComposeRegion), at the clock's now. Every enterprise gives only its
/// score and level; the signals of the few that explain the region (RiskScoring.ExplainingEnterprises) are
/// fetched only when the explanation is asked for.
/// </summary>
public sealed class RegionRisk(IGrainFactory grains, MasterDataCache masterData, RiskModel model, PlatformClock clock)
{
    public async Task<RiskScore> ScoreAsync(string regionId, bool explain = true)
    {
        var catalog = masterData.Current;
        var enterprises = catalog.EnterprisesIn(regionId).Select(e => e.EnterpriseId);
        var own = (await Task.WhenAll(catalog.RegionAndParks(regionId).Select(r => grains.GetGrain<IRegionRiskGrain>(r).GetSignalsAsync().AsTask())))
            .SelectMany(l => l.Value).ToList();
        var theirs = (await Task.WhenAll(enterprises.Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e).GetSummaryAsync().AsTask()))).Select(s => s.Value).ToArray();
        if (explain)
        {
            var explaining = RiskScoring.ExplainingEnterprises(regionId, own, theirs, model, clock.Now);
            var full = (await Task.WhenAll(explaining.Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e).GetAsync().AsTask()))).ToDictionary(s => s.Value.SubjectId, s => s.Value);
            theirs = theirs.Select(s => full.GetValueOrDefault(s.SubjectId, s)).ToArray();
        }
        return RiskScoring.ScoreRegion(regionId, own, theirs, model, clock.Now);
    }
}
