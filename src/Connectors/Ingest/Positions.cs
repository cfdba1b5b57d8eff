using Fusion.Domain.Common;

namespace Fusion.Connectors.Ingest;

/// <summary>Positions as every feed reads them: longitude and latitude in degrees, checked to lie in or near Haixi.</summary>
public static class Positions
{
    /// <summary>Haixi lies roughly within 90–100°E, 35–39.5°N; anything far outside is a typo (swapped or wrong sign).</summary>
    public static GeoPoint Read(RecordReader r)
    {
        var p = new GeoPoint(r.Number("longitude"), r.Number("latitude"));
        return Problem(p) is { } problem ? throw new RecordRejected(problem) : p;
    }

    /// <summary>Null when the point can be in Haixi, otherwise why not.</summary>
    public static string? Problem(GeoPoint p) =>
        p.Longitude is < 85 or > 105 || p.Latitude is < 32 or > 42
            ? $"position ({p.Longitude}, {p.Latitude}) is not in Haixi; give longitude (about 90–100) and latitude (about 35–39.5) in degrees"
            : null;

    public static GeoPoint? ReadOptional(RecordReader r) =>
        r.Has("longitude") || r.Has("latitude") ? Read(r) : null;
}
