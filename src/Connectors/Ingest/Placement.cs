using System.Runtime.CompilerServices;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Distance;

namespace Fusion.Connectors.Ingest;

/// <summary>
/// Where a geometry lies among the master data, with NetTopologySuite: the nearest site within a distance
/// (measured from the geometry's edge, 0 inside it), the protected zone it lies in or overlaps, the region whose
/// boundary contains it. Coordinates are WGS-84 longitude/latitude; distances are metres on the sphere between
/// the nearest points NTS finds. Built once per catalog (catalogs are immutable) and kept while the catalog lives.
/// </summary>
public sealed class Placement
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    static readonly ConditionalWeakTable<MasterDataCatalog, Placement> Built = new();

    readonly STRtree<(Site Site, Point Point)> sites = new();
    readonly (ProtectedZone Zone, Geometry Shape)[] zones;
    readonly (Region Region, Geometry Shape)[] regions;

    Placement(MasterDataCatalog catalog)
    {
        foreach (var site in catalog.Sites.Values.OrderBy(s => s.SiteId, StringComparer.Ordinal))
        {
            var point = Point(site.Location);
            sites.Insert(point.EnvelopeInternal, (site, point));
        }
        sites.Build();
        zones = catalog.Zones.Values.OrderBy(z => z.ZoneId, StringComparer.Ordinal)
            .Select(z => (z, Shape(z.Polygon))).Where(z => z.Item2 is not null).Select(z => (z.z, z.Item2!)).ToArray();
        // County-level regions only, as when placing by centre: parks lie inside counties and their signals roll up there.
        regions = catalog.Regions.Values.Where(r => r.Boundary is not null && r.Kind != RegionKind.IndustrialPark)
            .Select(r => (r, Shape(r.Boundary!))).Where(r => r.Item2 is not null).Select(r => (r.r, r.Item2!))
            .OrderBy(r => r.Item2.Area).ThenBy(r => r.r.RegionId, StringComparer.Ordinal).ToArray();
    }

    public static Placement Of(MasterDataCatalog catalog) => Built.GetValue(catalog, c => new Placement(c));

    public static Point Point(GeoPoint p) => Factory.CreatePoint(new Coordinate(p.Longitude, p.Latitude));

    /// <summary>A ring of master data as a valid polygon (closed if open, self-intersections repaired); null if it has no area.</summary>
    static Geometry? Shape(IReadOnlyList<GeoPoint> ring)
    {
        if (ring.Count < 3) return null;
        var coordinates = ring.Select(p => new Coordinate(p.Longitude, p.Latitude)).ToList();
        if (!coordinates[0].Equals2D(coordinates[^1])) coordinates.Add(coordinates[0].Copy());
        if (coordinates.Count < 4) return null;
        Geometry polygon = Factory.CreatePolygon(coordinates.ToArray());
        if (!polygon.IsValid) polygon = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(polygon);
        return polygon.IsEmpty || polygon.Area == 0 ? null : polygon;
    }

    /// <summary>The nearest site within the distance of the geometry (0 when the geometry covers it), if any.</summary>
    public Site? NearestSite(Geometry geometry, double withinMetres)
    {
        var search = geometry.EnvelopeInternal.Copy();
        var latitude = search.Centre.Y;
        search.ExpandBy(withinMetres / (MetresPerDegree * Math.Max(0.1, Math.Cos(latitude * Math.PI / 180))), withinMetres / MetresPerDegree);
        return sites.Query(search)
            .Select(s => (s.Site, Metres: Metres(geometry, s.Point)))
            .Where(s => s.Metres <= withinMetres)
            .OrderBy(s => s.Metres).ThenBy(s => s.Site.SiteId, StringComparer.Ordinal)
            .Select(s => s.Site)
            .FirstOrDefault();
    }

    /// <summary>Metres between a geometry and a point: 0 inside it, else between the nearest points.</summary>
    public static double Metres(Geometry geometry, Point point)
    {
        if (geometry.Covers(point)) return 0;
        var nearest = DistanceOp.NearestPoints(geometry, point);
        return Geo.DistanceMetres(new GeoPoint(nearest[0].X, nearest[0].Y), new GeoPoint(nearest[1].X, nearest[1].Y));
    }

    /// <summary>The protected zone the geometry lies in or overlaps; the one holding its representative point first.</summary>
    public ProtectedZone? ZoneOf(Geometry geometry, Point representative) =>
        zones.Where(z => z.Shape.Covers(representative)).Select(z => z.Zone).FirstOrDefault()
        ?? zones.Where(z => z.Shape.Intersects(geometry)).Select(z => z.Zone).FirstOrDefault();

    /// <summary>The county-level region whose boundary contains the point (the smallest, should approximate boundaries overlap); null where none does.</summary>
    public Region? RegionContaining(Point point) =>
        regions.Where(r => r.Shape.Covers(point)).Select(r => r.Region).FirstOrDefault();

    const double MetresPerDegree = 111_320;
}
