using System.Collections.Immutable;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Warnings;

/// <summary>
/// The chain of responsibility a warning climbs (分片包干): stage 0 the area's leaders (the enterprise's
/// own leader, else its region's), stage 1 the region's inspection commissioners, stage 2 the prefecture's
/// leaders. A region without its own leader or commissioner falls back to its parent region, then to the
/// prefecture.
/// </summary>
public static class Responsibility
{
    public const int LastStage = 2;

    public static ImmutableArray<WarningRecipient> At(int stage, MasterDataCatalog catalog, string? enterpriseId, string regionId)
    {
        var recipients = stage switch
        {
            0 => AreaLeaders(catalog, enterpriseId, regionId),
            1 => Commissioners(catalog, regionId),
            _ => [],
        };
        return recipients.Length > 0 ? recipients : Prefecture(catalog, regionId);
    }

    static ImmutableArray<WarningRecipient> AreaLeaders(MasterDataCatalog catalog, string? enterpriseId, string regionId)
    {
        if (enterpriseId is not null)
        {
            var own = catalog.Leaders.Values.Where(l => l.Level == LeaderLevel.Enterprise && l.AreaId == enterpriseId)
                .Select(l => Leader(l, RecipientRole.EnterpriseLeader)).ToImmutableArray();
            if (own.Length > 0) return Sorted(own);
        }
        foreach (var region in Ancestry(catalog, regionId))
        {
            var leaders = catalog.Leaders.Values.Where(l => l.Level == LeaderLevel.Region && l.AreaId == region)
                .Select(l => Leader(l, RecipientRole.RegionLeader)).ToImmutableArray();
            if (leaders.Length > 0) return Sorted(leaders);
        }
        return [];
    }

    static ImmutableArray<WarningRecipient> Commissioners(MasterDataCatalog catalog, string regionId)
    {
        foreach (var region in Ancestry(catalog, regionId))
        {
            var commissioners = catalog.Commissioners.Values.Where(c => c.RegionId == region)
                .Select(c => new WarningRecipient(c.CommissionerId, RecipientRole.Commissioner, c.Name, c.Email)).ToImmutableArray();
            if (commissioners.Length > 0) return Sorted(commissioners);
        }
        return [];
    }

    /// <summary>The prefecture leaders linked to the region (联点) or one of its parents; all of them when none is.</summary>
    static ImmutableArray<WarningRecipient> Prefecture(MasterDataCatalog catalog, string regionId)
    {
        var all = catalog.Leaders.Values.Where(l => l.Level == LeaderLevel.Prefecture).ToList();
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
