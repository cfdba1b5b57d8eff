using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Aerial;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Aerial;

/// <summary>One finding of a drone, helicopter or satellite patrol. EnterpriseId/SiteId when the patrol knows them.</summary>
public sealed record AerialFindingRecord(
    string FindingId, string Platform, string FindingType, string Severity, double Longitude, double Latitude,
    DateTimeOffset ObservedAt, string? EnterpriseId = null, string? SiteId = null, string? Description = null, string? ImageUrl = null);

public sealed class AerialFindingFeed : IFeed
{
    /// <summary>A finding this close to a registered site is attributed to it.</summary>
    public const double AttributionRadiusMetres = 800;

    public static readonly IReadOnlyDictionary<string, AerialPlatform> Platforms = new Dictionary<string, AerialPlatform>
    {
        ["drone"] = AerialPlatform.Drone, ["helicopter"] = AerialPlatform.Helicopter, ["satellite"] = AerialPlatform.Satellite,
    };

    public string Name => "aerial-findings";
    public string IdField => "findingId";

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var findingId = r.String("findingId");
        var platform = r.Choice("platform", Platforms);
        var findingType = r.String("findingType");
        var severity = r.Choice("severity", Severities.Names);
        var position = Positions.Read(r);
        var observedAt = r.Time("observedAt");
        var (enterprise, site) = Attribution.Resolve(r, catalog, position, AttributionRadiusMetres);
        var region = enterprise?.RegionId ?? catalog.NearestRegion(position)?.RegionId
            ?? throw new RecordRejected("no region is registered in master data yet");
        var zone = catalog.ZoneContaining(position);
        var stream = enterprise is null ? Streams.Region(region) : Streams.Enterprise(enterprise.EnterpriseId);
        return new IngestItem(Feeds.Key(Name, findingId), stream,
        [
            new AerialFindingRecorded(findingId, platform, findingType, severity, position.Longitude, position.Latitude,
                region, enterprise?.EnterpriseId, site?.SiteId, zone?.ZoneId, r.OptionalString("description"), r.OptionalString("imageUrl"), observedAt),
        ]);
    }
}

public static class Severities
{
    public static readonly IReadOnlyDictionary<string, Severity> Names = new Dictionary<string, Severity>
    {
        ["low"] = Severity.Low, ["medium"] = Severity.Medium, ["high"] = Severity.High, ["critical"] = Severity.Critical,
    };
}

public static class Positions
{
    /// <summary>Haixi lies roughly within 90–100°E, 35–39.5°N; anything far outside is a typo (swapped or wrong sign).</summary>
    public static GeoPoint Read(RecordReader r)
    {
        var p = new GeoPoint(r.Number("longitude"), r.Number("latitude"));
        return Problem(p) is { } problem ? throw new RecordRejected(problem) : p;
    }

    /// <summary>Null when the point can be in Haixi, otherwise why not.</summary>
    public static string? Problem(GeoPoint p) =>
        p.Longitude is < 85 or > 105 || p.Latitude is < 32 or > 42
            ? $"position ({p.Longitude}, {p.Latitude}) is not in Haixi; give longitude (about 90–100) and latitude (about 35–39.5) in degrees"
            : null;

    public static GeoPoint? ReadOptional(RecordReader r) =>
        r.Has("longitude") || r.Has("latitude") ? Read(r) : null;
}

public static class Attribution
{
    /// <summary>
    /// The enterprise and site a record is about: as the record names them (checked against master
    /// data), else the nearest site within the radius of the position, else none.
    /// </summary>
    public static (Enterprise? Enterprise, Site? Site) Resolve(RecordReader r, MasterDataCatalog catalog, GeoPoint? position, double radiusMetres)
    {
        var siteId = r.OptionalString("siteId");
        var enterpriseId = r.OptionalString("enterpriseId");
        Site? site = null;
        if (siteId is not null)
            site = catalog.Sites.GetValueOrDefault(siteId) ?? throw new RecordRejected($"site '{siteId}' is not registered in master data");
        if (enterpriseId is not null)
        {
            if (CreditCode.Problem(enterpriseId) is { } problem) throw new RecordRejected(problem);
            var enterprise = catalog.Enterprises.GetValueOrDefault(enterpriseId)
                ?? throw new RecordRejected($"enterprise '{enterpriseId}' is not registered in master data");
            if (site is not null && site.EnterpriseId != enterprise.EnterpriseId)
                throw new RecordRejected($"site '{site.SiteId}' belongs to enterprise '{site.EnterpriseId}', not '{enterpriseId}'");
            return (enterprise, site);
        }
        if (site is null && position is not null)
            site = catalog.NearestSite(position, radiusMetres);
        return site is null ? (null, null) : (catalog.Enterprises.GetValueOrDefault(site.EnterpriseId), site);
    }
}
