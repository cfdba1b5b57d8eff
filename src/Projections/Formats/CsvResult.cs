using System.Text;
using DuckDB.NET.Data;

namespace Fusion.Projections.Formats;

/// <summary>RFC 4180 CSV with a header row; values as in JSON (ISO dates, UTC timestamps with Z), NULL as empty.</summary>
public static class CsvResult
{
    public static async Task<long> WriteAsync(DuckDBDataReader reader, Stream output, int maxRows, CancellationToken ct, IReadOnlySet<string>? jsonColumns = null)
    {
        var types = Cells.TypeNames(reader, jsonColumns);
        await using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await w.WriteLineAsync(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => Quote(reader.GetName(i)))));
        long n = 0;
        var line = new StringBuilder();
        while (n < maxRows && reader.Read())
        {
            line.Clear();
            for (var i = 0; i < types.Length; i++)
            {
                if (i > 0) line.Append(',');
                if (Cells.Text(reader.GetValue(i), types[i]) is { } text) line.Append(Quote(text));
            }
            await w.WriteLineAsync(line, ct);
            n++;
        }
        await w.FlushAsync(ct);
        return n;
    }

    public static string Quote(string s) =>
        s.Length == 0 || s.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])
            ? "\"" + s.Replace("\"", "\"\"") + "\""
            : s;
}
