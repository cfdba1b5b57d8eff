using System.Text.Json;
using Fusion.Projections.Formats;
using Fusion.Projections.Queries;

namespace Fusion.Projections.Tests.Queries;

/// <summary>The known dataset projected once into a file, shared by the query tests (which only read).</summary>
public sealed class QueryFixture : IDisposable
{
    public TempAnalytics Analytics { get; } = new();
    public AnalyticsQueryRunner Runner { get; }

    public QueryFixture()
    {
        Analytics.ApplyInBatches(Dataset.Events, 16);
        Runner = new AnalyticsQueryRunner(() => Analytics.Database, QueryLimits.Default);
    }

    public JsonDocument Json(BoundQuery q)
    {
        using var run = Runner.Start(q, ResultFormat.Json);
        using var buffer = new MemoryStream();
        run.WriteToAsync(buffer).GetAwaiter().GetResult();
        return JsonDocument.Parse(buffer.ToArray());
    }

    public BoundQuery Named(string name, params (string Key, string? Value)[] args) =>
        NamedQueries.Get(name).Bind(args.ToDictionary(a => a.Key, a => a.Value), new DateOnly(2026, 3, 4));

    /// <summary>The rows of a named query as text, column by column in the order asked for.</summary>
    public string[][] Rows(string name, string[] columns, params (string Key, string? Value)[] args)
    {
        using var doc = Json(Named(name, args));
        return doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => columns.Select(c => Text(r.GetProperty(c))).ToArray())
            .ToArray();
    }

    static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => e.GetString()!,
        _ => e.GetRawText(),
    };

    public void Dispose() => Analytics.Dispose();
}
