using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;

namespace Fusion.Silo.Risk;

/// <summary>
/// A region's score, composed on read from its own and its parks' region-level signals and its
/// enterprises' live scores (RiskScoring.ComposeRegion), at the clock's now.
/// </summary>
public sealed class RegionRisk(IGrainFactory grains, MasterDataCache masterData, RiskModel model, PlatformClock clock)
{
    public async Task<RiskScore> ScoreAsync(string regionId)
    {
        var catalog = masterData.Current;
        var enterprises = catalog.EnterprisesIn(regionId).Select(e => e.EnterpriseId);
        var own = await Task.WhenAll(catalog.RegionAndParks(regionId).Select(r => grains.GetGrain<IRegionRiskGrain>(r).GetSignalsAsync().AsTask()));
        var theirs = await Task.WhenAll(enterprises.Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e).GetAsync().AsTask()));
        return RiskScoring.ScoreRegion(regionId, own.SelectMany(l => l.Value).ToList(), theirs, model, clock.Now);
    }
}
