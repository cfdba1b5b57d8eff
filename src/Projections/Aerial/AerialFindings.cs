using DuckDB.NET.Data;
using Fusion.Domain.Aerial;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Aerial;

public sealed record AerialFindingRow(long Sequence, string FindingId, string Platform, string FindingType, string Severity,
    double Longitude, double Latitude, string RegionId, string? EnterpriseId, string? SiteId, string? ProtectedZoneId,
    string? Description, DateTimeOffset ObservedAt, string? MissionId, double? Confidence, string? ImageUrl, string Geometry) : AnalyticsRow(Sequence);

public static class AerialFindings
{
    public static readonly AnalyticsTable<AerialFindingRow> Table = new("aerial_findings", """
        sequence BIGINT NOT NULL, finding_id VARCHAR NOT NULL, platform VARCHAR NOT NULL, finding_type VARCHAR NOT NULL,
        severity VARCHAR NOT NULL, longitude DOUBLE NOT NULL, latitude DOUBLE NOT NULL, region_id VARCHAR NOT NULL,
        enterprise_id VARCHAR, site_id VARCHAR, protected_zone_id VARCHAR, description VARCHAR, observed_at TIMESTAMPTZ NOT NULL,
        mission_id VARCHAR, confidence DOUBLE, image_url VARCHAR, geometry VARCHAR NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.FindingId).AppendValue(x.Platform).AppendValue(x.FindingType).AppendValue(x.Severity)
            .AppendValue(x.Longitude).AppendValue(x.Latitude).AppendValue(x.RegionId).AppendValue(x.EnterpriseId).AppendValue(x.SiteId)
            .AppendValue(x.ProtectedZoneId).AppendValue(x.Description).AppendValue(x.ObservedAt)
            .AppendValue(x.MissionId).AppendValue(x.Confidence).AppendValue(x.ImageUrl).AppendValue(x.Geometry).EndRow());

    public static (EventFacts, AnalyticsRow[]) Fold(long seq, AerialFindingRecorded e) =>
        (new EventFacts(RiskSignals.AerialFeed, e.EnterpriseId, e.RegionId, e.SiteId, e.Severity.ToString(), true, e.ObservedAt),
            [new AerialFindingRow(seq, e.FindingId, e.Platform.ToString(), e.FindingType, e.Severity.ToString(), e.Longitude, e.Latitude,
                e.RegionId, e.EnterpriseId, e.SiteId, e.ProtectedZoneId, e.Description, e.ObservedAt, e.MissionId, e.Confidence, e.ImageUrl,
                e.Geometry ?? PointGeometry(e.Longitude, e.Latitude))]);

    /// <summary>A finding sent as a bare position has a GeoJSON Point in the table too, so every row can be mapped alike.</summary>
    static string PointGeometry(double longitude, double latitude) =>
        FormattableString.Invariant($$"""{"type":"Point","coordinates":[{{longitude:R}},{{latitude:R}}]}""");
}
