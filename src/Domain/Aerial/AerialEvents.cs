using Fusion.Domain.Common;

namespace Fusion.Domain.Aerial;

public enum AerialPlatform { Drone, Helicopter, Satellite }

/// <summary>
/// A patrol saw something from the air. EnterpriseId and SiteId are set when the finding could be
/// attributed (given by the source, or a site within the attribution radius); ProtectedZoneId when
/// the position lies inside a protected zone (a polygon finding: overlaps it).
/// Longitude/Latitude are the finding's point, or for a polygon a point inside it. Geometry is the
/// RFC 7946 geometry (Point or Polygon) as GeoJSON text when the source sent one; MissionId and
/// Confidence (0–1) as the patrol's tool gave them. These three came later: they stand last, with
/// defaults, so events stored before them read as they were.
/// </summary>
public sealed record AerialFindingRecorded(
    string FindingId, AerialPlatform Platform, string FindingType, Severity Severity,
    double Longitude, double Latitude,
    string RegionId, string? EnterpriseId, string? SiteId, string? ProtectedZoneId,
    string? Description, string? ImageUrl,
    DateTimeOffset ObservedAt,
    string? MissionId = null, double? Confidence = null, string? Geometry = null);
