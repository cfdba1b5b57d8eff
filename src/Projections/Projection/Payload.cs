using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Fusion.Projections.Projection;

/// <summary>
/// The payload column: the event as JSON with its record's property names, enums as names, and
/// every property that identifies a member of the public removed, whatever event carries it.
/// </summary>
public static class Payload
{
    /// <summary>Properties that never reach analytics, on any event type, at any depth.</summary>
    public static readonly IReadOnlySet<string> Redacted =
        new HashSet<string>(["ReporterContact", "ReporterName", "ReporterPhone", "ReporterEmail", "ReporterId", "ReporterWeChatId", "SealedReporter"], StringComparer.OrdinalIgnoreCase);

    public static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RemoveRedacted } },
    };

    public static string Json(object data) => data switch
    {
        JsonElement element => RedactedCopy(element),
        JsonDocument document => RedactedCopy(document.RootElement),
        string text => TryParse(text) is { } element ? RedactedCopy(element) : JsonSerializer.Serialize(text, Options),
        _ => JsonSerializer.Serialize(data, data.GetType(), Options),
    };

    static void RemoveRedacted(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
            if (Redacted.Contains(info.Properties[i].Name)) info.Properties.RemoveAt(i);
    }

    static JsonElement? TryParse(string text)
    {
        try { using var doc = JsonDocument.Parse(text); return doc.RootElement.Clone(); }
        catch (JsonException) { return null; }
    }

    static string RedactedCopy(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder }))
            WriteRedacted(writer, element);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    static void WriteRedacted(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in element.EnumerateObject())
                {
                    if (Redacted.Contains(p.Name)) continue;
                    writer.WritePropertyName(p.Name);
                    WriteRedacted(writer, p.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteRedacted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}

/// <summary>
/// Reads fields of an event this assembly has no type for, by property name (case-insensitive,
/// first name that is present wins), so events other areas add later project without a code change here.
/// </summary>
public sealed class JsonFields
{
    readonly Dictionary<string, JsonElement> _fields = new(StringComparer.OrdinalIgnoreCase);
    readonly List<(string Name, JsonElement Value)> _ordered = [];

    public JsonFields(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var value = p.Value.Clone();
            _fields.TryAdd(p.Name, value);
            _ordered.Add((p.Name, value));
        }
    }

    public string? String(params string[] names)
    {
        foreach (var n in names)
            if (_fields.TryGetValue(n, out var v))
                switch (v.ValueKind)
                {
                    case JsonValueKind.String: return v.GetString();
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False: return v.GetRawText();
                }
        return null;
    }

    public double? Number(params string[] names)
    {
        foreach (var n in names)
            if (_fields.TryGetValue(n, out var v))
            {
                if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
                if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            }
        return null;
    }

    public DateTimeOffset? Time(params string[] names)
    {
        foreach (var n in names)
            if (_fields.TryGetValue(n, out var v) && AsTime(v) is { } t) return t;
        return null;
    }

    /// <summary>House style puts the …At fields last, the first of them being when the fact happened.</summary>
    public DateTimeOffset? FirstTimeEndingInAt()
    {
        foreach (var (name, value) in _ordered)
            if (name.EndsWith("At", StringComparison.Ordinal) && AsTime(value) is { } t) return t;
        return null;
    }

    /// <summary>Severity as its name: the enum may arrive as a name or as its number (1 Low … 4 Critical).</summary>
    public string? Severity(params string[] names)
    {
        var raw = String(names);
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && Enum.IsDefined(typeof(Domain.Common.Severity), n)
            ? ((Domain.Common.Severity)n).ToString()
            : raw;
    }

    static DateTimeOffset? AsTime(JsonElement v) =>
        v.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t : null;
}
