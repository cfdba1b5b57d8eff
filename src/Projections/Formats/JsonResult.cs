using System.Text.Json;
using DuckDB.NET.Data;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Formats;

/// <summary>
/// {"columns":[{"name","type"}],"rows":[{column: value}],"rowCount":n,"truncated":bool,"rowLimit":n}.
/// Rows are written as they are read and flushed every few thousand, never held whole.
/// </summary>
public static class JsonResult
{
    public static async Task<long> WriteAsync(DuckDBDataReader reader, Stream output, int maxRows, CancellationToken ct, IReadOnlySet<string>? jsonColumns = null)
    {
        var types = Cells.TypeNames(reader, jsonColumns);
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Payload.Options.Encoder });
        w.WriteStartObject();
        w.WriteStartArray("columns");
        for (var i = 0; i < names.Length; i++)
        {
            w.WriteStartObject();
            w.WriteString("name", names[i]);
            w.WriteString("type", types[i]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        long n = 0;
        var truncated = false;
        while (reader.Read())
        {
            if (n == maxRows) { truncated = true; break; }
            w.WriteStartObject();
            for (var i = 0; i < names.Length; i++)
            {
                w.WritePropertyName(names[i]);
                Cells.WriteJson(w, reader.GetValue(i), types[i]);
            }
            w.WriteEndObject();
            if (++n % 2048 == 0) await w.FlushAsync(ct);
        }
        w.WriteEndArray();
        w.WriteNumber("rowCount", n);
        w.WriteBoolean("truncated", truncated);
        w.WriteNumber("rowLimit", maxRows);
        w.WriteEndObject();
        await w.FlushAsync(ct);
        return n;
    }
}
