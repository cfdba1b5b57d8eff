using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fusion.Connectors.PublicReports;

namespace Fusion.Connectors.Ingest;

/// <summary>
/// A spreadsheet export (RFC 4180 CSV with a heading row) read into a feed's canonical JSON records: each heading is
/// mapped to a canonical field (Chinese or English headings alike), unknown columns are ignored, empty cells left out.
/// The raw input kept for a rejected row is its canonical record, so a corrected one can be replayed as JSON.
/// </summary>
public static class CsvRecords
{
    public static IEnumerable<SourceRecord<RecordReader>> Read(string text, IReadOnlyDictionary<string, string> columns, IReadOnlyList<string> required, string idField,
        CsvValues? values = null)
    {
        var rows = Csv.Rows(text.TrimStart('\uFEFF')).ToList();
        if (rows.Count == 0) throw new RecordRejected("the CSV has no heading row");
        var headings = rows[0].Select(h => columns.GetValueOrDefault(h.Trim())).ToArray();
        foreach (var field in required)
            if (!headings.Contains(field))
                throw new RecordRejected($"the CSV has no column for '{field}'; headings taken: {string.Join(", ", columns.Keys)}");
        var records = new List<SourceRecord<RecordReader>>();
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].All(string.IsNullOrWhiteSpace)) continue;
            var record = new JsonObject();
            for (var c = 0; c < Math.Min(headings.Length, rows[i].Length); c++)
                if (headings[c] is { } field && rows[i][c].Trim() is { Length: > 0 } value) record[field] = values?.Canonical(field, value) ?? value;
            var element = JsonSerializer.SerializeToElement(record);
            // Row numbers as a spreadsheet shows them: the heading is row 1.
            records.Add(new SourceRecord<RecordReader>(i - 1, new RecordReader(element).TextOrNull(idField), element.GetRawText, new RecordReader(element), null));
        }
        return records;
    }

    /// <summary>
    /// How a spreadsheet's cells become canonical values: words mapped per field (一般 → low), dates written as 2026/12/31
    /// made 2026-12-31, and local times without an offset taken in Beijing time (as offices in Haixi write them).
    /// </summary>
    public sealed record CsvValues(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Words = null, IReadOnlyList<string>? Dates = null, IReadOnlyList<string>? LocalTimes = null)
    {
        public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

        public string Canonical(string field, string value)
        {
            if (Words?.GetValueOrDefault(field)?.GetValueOrDefault(value) is { } word) return word;
            if (Dates?.Contains(field) == true && DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (LocalTimes?.Contains(field) == true && !value.EndsWith('Z') && !(value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':')
                && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                && global::Fusion.Connectors.Ingest.LocalTimes.At(local, Beijing) is { } at)   // a time DateTimeOffset cannot hold stays as sent, and is refused as no time
                return at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
            return value;
        }
    }

    /// <summary>The body as text in its charset (UTF-8 when none is given; GB2312, GBK and GB18030 as Chinese offices export).</summary>
    public static string Decode(byte[] raw, string? charset)
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        try { return (charset is null ? System.Text.Encoding.UTF8 : System.Text.Encoding.GetEncoding(charset)).GetString(raw); }
        catch (ArgumentException) { throw new RecordRejected($"the charset '{charset}' is not known; send UTF-8, GB2312, GBK or GB18030"); }
    }

    static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy/M/d", "yyyyMMdd", "yyyy-M-d", "yyyy.MM.dd"];

    /// <summary>A date as banks and spreadsheets write it: 2026-11-28, 2026/11/28 or 20261128.</summary>
    public static DateOnly Date(RecordReader r, string field)
    {
        var s = r.OptionalString(field) ?? throw new RecordRejected($"'{field}' is missing");
        if (s.Length > 10 && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)) return DateOnly.FromDateTime(dt);
        return DateOnly.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new RecordRejected($"'{field}' should be a date like 2026-11-28, not '{(s.Length <= 40 ? s : s[..37] + "...")}'");
    }
}
