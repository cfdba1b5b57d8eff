using System.Text.Json;
using Fusion.Projections.Formats;
using Fusion.Projections.Queries;

namespace Fusion.Projections.Tests.Queries;

/// <summary>Every DuckDB result type gets an answer in every format: nested values as JSON in JSON and CSV, as they are in Arrow and Parquet.</summary>
public sealed class ResultTypeTests : IDisposable
{
    readonly TempAnalytics db = new();
    readonly AnalyticsQueryRunner runner;

    public ResultTypeTests() => runner = new AnalyticsQueryRunner(() => db.Database, new QueryLimits(TimeSpan.FromSeconds(30), 1000));

    public void Dispose() => db.Dispose();

    async Task<byte[]> Run(string sql, ResultFormat format)
    {
        using var run = runner.Start(runner.CheckSql(sql), format);
        using var buffer = new MemoryStream();
        await run.WriteToAsync(buffer);
        return buffer.ToArray();
    }

    [Theory]
    [InlineData("[1, 2, NULL]", "[1,2,null]")]
    [InlineData("{'a': 1, 'b': 'x'}", """{"a":1,"b":"x"}""")]
    [InlineData("MAP {'k': 1}", """{"k":1}""")]
    [InlineData("[{'a': [1]}]", """[{"a":[1]}]""")]
    [InlineData("[1, 2]::INTEGER[2]", "[1,2]")]
    [InlineData("union_value(n := 1)", """{"n":1}""")]
    [InlineData("'ab'::BLOB", "\"YWI=\"")]
    [InlineData("170141183460469231731687303715884105727::HUGEINT", "170141183460469231731687303715884105727")]
    public async Task GivenAValueOfAnyType_WhenAnsweredInEachFormat_ThenEveryFormatAnswersAndJsonHoldsIt(string value, string json)
    {
        using (var doc = JsonDocument.Parse(await Run($"SELECT {value} AS v, 7 AS n", ResultFormat.Json)))
        {
            var row = Assert.Single(doc.RootElement.GetProperty("rows").EnumerateArray());
            Assert.Equal(json, row.GetProperty("v").GetRawText());
            Assert.Equal(7, row.GetProperty("n").GetInt32());
        }
        var csv = System.Text.Encoding.UTF8.GetString(await Run($"SELECT {value} AS v", ResultFormat.Csv)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, csv.Length);
        Assert.NotEmpty(await Run($"SELECT {value} AS v", ResultFormat.Arrow));
        Assert.NotEmpty(await Run($"SELECT {value} AS v", ResultFormat.Parquet));
    }
}
