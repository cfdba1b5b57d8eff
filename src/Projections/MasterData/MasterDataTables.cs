using System.Text.Json;
using DuckDB.NET.Data;
using Fusion.Domain.MasterData;
using Fusion.Projections.Projection;

namespace Fusion.Projections.MasterData;

public sealed record RegionRow(long Sequence, string RegionId, string Name, string NameZh, string Kind, string? ParentRegionId,
    double Longitude, double Latitude, DateTimeOffset RegisteredAt) : AnalyticsRow(Sequence);

/// <summary>RegisteredAt is when the row's values were recorded: the registration (revision 0) or the latest amendment.</summary>
public sealed record EnterpriseRow(long Sequence, string EnterpriseId, string Name, string Industry, string RegionId,
    decimal AnnualSalesRevenueYuan, double Longitude, double Latitude, DateTimeOffset RegisteredAt, int Revision = 0) : AnalyticsRow(Sequence);

public sealed record SiteRow(long Sequence, string SiteId, string EnterpriseId, string RegionId, string Kind, string Name,
    double Longitude, double Latitude, DateTimeOffset RegisteredAt) : AnalyticsRow(Sequence);

/// <summary>RegisteredAt as for enterprises: the registration, or the latest move or retirement.</summary>
public sealed record CameraRow(long Sequence, string CameraId, string SiteId, string EnterpriseId, string RegionId, string? DeviceCode,
    DateTimeOffset RegisteredAt, DateTimeOffset? RetiredFrom = null) : AnalyticsRow(Sequence);

public sealed record MonitorRow(long Sequence, string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    DateTimeOffset RegisteredAt, DateTimeOffset? RetiredFrom = null) : AnalyticsRow(Sequence);

/// <summary>EffectiveFrom is null for the limits the monitor was registered with.</summary>
public sealed record MonitorLimitRow(long Sequence, string MonitorId, string Pollutant, double LimitValue, DateTimeOffset? EffectiveFrom = null) : AnalyticsRow(Sequence);

public sealed record ProtectedZoneRow(long Sequence, string ZoneId, string Name, string NameZh, string Kind, string RegionId,
    string PolygonJson, DateTimeOffset DesignatedAt) : AnalyticsRow(Sequence);

/// <summary>Leaders' and commissioners' phone numbers and e-mail stay out of the typed tables: analysis needs who, not how to reach them.</summary>
public sealed record LeaderRow(long Sequence, string LeaderId, string Name, string Title, string AreaId, DateTimeOffset AssignedAt) : AnalyticsRow(Sequence);

public sealed record CommissionerRow(long Sequence, string CommissionerId, string Name, string RegionId, DateTimeOffset AssignedAt) : AnalyticsRow(Sequence);

/// <summary>Master data: one row per id, a later registration replacing the earlier one.</summary>
public static class MasterDataTables
{
    public const string Feed = "master-data";

    public static readonly AnalyticsTable<RegionRow> Regions = new("regions", """
        region_id VARCHAR NOT NULL, name VARCHAR NOT NULL, name_zh VARCHAR NOT NULL, kind VARCHAR NOT NULL, parent_region_id VARCHAR,
        longitude DOUBLE NOT NULL, latitude DOUBLE NOT NULL, registered_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL
        """,
        (r, x) => r.AppendValue(x.RegionId).AppendValue(x.Name).AppendValue(x.NameZh).AppendValue(x.Kind).AppendValue(x.ParentRegionId)
            .AppendValue(x.Longitude).AppendValue(x.Latitude).AppendValue(x.RegisteredAt).AppendValue(x.Sequence).EndRow(),
        "region_id", x => x.RegionId);

    public static readonly AnalyticsTable<EnterpriseRow> Enterprises = new("enterprises", """
        enterprise_id VARCHAR NOT NULL, name VARCHAR NOT NULL, industry VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        annual_sales_revenue_yuan DECIMAL(18,2) NOT NULL, longitude DOUBLE NOT NULL, latitude DOUBLE NOT NULL,
        registered_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL, revision INTEGER NOT NULL
        """,
        (r, x) => r.AppendValue(x.EnterpriseId).AppendValue(x.Name).AppendValue(x.Industry).AppendValue(x.RegionId)
            .AppendValue(x.AnnualSalesRevenueYuan).AppendValue(x.Longitude).AppendValue(x.Latitude).AppendValue(x.RegisteredAt).AppendValue(x.Sequence)
            .AppendValue(x.Revision).EndRow(),
        "enterprise_id", x => x.EnterpriseId);

    public static readonly AnalyticsTable<SiteRow> Sites = new("sites", """
        site_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, name VARCHAR NOT NULL,
        longitude DOUBLE NOT NULL, latitude DOUBLE NOT NULL, registered_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL
        """,
        (r, x) => r.AppendValue(x.SiteId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.Kind).AppendValue(x.Name)
            .AppendValue(x.Longitude).AppendValue(x.Latitude).AppendValue(x.RegisteredAt).AppendValue(x.Sequence).EndRow(),
        "site_id", x => x.SiteId);

    public static readonly AnalyticsTable<CameraRow> Cameras = new("cameras", """
        camera_id VARCHAR NOT NULL, site_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL, device_code VARCHAR,
        registered_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL, retired_from TIMESTAMPTZ
        """,
        (r, x) => r.AppendValue(x.CameraId).AppendValue(x.SiteId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.DeviceCode)
            .AppendValue(x.RegisteredAt).AppendValue(x.Sequence).AppendValue(x.RetiredFrom).EndRow(),
        "camera_id", x => x.CameraId);

    public static readonly AnalyticsTable<MonitorRow> Monitors = new("monitors", """
        monitor_id VARCHAR NOT NULL, site_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        registered_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL, retired_from TIMESTAMPTZ
        """,
        (r, x) => r.AppendValue(x.MonitorId).AppendValue(x.SiteId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId)
            .AppendValue(x.RegisteredAt).AppendValue(x.Sequence).AppendValue(x.RetiredFrom).EndRow(),
        "monitor_id", x => x.MonitorId);

    public static readonly AnalyticsTable<MonitorLimitRow> MonitorLimits = new("monitor_limits", """
        monitor_id VARCHAR NOT NULL, pollutant VARCHAR NOT NULL, limit_value DOUBLE NOT NULL, sequence BIGINT NOT NULL, effective_from TIMESTAMPTZ
        """,
        (r, x) => r.AppendValue(x.MonitorId).AppendValue(x.Pollutant).AppendValue(x.LimitValue).AppendValue(x.Sequence).AppendValue(x.EffectiveFrom).EndRow(),
        "monitor_id", x => x.MonitorId);

    public static readonly AnalyticsTable<ProtectedZoneRow> ProtectedZones = new("protected_zones", """
        zone_id VARCHAR NOT NULL, name VARCHAR NOT NULL, name_zh VARCHAR NOT NULL, kind VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        polygon JSON NOT NULL, designated_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL
        """,
        (r, x) => r.AppendValue(x.ZoneId).AppendValue(x.Name).AppendValue(x.NameZh).AppendValue(x.Kind).AppendValue(x.RegionId)
            .AppendValue(x.PolygonJson).AppendValue(x.DesignatedAt).AppendValue(x.Sequence).EndRow(),
        "zone_id", x => x.ZoneId);

    public static readonly AnalyticsTable<LeaderRow> Leaders = new("leaders", """
        leader_id VARCHAR NOT NULL, name VARCHAR NOT NULL, title VARCHAR NOT NULL, area_id VARCHAR NOT NULL,
        assigned_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL
        """,
        (r, x) => r.AppendValue(x.LeaderId).AppendValue(x.Name).AppendValue(x.Title).AppendValue(x.AreaId)
            .AppendValue(x.AssignedAt).AppendValue(x.Sequence).EndRow(),
        "leader_id", x => x.LeaderId);

    public static readonly AnalyticsTable<CommissionerRow> Commissioners = new("commissioners", """
        commissioner_id VARCHAR NOT NULL, name VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        assigned_at TIMESTAMPTZ NOT NULL, sequence BIGINT NOT NULL
        """,
        (r, x) => r.AppendValue(x.CommissionerId).AppendValue(x.Name).AppendValue(x.RegionId)
            .AppendValue(x.AssignedAt).AppendValue(x.Sequence).EndRow(),
        "commissioner_id", x => x.CommissionerId);

    public static readonly IAnalyticsTable[] All = [Regions, Enterprises, Sites, Cameras, Monitors, MonitorLimits, ProtectedZones, Leaders, Commissioners];

    public static (EventFacts Facts, AnalyticsRow[] Rows)? Fold(long seq, object data) => data switch
    {
        RegionRegistered e => (Facts(e.RegionId, null, null, e.RegisteredAt),
            [new RegionRow(seq, e.RegionId, e.Name, e.NameZh, e.Kind.ToString(), e.ParentRegionId, e.Longitude, e.Latitude, e.RegisteredAt)]),
        EnterpriseRegistered e => (Facts(e.RegionId, e.EnterpriseId, null, e.RegisteredAt),
            [new EnterpriseRow(seq, e.EnterpriseId, e.Name, e.Industry, e.RegionId, Money.Yuan(e.AnnualSalesRevenueYuan), e.Longitude, e.Latitude, e.RegisteredAt)]),
        SiteRegistered e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.RegisteredAt),
            [new SiteRow(seq, e.SiteId, e.EnterpriseId, e.RegionId, e.Kind.ToString(), e.Name, e.Longitude, e.Latitude, e.RegisteredAt)]),
        CameraRegistered e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.RegisteredAt),
            [new CameraRow(seq, e.CameraId, e.SiteId, e.EnterpriseId, e.RegionId, e.DeviceCode, e.RegisteredAt)]),
        MonitorRegistered e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.RegisteredAt),
            [
                new MonitorRow(seq, e.MonitorId, e.SiteId, e.EnterpriseId, e.RegionId, e.RegisteredAt),
                .. e.Limits.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new MonitorLimitRow(seq, e.MonitorId, l.Key, l.Value)),
            ]),
        ProtectedZoneDesignated e => (Facts(e.RegionId, null, null, e.DesignatedAt),
            [new ProtectedZoneRow(seq, e.ZoneId, e.Name, e.NameZh, e.Kind, e.RegionId,
                JsonSerializer.Serialize(e.Polygon.Select(p => new[] { p.Longitude, p.Latitude }), Payload.Options), e.DesignatedAt)]),
        LeaderAssigned e => (Facts(null, null, null, e.AssignedAt),
            [new LeaderRow(seq, e.LeaderId, e.Name, e.Title, e.AreaId, e.AssignedAt)]),
        CommissionerAssigned e => (Facts(e.RegionId, null, null, e.AssignedAt),
            [new CommissionerRow(seq, e.CommissionerId, e.Name, e.RegionId, e.AssignedAt)]),
        // A reassignment replaces the person's row: the tables hold each person's latest assignment, assigned_at its start.
        LeaderReassigned e => (Facts(null, null, null, e.ReassignedAt),
            [new LeaderRow(seq, e.LeaderId, e.Name, e.Title, e.AreaId, e.From)]),
        CommissionerReassigned e => (Facts(e.RegionId, null, null, e.ReassignedAt),
            [new CommissionerRow(seq, e.CommissionerId, e.Name, e.RegionId, e.From)]),
        // Revisions replace the subject's row: the tables hold master data as it stands (the event log keeps every revision).
        EnterpriseAmended e => (Facts(e.RegionId, e.EnterpriseId, null, e.AmendedAt),
            [new EnterpriseRow(seq, e.EnterpriseId, e.Name, e.Industry, e.RegionId, Money.Yuan(e.AnnualSalesRevenueYuan), e.Longitude, e.Latitude, e.AmendedAt, e.Revision)]),
        CameraMoved e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.MovedAt),
            [new CameraRow(seq, e.CameraId, e.SiteId, e.EnterpriseId, e.RegionId, e.DeviceCode, e.MovedAt)]),
        CameraRetired e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.RetiredAt),
            [new CameraRow(seq, e.CameraId, e.SiteId, e.EnterpriseId, e.RegionId, e.DeviceCode, e.RetiredAt, e.RetiredFrom)]),
        MonitorMoved e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.MovedAt),
            [new MonitorRow(seq, e.MonitorId, e.SiteId, e.EnterpriseId, e.RegionId, e.MovedAt)]),
        MonitorRetired e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.RetiredAt),
            [new MonitorRow(seq, e.MonitorId, e.SiteId, e.EnterpriseId, e.RegionId, e.RetiredAt, e.RetiredFrom)]),
        MonitorLimitsChanged e => (Facts(e.RegionId, e.EnterpriseId, e.SiteId, e.ChangedAt),
            [.. e.Limits.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new MonitorLimitRow(seq, e.MonitorId, l.Key, l.Value, e.EffectiveFrom))]),
        _ => null,
    };

    static EventFacts Facts(string? regionId, string? enterpriseId, string? siteId, DateTimeOffset at) =>
        new(Feed, enterpriseId, regionId, siteId, null, false, at);
}
