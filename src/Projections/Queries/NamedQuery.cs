using System.Globalization;
using System.Text.RegularExpressions;

namespace Fusion.Projections.Queries;

public enum ParameterType { Date, Text, Integer, Choice }

/// <summary>
/// A parameter of a named query. Default is a literal, or for dates "today" / "today-N" (days in
/// China Standard Time, given by the caller: the query itself never reads the clock).
/// </summary>
public sealed record QueryParameter(
    string Name, ParameterType Type, string Description, bool Required = false, string? Default = null,
    IReadOnlyList<string>? Choices = null, long? Min = null, long? Max = null);

/// <summary>A named, parameterised analytical question. The SQL refers to parameters as $name.</summary>
public sealed record NamedQuery(string Name, string Title, string Description, IReadOnlyList<QueryParameter> Parameters, string Sql)
{
    /// <summary>Checks and converts the caller's values; unknown names and bad values are rejected with the reason.</summary>
    public BoundQuery Bind(IReadOnlyDictionary<string, string?> values, DateOnly today)
    {
        var unknown = values.Keys.Where(k => Parameters.All(p => !string.Equals(p.Name, k, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw AnalyticsQueryException.BadRequest(
                $"Query '{Name}' has no parameter {string.Join(", ", unknown.Select(u => $"'{u}'"))}; it takes: {string.Join(", ", Parameters.Select(p => p.Name))}.");
        var bound = new List<KeyValuePair<string, object?>>();
        foreach (var p in Parameters)
        {
            var given = values.FirstOrDefault(kv => string.Equals(kv.Key, p.Name, StringComparison.OrdinalIgnoreCase)).Value;
            var raw = string.IsNullOrWhiteSpace(given) ? p.Default : given.Trim();
            if (raw is null)
            {
                if (p.Required) throw AnalyticsQueryException.BadRequest($"Query '{Name}' needs parameter '{p.Name}' ({p.Description}).");
                bound.Add(new(p.Name, null));
                continue;
            }
            bound.Add(new(p.Name, Convert(p, raw, today)));
        }
        var from = bound.FirstOrDefault(b => b.Key == "from").Value as DateOnly?;
        var to = bound.FirstOrDefault(b => b.Key == "to").Value as DateOnly?;
        if (from > to) throw AnalyticsQueryException.BadRequest($"Query '{Name}': 'from' ({from:yyyy-MM-dd}) is after 'to' ({to:yyyy-MM-dd}).");
        return new BoundQuery(Name, Sql, bound);
    }

    object Convert(QueryParameter p, string raw, DateOnly today)
    {
        switch (p.Type)
        {
            case ParameterType.Date:
                var relative = Regex.Match(raw, @"^today(?:-([0-9]{1,5}))?$", RegexOptions.IgnoreCase);
                if (relative.Success)
                    return today.AddDays(-(relative.Groups[1].Success ? int.Parse(relative.Groups[1].Value, CultureInfo.InvariantCulture) : 0));
                if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
                throw AnalyticsQueryException.BadRequest($"Parameter '{p.Name}' of query '{Name}' must be a date as yyyy-MM-dd (or 'today', 'today-7'), not '{raw}'.");
            case ParameterType.Integer:
                if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                    throw AnalyticsQueryException.BadRequest($"Parameter '{p.Name}' of query '{Name}' must be a whole number, not '{raw}'.");
                if (n < p.Min || n > p.Max)
                    throw AnalyticsQueryException.BadRequest($"Parameter '{p.Name}' of query '{Name}' must be between {p.Min} and {p.Max}, not {n}.");
                return n;
            case ParameterType.Choice:
                var choice = p.Choices?.FirstOrDefault(c => string.Equals(c, raw, StringComparison.OrdinalIgnoreCase));
                return choice ?? throw AnalyticsQueryException.BadRequest(
                    $"Parameter '{p.Name}' of query '{Name}' must be one of {string.Join(", ", p.Choices ?? [])}, not '{raw}'.");
            default:
                if (raw.Length > 200) throw AnalyticsQueryException.BadRequest($"Parameter '{p.Name}' of query '{Name}' is longer than 200 characters.");
                return raw;
        }
    }
}

/// <summary>A query ready to run: SQL and typed parameter values (null for an omitted optional one).</summary>
public sealed record BoundQuery(string Name, string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters);

public enum QueryProblem { BadRequest, Forbidden, NotFound, TooLong, Busy }

/// <summary>A query the caller got wrong or may not run; the edge maps it to a 4xx with this message.</summary>
public sealed class AnalyticsQueryException(QueryProblem problem, string message) : Exception(message)
{
    public QueryProblem Problem => problem;
    public static AnalyticsQueryException BadRequest(string message) => new(QueryProblem.BadRequest, message);
    public static AnalyticsQueryException Forbidden(string message) => new(QueryProblem.Forbidden, message);
    public static AnalyticsQueryException NotFound(string message) => new(QueryProblem.NotFound, message);
    public static AnalyticsQueryException Busy(string message) => new(QueryProblem.Busy, message);
}
