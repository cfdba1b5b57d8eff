namespace Fusion.Domain.Common;

/// <summary>A WGS-84 position: longitude then latitude, in degrees.</summary>
public sealed record GeoPoint(double Longitude, double Latitude);

public static class Geo
{
    const double EarthRadiusMetres = 6_371_000;

    public static double DistanceMetres(GeoPoint a, GeoPoint b)
    {
        var dLat = ToRadians(b.Latitude - a.Latitude);
        var dLon = ToRadians(b.Longitude - a.Longitude);
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
              + Math.Cos(ToRadians(a.Latitude)) * Math.Cos(ToRadians(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Ray casting; the polygon's ring may be open or closed.</summary>
    public static bool Contains(IReadOnlyList<GeoPoint> polygon, GeoPoint p)
    {
        var inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var (pi, pj) = (polygon[i], polygon[j]);
            if ((pi.Latitude > p.Latitude) != (pj.Latitude > p.Latitude)
                && p.Longitude < (pj.Longitude - pi.Longitude) * (p.Latitude - pi.Latitude) / (pj.Latitude - pi.Latitude) + pi.Longitude)
                inside = !inside;
        }
        return inside;
    }

    /// <summary>The point of the ring's edges nearest to p (edges densified; metres-level accuracy is plenty here).</summary>
    public static (GeoPoint Point, double Metres) NearestOnRing(IReadOnlyList<GeoPoint> ring, GeoPoint p)
    {
        var best = (Point: ring[0], Metres: double.MaxValue);
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
            for (var k = 0; k <= 200; k++)
            {
                var t = k / 200.0;
                var q = new GeoPoint(ring[j].Longitude + t * (ring[i].Longitude - ring[j].Longitude), ring[j].Latitude + t * (ring[i].Latitude - ring[j].Latitude));
                var d = DistanceMetres(p, q);
                if (d < best.Metres) best = (q, d);
            }
        return best;
    }

    /// <summary>Metres from a point to a polygon: 0 inside it.</summary>
    public static double DistanceToPolygonMetres(IReadOnlyList<GeoPoint> polygon, GeoPoint p) =>
        Contains(polygon, p) ? 0 : NearestOnRing(polygon, p).Metres;

    /// <summary>Metres between two polygons: 0 when they overlap (a vertex of one inside the other, or edges crossing).</summary>
    public static double DistanceBetweenPolygonsMetres(IReadOnlyList<GeoPoint> a, IReadOnlyList<GeoPoint> b)
    {
        if (a.Any(p => Contains(b, p)) || b.Any(p => Contains(a, p)) || EdgesCross(a, b)) return 0;
        return Math.Min(a.Min(p => NearestOnRing(b, p).Metres), b.Min(p => NearestOnRing(a, p).Metres));
    }

    static bool EdgesCross(IReadOnlyList<GeoPoint> a, IReadOnlyList<GeoPoint> b)
    {
        for (int i = 0, j = a.Count - 1; i < a.Count; j = i++)
            for (int k = 0, l = b.Count - 1; k < b.Count; l = k++)
                if (Cross(a[j], a[i], b[l]) * Cross(a[j], a[i], b[k]) < 0 && Cross(b[l], b[k], a[j]) * Cross(b[l], b[k], a[i]) < 0)
                    return true;
        return false;

        static double Cross(GeoPoint o, GeoPoint p, GeoPoint q) =>
            (p.Longitude - o.Longitude) * (q.Latitude - o.Latitude) - (p.Latitude - o.Latitude) * (q.Longitude - o.Longitude);
    }

    static double ToRadians(double degrees) => degrees * Math.PI / 180;
}
