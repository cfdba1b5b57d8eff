using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using DuckDB.NET.Data;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Formats;

/// <summary>How a DuckDB value is written as text (CSV) or JSON, the same way in both.</summary>
static class Cells
{
    public static bool IsJson(string duckType) => duckType.Equals("JSON", StringComparison.OrdinalIgnoreCase);

    public static bool IsZoned(string duckType) =>
        duckType.Contains("TZ", StringComparison.OrdinalIgnoreCase) || duckType.Contains("TIME ZONE", StringComparison.OrdinalIgnoreCase);

    /// <summary>The columns' DuckDB types; those named in jsonColumns hold JSON text (nested values DuckDB turned into JSON).</summary>
    public static string[] TypeNames(DuckDBDataReader reader, IReadOnlySet<string>? jsonColumns = null) =>
        Enumerable.Range(0, reader.FieldCount).Select(i => jsonColumns?.Contains(reader.GetName(i)) == true ? "JSON" : TypeName(reader, i)).ToArray();

    static string TypeName(DuckDBDataReader reader, int i)
    {
        try { return reader.GetDataTypeName(i); }
        catch (Exception) { return reader.GetFieldType(i).Name; }
    }

    public static string Timestamp(DateTime t, bool zoned) =>
        zoned ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture)
              : t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    public static string? Text(object value, string duckType) => value switch
    {
        DBNull => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime t => Timestamp(t, IsZoned(duckType)),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable => JsonSerializer.Serialize(value, value.GetType(), Payload.Options),
        _ => value.ToString(),
    };

    public static void WriteJson(Utf8JsonWriter w, object value, string duckType)
    {
        switch (value)
        {
            case DBNull: w.WriteNullValue(); break;
            case string s when IsJson(duckType): WriteRawOrString(w, s); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case sbyte or byte or short or ushort or int or uint or long:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: w.WriteNumberValue(u); break;
            case decimal m: w.WriteNumberValue(m); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case BigInteger or Int128 or UInt128: w.WriteRawValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); break;
            case IEnumerable and not string: JsonSerializer.Serialize(w, value, value.GetType(), Payload.Options); break;
            default: w.WriteStringValue(Text(value, duckType)); break;
        }
    }

    static void WriteRawOrString(Utf8JsonWriter w, string s)
    {
        try { w.WriteRawValue(s, skipInputValidation: false); }
        catch (JsonException) { w.WriteStringValue(s); }
    }
}
