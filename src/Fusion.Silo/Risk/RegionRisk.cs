using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;

namespace Fusion.Silo.Risk;

/// <summary>
/// A region's score, composed on read: its own and its parks' region-level signals, and its
/// enterprises' signals weighted by their rank (RiskScoring.ScoreRegion), at the clock's now.
/// </summary>
public sealed class RegionRisk(IGrainFactory grains, MasterDataCache masterData, RiskModel model, PlatformClock clock)
{
    public async Task<RiskScore> ScoreAsync(string regionId)
    {
        var catalog = masterData.Current;
        var regions = Members(catalog, regionId);
        var enterprises = catalog.Enterprises.Values.Where(e => regions.Contains(e.RegionId)).Select(e => e.EnterpriseId);
        var own = await Task.WhenAll(regions.Select(r => grains.GetGrain<IRegionRiskGrain>(r).GetSignalsAsync().AsTask()));
        var theirs = await Task.WhenAll(enterprises.Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e).GetSignalsAsync().AsTask()));
        return RiskScoring.ScoreRegion(regionId, own.SelectMany(l => l).ToList(), theirs, model, clock.Now);
    }

    /// <summary>The region itself and the parks that lie in it.</summary>
    public static IReadOnlySet<string> Members(MasterDataCatalog catalog, string regionId) =>
        catalog.Regions.Values.Where(r => r.ParentRegionId == regionId).Select(r => r.RegionId).Append(regionId).ToHashSet();
}
