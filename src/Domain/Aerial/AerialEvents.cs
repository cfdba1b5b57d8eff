using Fusion.Domain.Common;

namespace Fusion.Domain.Aerial;

public enum AerialPlatform { Drone, Helicopter, Satellite }

/// <summary>
/// A patrol saw something from the air. EnterpriseId and SiteId are set when the finding could be
/// attributed (given by the source, or a site within the attribution radius); ProtectedZoneId when
/// the position lies inside a protected zone.
/// </summary>
public sealed record AerialFindingRecorded(
    string FindingId, AerialPlatform Platform, string FindingType, Severity Severity,
    double Longitude, double Latitude,
    string RegionId, string? EnterpriseId, string? SiteId, string? ProtectedZoneId,
    string? Description, string? ImageUrl,
    DateTimeOffset ObservedAt);
