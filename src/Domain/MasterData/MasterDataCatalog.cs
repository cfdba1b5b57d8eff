using System.Collections.Immutable;
using Fusion.Domain.Common;

namespace Fusion.Domain.MasterData;

/// <summary>Boundary is null for a region known only by its centre.</summary>
public sealed record Region(string RegionId, string Name, string NameZh, RegionKind Kind, string? ParentRegionId, GeoPoint Centre,
    IReadOnlyList<GeoPoint>? Boundary = null);

/// <summary>ProductionStartedOn is known once recorded (ProductionStartRecorded). Revision counts amendments (0: as registered).</summary>
public sealed record Enterprise(string EnterpriseId, string Name, string Industry, string RegionId, decimal AnnualSalesRevenueYuan, GeoPoint Location,
    DateOnly? ProductionStartedOn = null)
{
    public int Revision { get; init; }
}

public sealed record Site(string SiteId, string EnterpriseId, string RegionId, SiteKind Kind, string Name, GeoPoint Location);

/// <summary>Revision counts moves (0: as registered); RetiredFrom is when it went out of service, if it did.</summary>
public sealed record Camera(string CameraId, string SiteId, string EnterpriseId, string RegionId, string? DeviceCode)
{
    public int Revision { get; init; }
    public DateTimeOffset? RetiredFrom { get; init; }

    public bool RetiredAt(DateTimeOffset at) => RetiredFrom <= at;
}

/// <summary>A set of limits and when it took effect; From is null for the limits the monitor was registered with (always in force before a change).</summary>
public sealed record LimitsInForce(DateTimeOffset? From, IReadOnlyDictionary<string, double> Limits);

/// <summary>
/// An HJ 212 monitoring point (the data logger's MN) at a site, with the permitted limit per pollutant: Limits are the latest
/// set entered, LimitHistory every set with when it took effect (oldest first). Revision counts moves and limit changes.
/// </summary>
public sealed record EmissionMonitor(string MonitorId, string SiteId, string EnterpriseId, string RegionId, IReadOnlyDictionary<string, double> Limits)
{
    public int Revision { get; init; }
    public DateTimeOffset? RetiredFrom { get; init; }
    public ImmutableList<LimitsInForce> LimitHistory { get; init; } = [];

    public bool RetiredAt(DateTimeOffset at) => RetiredFrom <= at;

    /// <summary>The limits in force for data of a moment: the latest set that had taken effect by then.</summary>
    public IReadOnlyDictionary<string, double> LimitsAt(DateTimeOffset at) =>
        LimitHistory.LastOrDefault(l => l.From is null || l.From <= at)?.Limits ?? Limits;
}

public sealed record ProtectedZone(string ZoneId, string Name, string NameZh, string Kind, string RegionId, IReadOnlyList<GeoPoint> Polygon);

public sealed record Expert(string ExpertId, string Name, string Field, string? Organisation, string? Phone, string? Email);

public sealed record Steward(string StewardId, string Name, string? CreditCode, IReadOnlyList<string> ServedAreas, string? Phone, string? Email);

/// <summary>A leader as they stand with their latest assignment (AreaId, Level); Tenures holds every assignment with its dates.</summary>
public sealed record Leader(string LeaderId, string Name, string Title, string AreaId, string? Phone, string? Email, LeaderLevel Level)
{
    public ImmutableList<Tenure> Tenures { get; init; } = [];

    /// <summary>The leader with the assignment in force at a moment, or null when they answered for nothing then.</summary>
    public Leader? At(DateTimeOffset at) =>
        MasterData.Tenures.At(Tenures, at) is { } t ? this with { AreaId = t.AreaId, Level = t.Level ?? Level } : null;
}

/// <summary>A commissioner as they stand with their latest assignment; Tenures holds every assignment with its dates.</summary>
public sealed record Commissioner(string CommissionerId, string Name, string RegionId, string? Phone, string? Email)
{
    public ImmutableList<Tenure> Tenures { get; init; } = [];

    public Commissioner? At(DateTimeOffset at) =>
        MasterData.Tenures.At(Tenures, at) is { } t ? this with { RegionId = t.AreaId } : null;
}

/// <summary>
/// Everything known about regions, enterprises, sites, cameras, zones and the people responsible,
/// folded from master-data events. Immutable: Apply returns a new catalog.
/// </summary>
public sealed record MasterDataCatalog
{
    public static readonly MasterDataCatalog Empty = new();

    public ImmutableDictionary<string, Region> Regions { get; init; } = ImmutableDictionary<string, Region>.Empty;
    public ImmutableDictionary<string, Enterprise> Enterprises { get; init; } = ImmutableDictionary<string, Enterprise>.Empty;
    public ImmutableDictionary<string, Site> Sites { get; init; } = ImmutableDictionary<string, Site>.Empty;
    public ImmutableDictionary<string, Camera> Cameras { get; init; } = ImmutableDictionary<string, Camera>.Empty;
    public ImmutableDictionary<string, string> CamerasByDeviceCode { get; init; } = ImmutableDictionary<string, string>.Empty;
    public ImmutableDictionary<string, EmissionMonitor> Monitors { get; init; } = ImmutableDictionary<string, EmissionMonitor>.Empty;
    public ImmutableDictionary<string, ProtectedZone> Zones { get; init; } = ImmutableDictionary<string, ProtectedZone>.Empty;
    public ImmutableDictionary<string, Leader> Leaders { get; init; } = ImmutableDictionary<string, Leader>.Empty;
    public ImmutableDictionary<string, Commissioner> Commissioners { get; init; } = ImmutableDictionary<string, Commissioner>.Empty;
    public ImmutableDictionary<string, Expert> Experts { get; init; } = ImmutableDictionary<string, Expert>.Empty;
    public ImmutableDictionary<string, Steward> Stewards { get; init; } = ImmutableDictionary<string, Steward>.Empty;
    /// <summary>Dedicated fund accounts: account number → enterprise.</summary>
    public ImmutableDictionary<string, string> FundAccounts { get; init; } = ImmutableDictionary<string, string>.Empty;

    public static readonly Type[] EventTypes =
    [
        typeof(RegionRegistered), typeof(RegionBoundaryDrawn), typeof(EnterpriseRegistered), typeof(SiteRegistered), typeof(CameraRegistered), typeof(MonitorRegistered),
        typeof(ProtectedZoneDesignated), typeof(LeaderAssigned), typeof(CommissionerAssigned), typeof(FundAccountRegistered), typeof(ProductionStartRecorded),
        typeof(LeaderReassigned), typeof(LeaderAssignmentEnded), typeof(CommissionerReassigned), typeof(CommissionerAssignmentEnded),
        typeof(ExpertRegistered), typeof(StewardRegistered),
        typeof(EnterpriseAmended), typeof(CameraMoved), typeof(CameraRetired), typeof(MonitorMoved), typeof(MonitorLimitsChanged), typeof(MonitorRetired),
    ];

    public MasterDataCatalog Apply(object @event) => @event switch
    {
        RegionRegistered e => this with
        {
            Regions = Regions.SetItem(e.RegionId, new Region(e.RegionId, e.Name, e.NameZh, e.Kind, e.ParentRegionId, new GeoPoint(e.Longitude, e.Latitude),
                Regions.GetValueOrDefault(e.RegionId)?.Boundary)),
        },
        RegionBoundaryDrawn e when Regions.TryGetValue(e.RegionId, out var region) => this with { Regions = Regions.SetItem(e.RegionId, region with { Boundary = e.Boundary }) },
        EnterpriseRegistered e => this with
        {
            Enterprises = Enterprises.SetItem(e.EnterpriseId, new Enterprise(e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.AnnualSalesRevenueYuan,
                new GeoPoint(e.Longitude, e.Latitude), Enterprises.GetValueOrDefault(e.EnterpriseId)?.ProductionStartedOn)),
        },
        FundAccountRegistered e => this with { FundAccounts = FundAccounts.SetItem(e.AccountNumber, e.EnterpriseId) },
        ProductionStartRecorded e when Enterprises.TryGetValue(e.EnterpriseId, out var enterprise) =>
            this with { Enterprises = Enterprises.SetItem(e.EnterpriseId, enterprise with { ProductionStartedOn = e.StartedOn }) },
        SiteRegistered e => this with { Sites = Sites.SetItem(e.SiteId, new Site(e.SiteId, e.EnterpriseId, e.RegionId, e.Kind, e.Name, new GeoPoint(e.Longitude, e.Latitude))) },
        CameraRegistered e => this with
        {
            Cameras = Cameras.SetItem(e.CameraId, new Camera(e.CameraId, e.SiteId, e.EnterpriseId, e.RegionId, e.DeviceCode)),
            CamerasByDeviceCode = e.DeviceCode is null ? CamerasByDeviceCode : CamerasByDeviceCode.SetItem(e.DeviceCode, e.CameraId),
        },
        MonitorRegistered e => this with
        {
            Monitors = Monitors.SetItem(e.MonitorId, new EmissionMonitor(e.MonitorId, e.SiteId, e.EnterpriseId, e.RegionId, e.Limits) { LimitHistory = [new(null, e.Limits)] }),
        },
        // Revisions: a revision of something unknown changes nothing; Revision never goes back (two silos may number one alike).
        EnterpriseAmended e when Enterprises.TryGetValue(e.EnterpriseId, out var enterprise) => this with
        {
            Enterprises = Enterprises.SetItem(e.EnterpriseId, enterprise with
            {
                Name = e.Name, Industry = e.Industry, AnnualSalesRevenueYuan = e.AnnualSalesRevenueYuan, Location = new GeoPoint(e.Longitude, e.Latitude),
                Revision = Math.Max(enterprise.Revision, e.Revision),
            }),
        },
        CameraMoved e when Cameras.TryGetValue(e.CameraId, out var camera) => this with
        {
            Cameras = Cameras.SetItem(e.CameraId, camera with
            {
                SiteId = e.SiteId, EnterpriseId = e.EnterpriseId, RegionId = e.RegionId, Revision = Math.Max(camera.Revision, e.Revision),
            }),
        },
        CameraRetired e when Cameras.TryGetValue(e.CameraId, out var camera) =>
            this with { Cameras = Cameras.SetItem(e.CameraId, camera with { RetiredFrom = e.RetiredFrom }) },
        MonitorMoved e when Monitors.TryGetValue(e.MonitorId, out var monitor) => this with
        {
            Monitors = Monitors.SetItem(e.MonitorId, monitor with
            {
                SiteId = e.SiteId, EnterpriseId = e.EnterpriseId, RegionId = e.RegionId, Revision = Math.Max(monitor.Revision, e.Revision),
            }),
        },
        MonitorLimitsChanged e when Monitors.TryGetValue(e.MonitorId, out var monitor) => this with
        {
            Monitors = Monitors.SetItem(e.MonitorId, monitor with
            {
                Limits = e.Limits, Revision = Math.Max(monitor.Revision, e.Revision),
                LimitHistory = monitor.LimitHistory.Add(new LimitsInForce(e.EffectiveFrom, e.Limits)),
            }),
        },
        MonitorRetired e when Monitors.TryGetValue(e.MonitorId, out var monitor) =>
            this with { Monitors = Monitors.SetItem(e.MonitorId, monitor with { RetiredFrom = e.RetiredFrom }) },
        ProtectedZoneDesignated e => this with { Zones = Zones.SetItem(e.ZoneId, new ProtectedZone(e.ZoneId, e.Name, e.NameZh, e.Kind, e.RegionId, e.Polygon)) },
        // The first assignment of a person (its key is the person, so it is stored once); a later one changes nothing.
        LeaderAssigned e when Leaders.ContainsKey(e.LeaderId) => this,
        CommissionerAssigned e when Commissioners.ContainsKey(e.CommissionerId) => this,
        LeaderAssigned e => WithLeader(e.LeaderId, e.Name, e.Title, e.AreaId, e.Phone, e.Email,
            e.Level ?? (Enterprises.ContainsKey(e.AreaId) ? LeaderLevel.Enterprise : LeaderLevel.Region), e.From, e.AssignedAt),
        LeaderReassigned e => WithLeader(e.LeaderId, e.Name, e.Title, e.AreaId, e.Phone, e.Email, e.Level, e.From, e.ReassignedAt),
        LeaderAssignmentEnded e when Leaders.TryGetValue(e.LeaderId, out var leader) =>
            this with { Leaders = Leaders.SetItem(e.LeaderId, leader with { Tenures = MasterData.Tenures.End(leader.Tenures, e.Until) }) },
        CommissionerAssigned e => WithCommissioner(e.CommissionerId, e.Name, e.RegionId, e.Phone, e.Email, e.From, e.AssignedAt),
        CommissionerReassigned e => WithCommissioner(e.CommissionerId, e.Name, e.RegionId, e.Phone, e.Email, e.From, e.ReassignedAt),
        CommissionerAssignmentEnded e when Commissioners.TryGetValue(e.CommissionerId, out var commissioner) =>
            this with { Commissioners = Commissioners.SetItem(e.CommissionerId, commissioner with { Tenures = MasterData.Tenures.End(commissioner.Tenures, e.Until) }) },
        ExpertRegistered e => this with { Experts = Experts.SetItem(e.ExpertId, new Expert(e.ExpertId, e.Name, e.Field, e.Organisation, e.Phone, e.Email)) },
        StewardRegistered e => this with { Stewards = Stewards.SetItem(e.StewardId, new Steward(e.StewardId, e.Name, e.CreditCode, e.ServedAreas, e.Phone, e.Email)) },
        _ => this,
    };

    public MasterDataCatalog ApplyAll(IEnumerable<object> events) => events.Aggregate(this, (c, e) => c.Apply(e));

    MasterDataCatalog WithLeader(string id, string name, string title, string areaId, string? phone, string? email, LeaderLevel level, DateTimeOffset? from, DateTimeOffset recordedAt)
    {
        var tenures = MasterData.Tenures.Assign(Leaders.GetValueOrDefault(id)?.Tenures ?? [], areaId, level, from, recordedAt);
        return this with { Leaders = Leaders.SetItem(id, new Leader(id, name, title, areaId, phone, email, level) { Tenures = tenures }) };
    }

    MasterDataCatalog WithCommissioner(string id, string name, string regionId, string? phone, string? email, DateTimeOffset? from, DateTimeOffset recordedAt)
    {
        var tenures = MasterData.Tenures.Assign(Commissioners.GetValueOrDefault(id)?.Tenures ?? [], regionId, null, from, recordedAt);
        return this with { Commissioners = Commissioners.SetItem(id, new Commissioner(id, name, regionId, phone, email) { Tenures = tenures }) };
    }

    /// <summary>The leaders answering for an area at a moment, each with the assignment then in force.</summary>
    public IEnumerable<Leader> LeadersAt(DateTimeOffset at) => Leaders.Values.Select(l => l.At(at)).OfType<Leader>();

    /// <summary>The commissioners overseeing a region at a moment, each with the assignment then in force.</summary>
    public IEnumerable<Commissioner> CommissionersAt(DateTimeOffset at) => Commissioners.Values.Select(c => c.At(at)).OfType<Commissioner>();

    /// <summary>The region itself and the industrial parks that lie in it.</summary>
    public IReadOnlySet<string> RegionAndParks(string regionId) =>
        Regions.Values.Where(r => r.ParentRegionId == regionId).Select(r => r.RegionId).Append(regionId).ToHashSet();

    /// <summary>The enterprises of a region, its parks' included.</summary>
    public IEnumerable<Enterprise> EnterprisesIn(string regionId)
    {
        var regions = RegionAndParks(regionId);
        return Enterprises.Values.Where(e => regions.Contains(e.RegionId));
    }

    /// <summary>The zone whose polygon contains the point, if any.</summary>
    public ProtectedZone? ZoneContaining(GeoPoint p) => Zones.Values.FirstOrDefault(z => Geo.Contains(z.Polygon, p));

    /// <summary>The nearest site within the radius, if any.</summary>
    public Site? NearestSite(GeoPoint p, double withinMetres) =>
        Sites.Values
            .Select(s => (Site: s, Distance: Geo.DistanceMetres(s.Location, p)))
            .Where(x => x.Distance <= withinMetres)
            .OrderBy(x => x.Distance)
            .Select(x => x.Site)
            .FirstOrDefault();

    /// <summary>The county-level region whose centre is nearest (parks are not picked: they sit inside counties).</summary>
    public Region? NearestRegion(GeoPoint p) =>
        Regions.Values
            .Where(r => r.Kind != RegionKind.IndustrialPark)
            .OrderBy(r => Geo.DistanceMetres(r.Centre, p))
            .FirstOrDefault();
}
