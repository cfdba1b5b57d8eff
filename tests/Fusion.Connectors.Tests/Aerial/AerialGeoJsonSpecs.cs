using System.Text;
using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Aerial;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Aerial;

/// <summary>Aerial findings as RFC 7946 FeatureCollections, placed with NetTopologySuite by distance, zone polygon and region boundary.</summary>
public class AerialGeoJsonSpecs
{
    /// <summary>The small Haixi with rough boundaries for Golmud and Da Qaidam (Delingha stays known by its centre only).</summary>
    static readonly MasterDataCatalog Bounded = Catalog.ApplyAll(
    [
        new RegionBoundaryDrawn("golmud", [new(93.0, 35.5), new(95.6, 35.5), new(95.3, 37.1), new(93.0, 37.8)], RegisteredAt),
        new RegionBoundaryDrawn("da-qaidam", [new(93.0, 37.8), new(95.3, 37.1), new(96.3, 37.6), new(96.3, 39.0), new(93.0, 39.0)], RegisteredAt),
    ]);

    static TranslatedBatch When(string featureCollection, MasterDataCatalog? catalog = null, AerialAttribution? attribution = null)
    {
        var feed = new AerialFindingFeed(attribution ?? new AerialAttribution());
        using var doc = JsonDocument.Parse(featureCollection);
        return IngestBatch.Translate(feed.Name, AerialGeoJson.Features(doc.RootElement), r => [feed.Translate(r, catalog ?? Bounded, ReceivedAt)]);
    }

    static string Collection(params string[] features) => $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    static string Feature(string geometry, string id = "\"sat-0001\"", string properties = """ "platform":"satellite","findingType":"illegal-dumping","severity":"high","observedAt":"2026-11-27T11:20:00+08:00" """) =>
        "{\"type\":\"Feature\",\"id\":" + id + ",\"geometry\":" + geometry + ",\"properties\":{" + properties + "}}";

    static string Point(double lon, double lat) => FormattableString.Invariant($$"""{"type":"Point","coordinates":[{{lon}},{{lat}}]}""");

    /// <summary>A rectangle, counter-clockwise as RFC 7946 asks.</summary>
    static string Box(double west, double south, double east, double north) => FormattableString.Invariant(
        $$"""{"type":"Polygon","coordinates":[[[{{west}},{{south}}],[{{east}},{{south}}],[{{east}},{{north}}],[{{west}},{{north}}],[{{west}},{{south}}]]]}""");

    static AerialFindingRecorded Single(TranslatedBatch batch)
    {
        Assert.Empty(batch.Rejected);
        return Assert.IsType<AerialFindingRecorded>(Assert.Single(Assert.Single(batch.Accepted).Item.Events));
    }

    static string Rejected(TranslatedBatch batch)
    {
        Assert.Empty(batch.Accepted);
        return Assert.Single(batch.Rejected).Reason;
    }

    [Fact]
    public void GivenAPointFeatureNearTheOutfall_WhenTranslated_ThenItIsTheSitesWithItsMissionConfidenceAndGeometry()
    {
        var finding = Single(When(Collection(Feature(Point(OutfallLongitude, OutfallLatitude + NorthBy(300)), properties:
            """ "platform":"drone","findingType":"dust-plume","severity":"medium","observedAt":"2026-11-27T14:05:00+08:00","missionId":"M-1127-A","confidence":0.82,"imageUrl":"https://img.example/1.jpg" """))));

        Assert.Equal(("sat-0001", AerialPlatform.Drone, SaltLake, "outfall-1", "M-1127-A", 0.82), (finding.FindingId, finding.Platform, finding.EnterpriseId, finding.SiteId, finding.MissionId, finding.Confidence));
        Assert.Equal(("https://img.example/1.jpg", "golmud"), (finding.ImageUrl, finding.RegionId));
        using var geometry = JsonDocument.Parse(finding.Geometry!);
        Assert.Equal("Point", geometry.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void GivenAPolygonWhoseEdgeIs600mFromASiteAndCentre2kmAway_WhenTranslated_ThenTheDistanceCountsFromTheEdge()
    {
        // The box's south edge lies 600 m north of the outfall; its middle about 2 km north.
        var south = OutfallLatitude + NorthBy(600);
        var finding = Single(When(Collection(Feature(Box(OutfallLongitude - 0.01, south, OutfallLongitude + 0.01, south + NorthBy(2800))))));

        Assert.Equal((SaltLake, "outfall-1"), (finding.EnterpriseId, finding.SiteId));
        Assert.True(finding.Latitude > south, "the finding's point lies inside the polygon");
        Assert.Equal("Polygon", JsonDocument.Parse(finding.Geometry!).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void GivenTheSamePolygon1200mAway_WhenTheRadiusIs800m_ThenUnattributed_AndWhenConfiguredTo1500m_ThenAttributed()
    {
        var south = OutfallLatitude + NorthBy(1200);
        var feature = Collection(Feature(Box(OutfallLongitude - 0.01, south, OutfallLongitude + 0.01, south + NorthBy(1000))));

        Assert.Null(Single(When(feature)).EnterpriseId);
        Assert.Equal(SaltLake, Single(When(feature, attribution: new AerialAttribution { SiteRadiusMetres = 1500 })).EnterpriseId);
    }

    [Fact]
    public void GivenAPolygonReachingIntoTheWetlandReserve_WhenItsMiddleLiesOutside_ThenItIsStillFlaggedWithTheZone()
    {
        // The reserve's east edge is at 97.00; the box spans 96.99–97.10, mostly outside.
        var finding = Single(When(Collection(Feature(Box(96.99, 37.25, 97.10, 37.27)))));

        Assert.Equal(("keluke-lake", "delingha"), (finding.ProtectedZoneId, finding.RegionId));
        Assert.True(finding.Longitude > 97.0);
    }

    [Fact]
    public void GivenAPointInsideGolmudsBoundaryButNearerDaQaidamsCentre_WhenUnattributed_ThenTheBoundaryDecides()
    {
        // (93.5, 37.6) is nearer Da Qaidam's centre than Golmud's, but south of the line drawn between them.
        Assert.Equal("golmud", Single(When(Collection(Feature(Point(93.5, 37.6))))).RegionId);
        Assert.Equal("da-qaidam", Single(When(Collection(Feature(Point(93.5, 37.6))), Catalog)).RegionId);
    }

    [Fact]
    public void GivenTheFindingIdInPropertiesOrANumericFeatureId_WhenTranslated_ThenEitherIsTheFindingId()
    {
        Assert.Equal("42", Single(When(Collection(Feature(Point(94.0, 37.6), id: "42")))).FindingId);
        Assert.Equal("uav-7", Single(When(Collection(Feature(Point(94.0, 37.6), id: "null", properties:
            """ "findingId":"uav-7","platform":"helicopter","findingType":"dust-plume","severity":"low","observedAt":"2026-11-27T11:20:00+08:00" """)))).FindingId);
    }

    [Fact]
    public void GivenOneGoodAndOneBadFeature_WhenTranslated_ThenTheGoodOneIsTakenAndTheBadOneRejectedByItsId()
    {
        var batch = When(Collection(Feature(Point(94.0, 37.6)), Feature("""{"type":"LineString","coordinates":[[94.0,37.6],[94.1,37.7]]}""", id: "\"sat-0002\"")));

        Assert.Single(batch.Accepted);
        var rejection = Assert.Single(batch.Rejected);
        Assert.Equal((1, "sat-0002", "'geometry' is a LineString; a finding is a Point or a Polygon"), (rejection.Index, rejection.RecordId, rejection.Reason));
        Assert.Contains("LineString", rejection.RawJson);
    }

    [Fact]
    public void GivenARingThatIsNotClosed_WhenTranslated_ThenRejectedAsNotAGeoJsonGeometry() =>
        Assert.StartsWith("'geometry' is not a GeoJSON geometry",
            Rejected(When(Collection(Feature("""{"type":"Polygon","coordinates":[[[94.0,37.6],[94.1,37.6],[94.1,37.7],[94.0,37.7]]]}""")))));

    [Fact]
    public void GivenABowTiePolygon_WhenTranslated_ThenRejectedAsNotAValidPolygon() =>
        Assert.StartsWith("'geometry' is not a valid polygon: Self-intersection",
            Rejected(When(Collection(Feature("""{"type":"Polygon","coordinates":[[[94.0,37.6],[94.1,37.7],[94.1,37.6],[94.0,37.7],[94.0,37.6]]]}""")))));

    [Fact]
    public void GivenAVertexOutsideHaixi_WhenTranslated_ThenRejectedNamingThePosition() =>
        Assert.Contains("is not in Haixi", Rejected(When(Collection(Feature(Point(37.6, 94.0))))));

    [Fact]
    public void GivenAFeatureWithoutGeometry_WhenTranslated_ThenRejected() =>
        Assert.Equal("the feature has no geometry; a finding is a Point or a Polygon", Rejected(When(Collection(Feature("null")))));

    [Fact]
    public void GivenAConfidenceAboveOne_WhenTranslated_ThenRejected() =>
        Assert.Equal("'confidence' is 1.5; give it from 0 to 1", Rejected(When(Collection(Feature(Point(94.0, 37.6), properties:
            """ "platform":"drone","findingType":"dust-plume","severity":"low","confidence":1.5,"observedAt":"2026-11-27T11:20:00+08:00" """)))));

    [Fact]
    public void GivenAJsonArrayInsteadOfAFeatureCollection_WhenRead_ThenTheWholeBodyIsRefusedSayingWhatIsExpected()
    {
        using var doc = JsonDocument.Parse("[]");
        var e = Assert.Throws<RecordRejected>(() => AerialGeoJson.Features(doc.RootElement));
        Assert.Equal("the body should be a GeoJSON FeatureCollection (RFC 7946) of aerial findings, not a JSON array without a GeoJSON type", e.Message);
    }

    [Fact]
    public void GivenAJsonRecordWithAGeometry_WhenTranslated_ThenItIsPlacedLikeAFeature()
    {
        var feed = new AerialFindingFeed();
        using var doc = JsonDocument.Parse($$"""{"findingId":"j-1","platform":"drone","findingType":"dust-plume","severity":"low","observedAt":"2026-11-27T11:20:00+08:00","geometry":{{Box(96.99, 37.25, 97.10, 37.27)}}}""");
        var finding = Assert.IsType<AerialFindingRecorded>(Assert.Single(feed.Translate(new RecordReader(doc.RootElement), Bounded, ReceivedAt).Events));
        Assert.Equal("keluke-lake", finding.ProtectedZoneId);
    }

    [Fact]
    public void GivenAFeatureWhoseTextIsNotValidUtf8_WhenRead_ThenItIsRejectedAsSuch_NotThrown()
    {
        // A property named with bytes 0x9E 0xFF inside: JSON's structure is whole, its text is not UTF-8.
        var text = Collection(Feature(Point(94.9, 36.4), properties: "\"M@@\":1,\"platform\":\"drone\",\"findingType\":\"illegal-dumping\",\"severity\":\"high\",\"observedAt\":\"2026-11-27T11:20:00+08:00\""));
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = Array.IndexOf(bytes, (byte)'@');
        (bytes[at], bytes[at + 1]) = (0x9E, 0xFF);
        var feed = new AerialFindingFeed(new AerialAttribution());
        using var doc = JsonDocument.Parse(bytes);

        var batch = IngestBatch.Translate(feed.Name, AerialGeoJson.Features(doc.RootElement), r => [feed.Translate(r, Bounded, ReceivedAt)]);

        var rejected = Assert.Single(batch.Rejected);
        Assert.Equal("the feature holds text that is not valid UTF-8", rejected.Reason);
        Assert.Contains("\"M\uFFFD\uFFFD\":1", rejected.RawJson);
    }
}
