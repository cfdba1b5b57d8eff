using Fusion.Domain.Common;

namespace Fusion.Domain.Tests.Common;

public class GeoSpecs
{
    static readonly GeoPoint Golmud = new(94.9033, 36.4167);
    static readonly GeoPoint Delingha = new(97.3707, 37.3747);

    /// <summary>About 244 km as the crow flies; the road (G3011/G6) is longer, about 350 km.</summary>
    [Fact]
    public void GivenGolmudAndDelingha_WhenMeasured_ThenTheyAreAbout244KilometresApart() =>
        Assert.InRange(Geo.DistanceMetres(Golmud, Delingha), 240_000, 248_000);

    [Fact]
    public void GivenTwoPoints_WhenMeasuredBothWays_ThenTheDistanceIsTheSame() =>
        Assert.Equal(Geo.DistanceMetres(Golmud, Delingha), Geo.DistanceMetres(Delingha, Golmud), 1e-6);

    [Fact]
    public void GivenOneDegreeOfLatitude_WhenMeasured_ThenItIsAbout111Kilometres() =>
        Assert.Equal(111_195, Geo.DistanceMetres(new GeoPoint(95, 36), new GeoPoint(95, 37)), 1.0);

    [Fact]
    public void GivenTheSamePoint_WhenMeasured_ThenTheDistanceIsZero() =>
        Assert.Equal(0, Geo.DistanceMetres(Golmud, Golmud));

    // Keluke Lake wetland, roughly.
    static readonly GeoPoint[] Square = [new(96.80, 37.20), new(97.00, 37.20), new(97.00, 37.35), new(96.80, 37.35)];

    [Fact]
    public void GivenASquare_WhenAPointLiesInside_ThenItIsContained() =>
        Assert.True(Geo.Contains(Square, new GeoPoint(96.90, 37.28)));

    [Theory]
    [InlineData(96.70, 37.28)]
    [InlineData(97.10, 37.28)]
    [InlineData(96.90, 37.10)]
    [InlineData(96.90, 37.40)]
    public void GivenASquare_WhenAPointLiesOutside_ThenItIsNot(double longitude, double latitude) =>
        Assert.False(Geo.Contains(Square, new GeoPoint(longitude, latitude)));

    [Fact]
    public void GivenAClosedRing_WhenAPointLiesInside_ThenItIsContainedAsInTheOpenRing() =>
        Assert.True(Geo.Contains([.. Square, Square[0]], new GeoPoint(96.90, 37.28)));

    /// <summary>A U open to the north: two arms (96.0–96.1 and 96.3–96.4) on a base (37.0–37.1).</summary>
    static readonly GeoPoint[] U =
    [
        new(96.0, 37.0), new(96.4, 37.0), new(96.4, 37.4), new(96.3, 37.4),
        new(96.3, 37.1), new(96.1, 37.1), new(96.1, 37.4), new(96.0, 37.4),
    ];

    [Theory]
    [InlineData(96.05, 37.3, true)]   // left arm
    [InlineData(96.35, 37.3, true)]   // right arm
    [InlineData(96.20, 37.05, true)]  // base
    [InlineData(96.20, 37.3, false)]  // the notch between the arms
    [InlineData(96.20, 37.5, false)]  // above the notch
    public void GivenAConcavePolygon_WhenAPointLiesInTheNotch_ThenItIsOutside(double longitude, double latitude, bool inside) =>
        Assert.Equal(inside, Geo.Contains(U, new GeoPoint(longitude, latitude)));

    [Fact]
    public void GivenAPointInsideAPolygon_WhenMeasuredToIt_ThenZero() =>
        Assert.Equal(0, Geo.DistanceToPolygonMetres(Square, new GeoPoint(96.9, 37.3)));

    [Fact]
    public void GivenAPointDueEastOfAPolygon_WhenMeasuredToIt_ThenTheDistanceToItsEdge() =>
        Assert.Equal(Geo.DistanceMetres(new GeoPoint(97.00, 37.30), new GeoPoint(97.05, 37.30)), Geo.DistanceToPolygonMetres(Square, new GeoPoint(97.05, 37.30)), 1.0);

    [Fact]
    public void GivenTwoPolygonsCrossingWithNoVertexInsideTheOther_WhenMeasured_ThenZero()
    {
        GeoPoint[] band = [new(96.70, 37.25), new(97.10, 37.25), new(97.10, 37.30), new(96.70, 37.30)];
        Assert.Equal(0, Geo.DistanceBetweenPolygonsMetres(Square, band));
    }

    [Fact]
    public void GivenTwoSeparatePolygons_WhenMeasured_ThenTheGapBetweenThem()
    {
        GeoPoint[] east = [new(97.10, 37.20), new(97.20, 37.20), new(97.20, 37.35), new(97.10, 37.35)];
        Assert.InRange(Geo.DistanceBetweenPolygonsMetres(Square, east), 8_700, 9_000); // 0.1° of longitude at 37.2–37.35°N
    }
}
