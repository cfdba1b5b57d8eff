using System.Text.Json;
using System.Text.Json.Nodes;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Common;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace Fusion.Connectors.Aerial;

/// <summary>
/// Aerial findings as drone and satellite tools export them: an RFC 7946 FeatureCollection (application/geo+json)
/// of Point and Polygon features. Each feature becomes the canonical record (<see cref="AerialFindingRecord"/>'s JSON):
/// its properties, its id (Feature.id or properties.findingId) and its geometry; a bad feature is rejected alone.
/// </summary>
public static class AerialGeoJson
{
    public const string MediaType = "application/geo+json";

    /// <summary>More vertices than this is not a finding's outline but a whole map layer sent by mistake.</summary>
    public const int MaxVertices = 10_000;

    static readonly JsonSerializerOptions Options = new() { Converters = { new GeoJsonConverterFactory(Placement.Factory) } };

    /// <summary>The features of a FeatureCollection (or a single Feature) as source records.</summary>
    public static IEnumerable<SourceRecord<RecordReader>> Features(JsonElement body)
    {
        var type = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type == "Feature") return [Feature(body, 0)];
        if (type != "FeatureCollection")
            throw new RecordRejected($"the body should be a GeoJSON FeatureCollection (RFC 7946) of aerial findings, not {(type is null ? $"a JSON {body.ValueKind.ToString().ToLowerInvariant()} without a GeoJSON type" : $"a GeoJSON {type}")}");
        if (!body.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            throw new RecordRejected("the FeatureCollection has no 'features' list");
        return features.EnumerateArray().Select(Feature).ToList();
    }

    static SourceRecord<RecordReader> Feature(JsonElement feature, int index)
    {
        try
        {
            return ReadFeature(feature, index);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.Text.DecoderFallbackException)
        {
            // System.Text.Json checks a string's UTF-8 only when it is read as text.
            return new(index, null, () => RecordReader.Raw(feature), default, "the feature holds text that is not valid UTF-8");
        }
    }

    static SourceRecord<RecordReader> ReadFeature(JsonElement feature, int index)
    {
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
            return new(index, null, () => RecordReader.Raw(feature), default, "each entry of 'features' should be a GeoJSON Feature");
        var record = feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(properties)!.DeepClone().AsObject()
            : [];
        if (feature.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            record["findingId"] = id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText();
        record.Remove("geometry");
        record.Remove("longitude");
        record.Remove("latitude");
        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind == JsonValueKind.Null)
            return new(index, record["findingId"]?.ToString(), () => RecordReader.Raw(feature), default, "the feature has no geometry; a finding is a Point or a Polygon");
        record["geometry"] = JsonNode.Parse(geometry.GetRawText());
        var element = JsonSerializer.SerializeToElement(record);
        return new(index, new RecordReader(element).TextOrNull("findingId"), () => RecordReader.Raw(feature), new RecordReader(element), null);
    }

    /// <summary>A GeoJSON geometry of a finding: a Point or a valid Polygon, every vertex in Haixi.</summary>
    public static Geometry Read(JsonElement geometry)
    {
        Geometry? shape;
        try { shape = geometry.Deserialize<Geometry>(Options); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new RecordRejected($"'geometry' is not a GeoJSON geometry: {e.Message}");
        }
        if (shape is null) throw new RecordRejected("'geometry' is missing");
        if (shape is not (Point or Polygon))
            throw new RecordRejected($"'geometry' is a {shape.GeometryType}; a finding is a Point or a Polygon");
        if (shape.IsEmpty) throw new RecordRejected($"'geometry' is an empty {shape.GeometryType}");
        if (shape.NumPoints > MaxVertices)
            throw new RecordRejected($"'geometry' has {shape.NumPoints} vertices; a finding's outline may have at most {MaxVertices}");
        foreach (var c in shape.Coordinates)
            if (Positions.Problem(new GeoPoint(c.X, c.Y)) is { } problem) throw new RecordRejected($"'geometry': {problem}");
        if (shape is Polygon && new IsValidOp(shape).ValidationError is { } invalid)
            throw new RecordRejected($"'geometry' is not a valid polygon: {invalid.Message} at ({invalid.Coordinate.X}, {invalid.Coordinate.Y})");
        return shape;
    }

    /// <summary>The geometry as GeoJSON text, as kept on the event and in the analytics table.</summary>
    public static string Write(Geometry geometry) => JsonSerializer.Serialize(geometry, Options);

    /// <summary>The point that stands for the finding: itself, or a point inside the polygon (a centroid can lie outside).</summary>
    public static Point Representative(Geometry geometry) => geometry as Point ?? geometry.InteriorPoint;
}
