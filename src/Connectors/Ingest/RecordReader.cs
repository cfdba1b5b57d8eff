using System.Globalization;
using System.Text.Json;

namespace Fusion.Connectors.Ingest;

/// <summary>
/// Reads fields of one JSON record with errors a data clerk understands ("'occurredAt' is missing").
/// Field names are matched case-insensitively.
/// </summary>
public readonly struct RecordReader(JsonElement record)
{
    public JsonElement Record => record;

    public bool Has(string name) => TryGet(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public string String(string name) =>
        OptionalString(name) is { Length: > 0 } s ? s : throw new RecordRejected($"'{name}' is missing or empty");

    public string? OptionalString(string name)
    {
        if (!TryGet(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => Text(name, v),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new RecordRejected($"'{name}' should be text, not {Kind(v)}"),
        };
    }

    /// <summary>A JSON string as text every feed takes (see <see cref="IngestText"/>): invalid UTF-8 or a lone surrogate is a rejection, not an error.</summary>
    static string Text(string name, JsonElement v)
    {
        string s;
        try { s = v.GetString()!.Trim(); }
        catch (InvalidOperationException) { throw new RecordRejected($"'{name}' is not valid Unicode text (invalid UTF-8, or a lone surrogate escaped as \\uD800–\\uDFFF)"); }
        return IngestText.Problem(s) is { } problem ? throw new RecordRejected($"'{name}' {problem}") : s;
    }

    /// <summary>The field as text when it can be read as text, else null (a record's id for its rejection).</summary>
    public string? TextOrNull(string name)
    {
        try { return OptionalString(name); }
        catch (RecordRejected) { return null; }
    }

    public double Number(string name) =>
        OptionalNumber(name) ?? throw new RecordRejected($"'{name}' is missing");

    public double? OptionalNumber(string name)
    {
        if (!TryGet(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)) return d;
        if (v.ValueKind == JsonValueKind.String && double.TryParse(Text(name, v), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d)) return d;
        throw new RecordRejected($"'{name}' should be a number, not {Kind(v)} {Shorten(Raw(v))}");
    }

    public decimal Decimal(string name)
    {
        if (!TryGet(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new RecordRejected($"'{name}' is missing");
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d)) return d;
        if (v.ValueKind == JsonValueKind.String && decimal.TryParse(Text(name, v), NumberStyles.Number, CultureInfo.InvariantCulture, out d)) return d;
        throw new RecordRejected($"'{name}' should be an amount, not {Kind(v)} {Shorten(Raw(v))}");
    }

    public DateTimeOffset Time(string name)
    {
        var s = OptionalString(name) ?? throw new RecordRejected($"'{name}' is missing");
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) && HasOffset(s))
            return t;
        throw new RecordRejected($"'{name}' should be a date and time with its UTC offset, like 2026-11-28T09:30:00+08:00, not '{Shorten(s)}'");
    }

    public DateOnly Date(string name)
    {
        var s = OptionalString(name) ?? throw new RecordRejected($"'{name}' is missing");
        return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new RecordRejected($"'{name}' should be a date like 2026-12-31, not '{Shorten(s)}'");
    }

    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices)
    {
        var s = OptionalString(name) ?? throw new RecordRejected($"'{name}' is missing; use one of: {string.Join(", ", choices.Keys)}");
        return OptionalChoice(name, choices) ?? throw new RecordRejected($"'{name}' is '{s}'; use one of: {string.Join(", ", choices.Keys)}");
    }

    public T? OptionalChoice<T>(string name, IReadOnlyDictionary<string, T> choices)
    {
        var s = OptionalString(name);
        if (s is null) return default;
        foreach (var (key, value) in choices)
            if (string.Equals(key, s, StringComparison.OrdinalIgnoreCase)) return value;
        throw new RecordRejected($"'{name}' is '{Shorten(s)}'; use one of: {string.Join(", ", choices.Keys)}");
    }

    public IEnumerable<RecordReader> Array(string name)
    {
        if (!TryGet(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw new RecordRejected($"'{name}' should be a list");
        return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object ? new RecordReader(e) : throw new RecordRejected($"each entry of '{name}' should be an object"));
    }

    public bool TryGet(string name, out JsonElement value)
    {
        if (record.ValueKind == JsonValueKind.Object)
            foreach (var p in record.EnumerateObject())
            {
                string field;
                try { field = p.Name; }
                catch (InvalidOperationException) { throw new RecordRejected("a field name is not valid Unicode text (invalid UTF-8, or a lone surrogate)"); }
                if (string.Equals(field, name, StringComparison.OrdinalIgnoreCase)) { value = p.Value; return true; }
            }
        value = default;
        return false;
    }

    static bool HasOffset(string s) =>
        s.EndsWith('Z') || s.EndsWith('z') || (s.Length > 6 && (s[^6] is '+' or '-') && s[^3] == ':');

    static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => v.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>The element's JSON as it was sent, whatever bytes its strings hold (invalid UTF-8 shows as U+FFFD).</summary>
    public static string Raw(JsonElement v) => System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(v));

    static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
