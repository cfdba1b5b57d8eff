using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fusion.Silo.Tests.Boards;

/// <summary>The repository's dashboards/ folder read as Grafana reads it: dashboard models, their panels' queries, the provisioned data sources.</summary>
public sealed record Dashboard(string File, JsonElement Model)
{
    public const string PrometheusUid = "fusion-prometheus";
    public const string PostgresUid = "fusion-postgres";

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "FusionPlatform.sln"))) return Path.Combine(dir.FullName, "dashboards");
            throw new InvalidOperationException("The repository (FusionPlatform.sln) is not above the test's folder");
        }
    }

    public static IReadOnlyList<Dashboard> All() =>
        Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal)
            .Select(f => new Dashboard(Path.GetFileName(f), JsonDocument.Parse(System.IO.File.ReadAllText(f)).RootElement.Clone())).ToList();

    public string Title => Model.GetProperty("title").GetString()!;

    public IEnumerable<JsonElement> Panels =>
        Model.GetProperty("panels").EnumerateArray().SelectMany(p =>
            p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p]);

    public IEnumerable<JsonElement> Variables =>
        Model.TryGetProperty("templating", out var t) ? t.GetProperty("list").EnumerateArray() : [];

    /// <summary>Every query: the panels' targets and the query variables', with where it comes from.</summary>
    public IEnumerable<PanelQuery> Queries
    {
        get
        {
            foreach (var v in Variables.Where(v => v.GetProperty("type").GetString() == "query"))
                yield return new PanelQuery(this, $"variable {v.GetProperty("name").GetString()}", Uid(v.GetProperty("datasource")), v.GetProperty("query").GetString()!, "table");
            foreach (var p in Panels.Where(p => p.TryGetProperty("targets", out _)))
                foreach (var t in p.GetProperty("targets").EnumerateArray())
                {
                    var uid = Uid(t.TryGetProperty("datasource", out var d) ? d : p.GetProperty("datasource"));
                    var text = uid == PrometheusUid ? t.GetProperty("expr").GetString()! : t.GetProperty("rawSql").GetString()!;
                    yield return new PanelQuery(this, $"panel {p.GetProperty("id")} '{p.GetProperty("title").GetString()}' {t.GetProperty("refId").GetString()}",
                        uid, text, t.TryGetProperty("format", out var f) ? f.GetString()! : "time_series");
                }
        }
    }

    static string Uid(JsonElement datasource) => datasource.GetProperty("uid").GetString()!;

    /// <summary>Variables a text refers to: $name, ${name}, ${name:format}, [[name]]; Grafana's own ($__…) excluded.</summary>
    public static IEnumerable<string> ReferencedVariables(string text) =>
        Regex.Matches(text, @"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]").Select(m => m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value)
            .Where(n => !n.StartsWith("__", StringComparison.Ordinal));
}

public sealed record PanelQuery(Dashboard Dashboard, string Where, string DatasourceUid, string Text, string Format)
{
    public override string ToString() => $"{Dashboard.File} {Where}";
}

/// <summary>Grafana's macros and variables, expanded as Grafana's PostgreSQL data source and Prometheus query editor do.</summary>
public static class GrafanaMacros
{
    public static string Sql(string sql, DateTimeOffset from, DateTimeOffset to, IReadOnlyDictionary<string, string> variables)
    {
        string Literal(DateTimeOffset t) => $"'{t.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}'";
        sql = Regex.Replace(sql, @"\$__timeGroupAlias\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)", m => $"{Group(m.Groups[1].Value, m.Groups[2].Value)} AS \"time\"");
        sql = Regex.Replace(sql, @"\$__timeGroup\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)", m => Group(m.Groups[1].Value, m.Groups[2].Value));
        sql = Regex.Replace(sql, @"\$__timeFilter\(\s*([^)]+?)\s*\)", m => $"{m.Groups[1].Value} BETWEEN {Literal(from)} AND {Literal(to)}");
        sql = sql.Replace("$__timeFrom()", Literal(from)).Replace("$__timeTo()", Literal(to));
        return Variables(sql, variables);
    }

    public static string PromQl(string expr, IReadOnlyDictionary<string, string> variables) =>
        Variables(expr.Replace("$__rate_interval", "15s").Replace("$__interval", "5s").Replace("$__range", "5m"), variables);

    static string Group(string column, string interval)
    {
        var seconds = (long)Interval(interval).TotalSeconds;
        return $"floor(extract(epoch from {column})/{seconds})*{seconds}";
    }

    static TimeSpan Interval(string s)
    {
        var m = Regex.Match(s.Trim().Trim('\''), @"^(\d+)(s|m|h|d)$");
        if (!m.Success) throw new FormatException($"Not a Grafana interval: {s}");
        var n = int.Parse(m.Groups[1].Value);
        return m.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
    }

    static string Variables(string text, IReadOnlyDictionary<string, string> variables) =>
        Regex.Replace(text, @"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]", m =>
        {
            var name = m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value;
            if (name.StartsWith("__", StringComparison.Ordinal)) return m.Value;
            return variables.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"Variable ${name} has no value");
        });
}
