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

    static double ToRadians(double degrees) => degrees * Math.PI / 180;
}
