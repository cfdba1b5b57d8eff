namespace Fusion.Domain.MasterData;

/// <summary>
/// What a person responsible for areas (分片包干: a leader, an inspection commissioner) may see and act on: the regions
/// (with the industrial parks in them) and the enterprises they answer for, or the whole prefecture.
/// </summary>
public sealed record AreaScope(bool Prefecture, IReadOnlySet<string> Regions, IReadOnlySet<string> Enterprises)
{
    public static readonly AreaScope Everywhere = new(true, new HashSet<string>(), new HashSet<string>());

    /// <summary>A warning, case or enterprise lies in the scope when its enterprise or its region does.</summary>
    public bool Covers(string? enterpriseId, string? regionId) =>
        Prefecture
        || enterpriseId is not null && Enterprises.Contains(enterpriseId)
        || regionId is not null && Regions.Contains(regionId);

    public bool IsEmpty => !Prefecture && Regions.Count == 0 && Enterprises.Count == 0;

    /// <summary>What one assignment covers: an enterprise, or a region with its parks; a prefecture leader's, everything.</summary>
    public static AreaScope OfTenure(Tenure tenure, MasterDataCatalog catalog) =>
        tenure.Level == LeaderLevel.Prefecture ? Everywhere
        : catalog.Enterprises.ContainsKey(tenure.AreaId) ? new AreaScope(false, new HashSet<string>(), new HashSet<string> { tenure.AreaId })
        : new AreaScope(false, catalog.RegionAndParks(tenure.AreaId), new HashSet<string>());

    /// <summary>
    /// The scope of the areas a token names directly (region or enterprise ids) and of the people it names (leader and
    /// commissioner ids in master data) by their assignments in force at the moment: a region counts with its parks; a
    /// prefecture-level leader sees everything; a person reassigned sees their new area, not the old one.
    /// </summary>
    public static AreaScope Of(IEnumerable<string> areaIds, IEnumerable<string> personIds, MasterDataCatalog catalog, DateTimeOffset at)
    {
        var areas = areaIds.ToList();
        foreach (var person in personIds)
        {
            if (catalog.Leaders.GetValueOrDefault(person)?.At(at) is { } leader)
            {
                if (leader.Level == LeaderLevel.Prefecture) return Everywhere;
                areas.Add(leader.AreaId);
            }
            if (catalog.Commissioners.GetValueOrDefault(person)?.At(at) is { } commissioner) areas.Add(commissioner.RegionId);
        }
        var regions = new HashSet<string>(StringComparer.Ordinal);
        var enterprises = new HashSet<string>(StringComparer.Ordinal);
        foreach (var area in areas)
            if (catalog.Enterprises.ContainsKey(area)) enterprises.Add(area);
            else regions.UnionWith(catalog.RegionAndParks(area));
        return new AreaScope(false, regions, enterprises);
    }
}
