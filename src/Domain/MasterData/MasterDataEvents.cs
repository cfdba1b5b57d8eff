using Fusion.Domain.Common;

namespace Fusion.Domain.MasterData;

public enum RegionKind { City, County, AdministrativeCommittee, IndustrialPark }

public enum SiteKind { Outfall, TailingsPond, SlagYard }

public sealed record RegionRegistered(
    string RegionId, string Name, string NameZh, RegionKind Kind, string? ParentRegionId,
    double Longitude, double Latitude,
    DateTimeOffset RegisteredAt);

/// <summary>
/// A region's boundary (an outer ring of [longitude, latitude] points), drawn after its registration: regions
/// registered with only a centre keep working, and a redrawn boundary replaces the earlier one.
/// </summary>
public sealed record RegionBoundaryDrawn(string RegionId, IReadOnlyList<GeoPoint> Boundary, DateTimeOffset DrawnAt);

/// <summary>EnterpriseId is the 18-character unified social credit code (GB 32100-2015).</summary>
public sealed record EnterpriseRegistered(
    string EnterpriseId, string Name, string Industry, string RegionId,
    decimal AnnualSalesRevenueYuan, double Longitude, double Latitude,
    DateTimeOffset RegisteredAt);

public sealed record SiteRegistered(
    string SiteId, string EnterpriseId, string RegionId, SiteKind Kind, string Name,
    double Longitude, double Latitude,
    DateTimeOffset RegisteredAt);

/// <summary>An enterprise's dedicated environmental-fund account (measure 6): its bank's credits to it are fund deposits.</summary>
public sealed record FundAccountRegistered(string AccountNumber, string EnterpriseId, string? Bank, DateTimeOffset RegisteredAt);

/// <summary>When an enterprise started production: its fund obligation runs from then (not before 2018-01-01).</summary>
public sealed record ProductionStartRecorded(string EnterpriseId, DateOnly StartedOn, DateTimeOffset RecordedAt);

/// <summary>DeviceCode is the camera's 20-digit GB/T 28181 code, when it has one.</summary>
public sealed record CameraRegistered(
    string CameraId, string SiteId, string EnterpriseId, string RegionId, string? DeviceCode,
    DateTimeOffset RegisteredAt);

/// <summary>Polygon ring as [longitude, latitude] pairs.</summary>
public sealed record ProtectedZoneDesignated(
    string ZoneId, string Name, string NameZh, string Kind, string RegionId, IReadOnlyList<GeoPoint> Polygon,
    DateTimeOffset DesignatedAt);

/// <summary>Where a leader stands in the chain of responsibility that warnings climb.</summary>
public enum LeaderLevel { Enterprise, Region, Prefecture }

/// <summary>
/// A leader made responsible for an area (分片包干): a region or one enterprise. Level is null in events
/// recorded before leaders had one: then an enterprise area means an enterprise leader, a region a region leader.
/// A prefecture leader's area is the region they are linked to (联点). From is when the assignment took effect;
/// null (also in events recorded before assignments had dates) means when it was recorded (AssignedAt).
/// </summary>
public sealed record LeaderAssigned(
    string LeaderId, string Name, string Title, string AreaId, string? Phone, string? Email, LeaderLevel? Level,
    DateTimeOffset? From, DateTimeOffset AssignedAt);

/// <summary>
/// A leader already assigned is made responsible for another area (or at another level) from a date: their
/// assignment in force until then ends at From. Name, title and contacts as they stand with the new assignment.
/// </summary>
public sealed record LeaderReassigned(
    string LeaderId, string Name, string Title, string AreaId, string? Phone, string? Email, LeaderLevel Level, string PreviousAreaId,
    DateTimeOffset From, DateTimeOffset ReassignedAt);

/// <summary>A leader's assignment to AreaId ended at Until (left office, retired): from then they answer for no area.</summary>
public sealed record LeaderAssignmentEnded(string LeaderId, string AreaId, DateTimeOffset Until, DateTimeOffset EndedAt);

/// <summary>
/// An inspection commissioner (督察专员) assigned to oversee a region's rectifications. From as for
/// <see cref="LeaderAssigned"/>: null means when it was recorded.
/// </summary>
public sealed record CommissionerAssigned(
    string CommissionerId, string Name, string RegionId, string? Phone, string? Email,
    DateTimeOffset? From, DateTimeOffset AssignedAt);

/// <summary>A commissioner already assigned oversees another region from a date; the assignment before ends then.</summary>
public sealed record CommissionerReassigned(
    string CommissionerId, string Name, string RegionId, string? Phone, string? Email, string PreviousRegionId,
    DateTimeOffset From, DateTimeOffset ReassignedAt);

/// <summary>A commissioner's assignment to RegionId ended at Until.</summary>
public sealed record CommissionerAssignmentEnded(string CommissionerId, string RegionId, DateTimeOffset Until, DateTimeOffset EndedAt);

/// <summary>
/// An online-monitoring instrument (HJ 212) at a site. MonitorId is the instrument's MN.
/// Limits are the permitted values per pollutant code (e.g. w01018 COD, a21026 SO2), in the unit
/// the instrument reports.
/// </summary>
public sealed record MonitorRegistered(
    string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    IReadOnlyDictionary<string, double> Limits,
    DateTimeOffset RegisteredAt);

/// <summary>
/// An enterprise's record revised (name, industry, sales revenue, location): the values as they stand from AmendedAt.
/// Revision counts the enterprise's amendments from 1; the region is not amendable and is carried for readers.
/// </summary>
public sealed record EnterpriseAmended(
    string EnterpriseId, int Revision, string RegionId, string Name, string Industry,
    decimal AnnualSalesRevenueYuan, double Longitude, double Latitude,
    DateTimeOffset AmendedAt);

/// <summary>A camera moved to another site (of its enterprise or another). Revision counts the camera's revisions from 1.</summary>
public sealed record CameraMoved(
    string CameraId, int Revision, string SiteId, string EnterpriseId, string RegionId, string? DeviceCode, string PreviousSiteId,
    DateTimeOffset MovedAt);

/// <summary>A camera taken out of service from RetiredFrom: its signals from then on are refused.</summary>
public sealed record CameraRetired(
    string CameraId, string SiteId, string EnterpriseId, string RegionId, string? DeviceCode,
    DateTimeOffset RetiredFrom, DateTimeOffset RetiredAt);

/// <summary>An HJ 212 monitor moved to another site. Revision counts the monitor's revisions (moves, limits) from 1.</summary>
public sealed record MonitorMoved(
    string MonitorId, int Revision, string SiteId, string EnterpriseId, string RegionId, string PreviousSiteId,
    DateTimeOffset MovedAt);

/// <summary>A monitor's permitted limits replaced from EffectiveFrom: data for periods from then are checked against them.</summary>
public sealed record MonitorLimitsChanged(
    string MonitorId, int Revision, string SiteId, string EnterpriseId, string RegionId,
    IReadOnlyDictionary<string, double> Limits, DateTimeOffset EffectiveFrom,
    DateTimeOffset ChangedAt);

/// <summary>A monitor taken out of service from RetiredFrom: its data from then on are refused.</summary>
public sealed record MonitorRetired(
    string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    DateTimeOffset RetiredFrom, DateTimeOffset RetiredAt);

/// <summary>An expert adviser (参事) the prefecture engages: their field (hydrogeology, tailings safety …) and organisation.</summary>
public sealed record ExpertRegistered(
    string ExpertId, string Name, string Field, string? Organisation, string? Phone, string? Email,
    DateTimeOffset RegisteredAt);

/// <summary>
/// An environmental steward provider (环保管家): a firm engaged to serve parks and enterprises. CreditCode is the firm's
/// unified social credit code when known; ServedAreas the regions (parks) and enterprises it is engaged for.
/// </summary>
public sealed record StewardRegistered(
    string StewardId, string Name, string? CreditCode, IReadOnlyList<string> ServedAreas, string? Phone, string? Email,
    DateTimeOffset RegisteredAt);
