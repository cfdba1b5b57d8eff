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
