using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;

namespace Fusion.Silo.Risk;

/// <summary>
/// A region's score, composed on read from its own and its parks' region-level signals and its
/// enterprises' live scores (RiskScoring.ComposeRegion), at the clock's now. Every enterprise gives only its
/// score and level; the signals of the few that explain the region (RiskScoring.ExplainingEnterprises) are
/// fetched only when the explanation is asked for. Stored: from the grains' stored state only, leaving out a page being staged
/// (what the region history is recorded from: a staged page is undone when its silo dies before storing it).
/// </summary>
public sealed class RegionRisk(IGrainFactory grains, MasterDataCache masterData, RiskModel model, PlatformClock clock)
{
    public async Task<RiskScore> ScoreAsync(string regionId, bool explain = true, bool stored = false)
    {
        var catalog = masterData.Current;
        var enterprises = catalog.EnterprisesIn(regionId).Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e.EnterpriseId));
        var own = (await Task.WhenAll(catalog.RegionAndParks(regionId).Select(r => grains.GetGrain<IRegionRiskGrain>(r))
                .Select(g => (stored ? g.GetStoredSignalsAsync() : g.GetSignalsAsync()).AsTask())))
            .SelectMany(l => l.Value).ToList();
        var theirs = (await Task.WhenAll(enterprises.Select(g => (stored ? g.GetStoredAsync(explain: false) : g.GetSummaryAsync()).AsTask())))
            .Select(s => s.Value).ToArray();
        if (explain)
        {
            var explaining = RiskScoring.ExplainingEnterprises(regionId, own, theirs, model, clock.Now)
                .Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e));
            var full = (await Task.WhenAll(explaining.Select(g => (stored ? g.GetStoredAsync(explain: true) : g.GetAsync()).AsTask())))
                .ToDictionary(s => s.Value.SubjectId, s => s.Value);
            theirs = theirs.Select(s => full.GetValueOrDefault(s.SubjectId, s)).ToArray();
        }
        return RiskScoring.ScoreRegion(regionId, own, theirs, model, clock.Now);
    }
}
