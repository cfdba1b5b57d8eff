using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Aerial;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Aerial;

/// <summary>
/// One finding of a drone, helicopter or satellite patrol. EnterpriseId/SiteId when the patrol knows them. The place is
/// Longitude/Latitude, or Geometry (an RFC 7946 Point or Polygon, as in a GeoJSON feature), which then stands for both.
/// Confidence is the patrol tool's, from 0 to 1.
/// </summary>
public sealed record AerialFindingRecord(
    string FindingId, string Platform, string FindingType, string Severity, double? Longitude, double? Latitude,
    DateTimeOffset ObservedAt, string? EnterpriseId = null, string? SiteId = null, string? Description = null, string? ImageUrl = null,
    string? MissionId = null, double? Confidence = null, JsonElement? Geometry = null);

/// <summary>How aerial findings are placed ("AerialAttribution" in configuration).</summary>
public sealed class AerialAttribution
{
    /// <summary>A finding this close to a registered site (from its edge, for a polygon) is attributed to it.</summary>
    public double SiteRadiusMetres { get; set; } = 800;
}

/// <summary>
/// Aerial findings, placed with NetTopologySuite: the enterprise of a site within the radius of the finding, the protected
/// zone it lies in or overlaps (both can hold), and the region: the enterprise's, else the region whose boundary contains
/// the finding, else (regions known only by their centre) the nearest county-level one.
/// </summary>
public sealed class AerialFindingFeed(AerialAttribution attribution) : IFeed
{
    public AerialFindingFeed() : this(new AerialAttribution()) { }

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
        var sentShape = r.TryGet("geometry", out var g) && g.ValueKind != JsonValueKind.Null ? AerialGeoJson.Read(g) : null;
        var shape = sentShape ?? Placement.Point(Positions.Read(r));
        var point = AerialGeoJson.Representative(shape);
        var position = new GeoPoint(point.X, point.Y);
        var observedAt = r.Time("observedAt");
        var confidence = r.OptionalNumber("confidence");
        if (confidence is < 0 or > 1) throw new RecordRejected($"'confidence' is {confidence}; give it from 0 to 1");
        var placement = Placement.Of(catalog);
        var (enterprise, site) = Attribution.Resolve(r, catalog, null, 0);
        if (enterprise is null && placement.NearestSite(shape, attribution.SiteRadiusMetres) is { } near)
            (enterprise, site) = (catalog.Enterprises.GetValueOrDefault(near.EnterpriseId), near);
        var region = enterprise?.RegionId ?? placement.RegionContaining(point)?.RegionId ?? catalog.NearestRegion(position)?.RegionId
            ?? throw new RecordRejected("no region is registered in master data yet");
        var zone = placement.ZoneOf(shape, point);
        var stream = enterprise is null ? Streams.Region(region) : Streams.Enterprise(enterprise.EnterpriseId);
        return new IngestItem(Feeds.Key(Name, findingId), stream,
        [
            new AerialFindingRecorded(findingId, platform, findingType, severity, position.Longitude, position.Latitude,
                region, enterprise?.EnterpriseId, site?.SiteId, zone?.ZoneId, r.OptionalString("description"), r.OptionalString("imageUrl"), observedAt,
                r.OptionalString("missionId"), confidence, sentShape is null ? null : AerialGeoJson.Write(sentShape)),
        ]);
    }
}
