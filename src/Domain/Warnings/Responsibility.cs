using System.Collections.Immutable;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Warnings;

/// <summary>
/// The chain of responsibility a warning climbs (分片包干): stage 0 the area's leaders (the enterprise's
/// own leader, else its region's), stage 1 the region's inspection commissioners, stage 2 the prefecture's
/// leaders. A region without its own leader or commissioner falls back to its parent region, then to the
/// prefecture. Each stage is judged by the assignments in force at the moment asked about (a reassigned leader's
/// old area goes to whoever holds it then).
/// </summary>
public static class Responsibility
{
    public const int LastStage = 2;

    public static ImmutableArray<WarningRecipient> At(int stage, MasterDataCatalog catalog, string? enterpriseId, string regionId, DateTimeOffset at)
    {
        var leaders = catalog.LeadersAt(at).ToList();
        var recipients = stage switch
        {
            0 => AreaLeaders(catalog, leaders, enterpriseId, regionId),
            1 => Commissioners(catalog, catalog.CommissionersAt(at).ToList(), regionId),
            _ => [],
        };
        return recipients.Length > 0 ? recipients : Prefecture(catalog, leaders, regionId);
    }

    /// <summary>The whole chain at a moment: each stage's recipients (who answered for an enterprise or region then).</summary>
    public static ImmutableArray<ImmutableArray<WarningRecipient>> Chain(MasterDataCatalog catalog, string? enterpriseId, string regionId, DateTimeOffset at) =>
        [.. Enumerable.Range(0, LastStage + 1).Select(stage => At(stage, catalog, enterpriseId, regionId, at))];

    static ImmutableArray<WarningRecipient> AreaLeaders(MasterDataCatalog catalog, List<Leader> inForce, string? enterpriseId, string regionId)
    {
        if (enterpriseId is not null)
        {
            var own = inForce.Where(l => l.Level == LeaderLevel.Enterprise && l.AreaId == enterpriseId)
                .Select(l => Leader(l, RecipientRole.EnterpriseLeader)).ToImmutableArray();
            if (own.Length > 0) return Sorted(own);
        }
        foreach (var region in Ancestry(catalog, regionId))
        {
            var leaders = inForce.Where(l => l.Level == LeaderLevel.Region && l.AreaId == region)
                .Select(l => Leader(l, RecipientRole.RegionLeader)).ToImmutableArray();
            if (leaders.Length > 0) return Sorted(leaders);
        }
        return [];
    }

    static ImmutableArray<WarningRecipient> Commissioners(MasterDataCatalog catalog, List<Commissioner> inForce, string regionId)
    {
        foreach (var region in Ancestry(catalog, regionId))
        {
            var commissioners = inForce.Where(c => c.RegionId == region)
                .Select(c => new WarningRecipient(c.CommissionerId, RecipientRole.Commissioner, c.Name, c.Email)).ToImmutableArray();
            if (commissioners.Length > 0) return Sorted(commissioners);
        }
        return [];
    }

    /// <summary>The prefecture leaders linked to the region (联点) or one of its parents; all of them when none is.</summary>
    static ImmutableArray<WarningRecipient> Prefecture(MasterDataCatalog catalog, List<Leader> inForce, string regionId)
    {
        var all = inForce.Where(l => l.Level == LeaderLevel.Prefecture).ToList();
        var ancestry = Ancestry(catalog, regionId).ToList();
        var linked = all.Where(l => ancestry.Contains(l.AreaId)).ToList();
        return Sorted((linked.Count > 0 ? linked : all).Select(l => Leader(l, RecipientRole.PrefectureLeader)).ToImmutableArray());
    }

    /// <summary>The region, then its parent, and so on (a cycle in master data ends the walk).</summary>
    static IEnumerable<string> Ancestry(MasterDataCatalog catalog, string regionId)
    {
        var seen = new HashSet<string>();
        for (var id = regionId; id is not null && seen.Add(id); id = catalog.Regions.GetValueOrDefault(id)?.ParentRegionId)
            yield return id;
    }

    static WarningRecipient Leader(Leader l, RecipientRole role) => new(l.LeaderId, role, l.Name, l.Email);

    static ImmutableArray<WarningRecipient> Sorted(ImmutableArray<WarningRecipient> r) =>
        [.. r.OrderBy(x => x.RecipientId, StringComparer.Ordinal)];
}
