using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using DuckDB.NET.Data;
using Fusion.Projections.Formats;
using Fusion.Projections.Queries;
using Fusion.Projections.Tests.Queries;

namespace Fusion.Projections.Tests.Formats;

/// <summary>Arrow, Parquet and CSV read back and compared cell by cell with the JSON result of the same query.</summary>
public class FormatTests(QueryFixture f) : IClassFixture<QueryFixture>
{
    public static TheoryData<string> Queries => new(
        "fund-compliance?period=2026",            // DECIMAL, BOOLEAN, TIMESTAMPTZ and NULLs
        "signal-mix?from=2026-03-01&to=2026-03-03", // DATE, VARCHAR, BIGINT
        "device-availability?from=2026-03-01&to=2026-03-02", // DOUBLE and NULL
        "sql:SELECT sequence, kind, payload, recorded_at, occurred_at, signal FROM events ORDER BY sequence");

    BoundQuery Bind(string spec)
    {
        if (spec.StartsWith("sql:")) return f.Runner.CheckSql(spec[4..]);
        var parts = spec.Split('?');
        var args = parts[1].Split('&').Select(a => a.Split('=')).Select(kv => (kv[0], (string?)kv[1])).ToArray();
        return f.Named(parts[0], args);
    }

    async Task<byte[]> Run(BoundQuery q, ResultFormat format)
    {
        using var run = f.Runner.Start(q, format);
        using var buffer = new MemoryStream();
        await run.WriteToAsync(buffer);
        return buffer.ToArray();
    }

    async Task<(string[] Columns, List<string?[]> Rows)> FromJson(BoundQuery q)
    {
        using var doc = JsonDocument.Parse(await Run(q, ResultFormat.Json));
        var columns = doc.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => columns.Select(c => Normal(r.GetProperty(c))).ToArray()).ToList();
        return (columns, rows);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Arrow_ReadBack_EqualsJson(string spec)
    {
        var q = Bind(spec);
        var (columns, expected) = await FromJson(q);
        using var reader = new ArrowStreamReader(new MemoryStream(await Run(q, ResultFormat.Arrow)));
        Assert.Equal(columns, reader.Schema.FieldsList.Select(x => x.Name));
        var rows = new List<string?[]>();
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
            using (batch)
                for (var i = 0; i < batch.Length; i++)
                    rows.Add(Enumerable.Range(0, batch.ColumnCount).Select(c => Normal(batch.Column(c), i)).ToArray());
        Assert.NotEmpty(rows);
        Assert.Equal(expected, rows);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Parquet_ReadBack_EqualsJson(string spec)
    {
        var q = Bind(spec);
        var (columns, expected) = await FromJson(q);
        var file = Path.Combine(f.Analytics.Folder, $"{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(file, await Run(q, ResultFormat.Parquet));
        using var reader = new DuckDBConnection("Data Source=:memory:");
        reader.Open();
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"SELECT * FROM read_parquet('{file}')";
        using var r = cmd.ExecuteReader();
        Assert.Equal(columns, Enumerable.Range(0, r.FieldCount).Select(r.GetName));
        var rows = new List<string?[]>();
        while (r.Read()) rows.Add(Enumerable.Range(0, r.FieldCount).Select(i => Normal(r.GetValue(i))).ToArray());
        Assert.NotEmpty(rows);
        Assert.Equal(expected, rows);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Csv_ReadBack_EqualsJson(string spec)
    {
        var q = Bind(spec);
        var (columns, expected) = await FromJson(q);
        var file = Path.Combine(f.Analytics.Folder, $"{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, await Run(q, ResultFormat.Csv));
        using var reader = new DuckDBConnection("Data Source=:memory:");
        reader.Open();
        using var cmd = reader.CreateCommand();
        cmd.CommandText = $"SELECT * FROM read_csv('{file}', header = true, all_varchar = true)";
        using var r = cmd.ExecuteReader();
        Assert.Equal(columns, Enumerable.Range(0, r.FieldCount).Select(r.GetName));
        var rows = new List<string?[]>();
        while (r.Read()) rows.Add(Enumerable.Range(0, r.FieldCount).Select(i => Normal(r.IsDBNull(i) ? null : ParseCsvCell(r.GetString(i)))).ToArray());
        Assert.Equal(expected, rows);
    }

    [Theory]
    [InlineData(null, "application/vnd.apache.arrow.stream", ResultFormat.Arrow)]
    [InlineData(null, "text/csv, application/json;q=0.5", ResultFormat.Csv)]
    [InlineData(null, "application/vnd.apache.parquet", ResultFormat.Parquet)]
    [InlineData(null, "*/*", ResultFormat.Json)]
    [InlineData(null, null, ResultFormat.Json)]
    [InlineData("parquet", "application/json", ResultFormat.Parquet)]
    [InlineData("ARROW", null, ResultFormat.Arrow)]
    public void FormatComesFromTheQueryStringThenAccept(string? format, string? accept, ResultFormat expected) =>
        Assert.Equal(expected, ResultFormats.Negotiate(format, accept));

    [Fact]
    public void AnUnknownFormatIsABadRequest() =>
        Assert.Equal(QueryProblem.BadRequest, Assert.Throws<AnalyticsQueryException>(() => ResultFormats.Negotiate("xlsx", null)).Problem);

    // Normal forms: numbers as invariant decimals without trailing zeros, instants as UTC ticks, JSON text re-serialized.
    static object? ParseCsvCell(string s) => s;

    static string? Normal(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => Number(e.GetDecimal()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(e),
        _ => Text(e.GetString()!),
    };

    static string? Normal(object? v) => v switch
    {
        null or DBNull => null,
        bool b => b ? "true" : "false",
        DateTime t => Instant(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))),
        DateTimeOffset t => Instant(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string s => Text(s),
        IConvertible c => Number(Convert.ToDecimal(c, CultureInfo.InvariantCulture)),
        _ => v.ToString(),
    };

    static string? Normal(IArrowArray array, int i)
    {
        if (array.IsNull(i)) return null;
        return array switch
        {
            BooleanArray a => Normal(a.GetValue(i)),
            Int64Array a => Normal(a.GetValue(i)),
            Int32Array a => Normal(a.GetValue(i)),
            DoubleArray a => Normal(a.GetValue(i)),
            Decimal128Array a => Normal(a.GetValue(i)),
            Date32Array a => Normal(a.GetDateOnly(i)),
            TimestampArray a => Normal(a.GetTimestamp(i)),
            StringArray a => Normal(a.GetString(i)),
            _ => throw new NotSupportedException(array.Data.DataType.Name),
        };
    }

    static string Number(decimal d) => d.ToString("0.############", CultureInfo.InvariantCulture);

    static string Instant(DateTimeOffset t) => t.UtcTicks.ToString(CultureInfo.InvariantCulture);

    static string Text(string s)
    {
        if (s.Length >= 10 && char.IsAsciiDigit(s[0]) && s.Contains('T') && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            return Instant(t);
        if (s.StartsWith('{') || s.StartsWith('['))
            try { return JsonSerializer.Serialize(JsonDocument.Parse(s).RootElement); } catch (JsonException) { }
        if (decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && s.Any(char.IsAsciiDigit) && !s.Contains('-'))
            return Number(d);
        return s;
    }
}
