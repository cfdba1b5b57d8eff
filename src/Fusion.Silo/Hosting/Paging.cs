using Marten;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Fusion.Silo.Hosting;

/// <summary>
/// One page of a list endpoint: <c>offset</c> and <c>limit</c> over an order that is stable (every order ends on a
/// unique key). The answer stays a plain array; the total goes in <c>X-Total-Count</c> and the next page in a
/// <c>Link: &lt;…&gt;; rel="next"</c> header. A limit above the endpoint's maximum is refused with 400, not cut short,
/// so a client never mistakes a clipped page for the whole list.
/// </summary>
public readonly record struct Page(int Offset, int Limit)
{
    public const string TotalHeader = "X-Total-Count";

    /// <summary>The page asked for, or the 400 saying why it cannot be served.</summary>
    public static (Page Page, IResult? Refusal) Read(int? limit, int? offset, int defaultLimit, int maxLimit)
    {
        var size = limit ?? defaultLimit;
        if (size < 1 || size > maxLimit)
            return (default, Refuse("limit", $"limit must be between 1 and {maxLimit} here (it was {size}); ask for more pages instead: offset=…, or follow the Link header's next page.", maxLimit));
        if (offset is < 0)
            return (default, Refuse("offset", $"offset cannot be negative (it was {offset}).", maxLimit));
        return (new Page(offset ?? 0, size), null);
    }

    public IEnumerable<T> Of<T>(IEnumerable<T> ordered) => ordered.Skip(Offset).Take(Limit);

    /// <summary>This page of a Marten query, counted before the cut and described in the answer's headers.</summary>
    public async Task<IReadOnlyList<T>> OfAsync<T>(IQueryable<T> filtered, Func<IQueryable<T>, IOrderedQueryable<T>> order, HttpContext http, CancellationToken ct) where T : notnull
    {
        var total = await filtered.CountAsync(ct);
        var rows = await order(filtered).Skip(Offset).Take(Limit).ToListAsync(ct);
        Describe(http, total, rows.Count);
        return rows;
    }

    /// <summary>Names the total and, when there is more, the next page (this request with the offset moved on).</summary>
    public void Describe(HttpContext http, long total, int returned)
    {
        http.Response.Headers[TotalHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Offset + returned >= total || returned == 0) return;
        var query = QueryHelpers.ParseQuery(http.Request.QueryString.Value);
        query["offset"] = (Offset + returned).ToString(System.Globalization.CultureInfo.InvariantCulture);
        query["limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var next = QueryHelpers.AddQueryString(http.Request.PathBase + http.Request.Path,
            query.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
        http.Response.Headers.Link = new StringValues($"<{next}>; rel=\"next\"");
    }

    static IResult Refuse(string parameter, string detail, int maxLimit) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Page out of range", detail: detail,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter, ["maxLimit"] = maxLimit });
}

/// <summary>A list's filter by an enumeration, named in any case ("assigned", "Assigned"); an unknown value is a 400 naming the choices.</summary>
public static class Filter
{
    public static IResult? Parse<T>(string parameter, string? value, out T? parsed) where T : struct, Enum
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Enum.TryParse<T>(value.Replace("-", ""), ignoreCase: true, out var v) && Enum.IsDefined(v))
        {
            parsed = v;
            return null;
        }
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown filter value",
            detail: $"{parameter} '{value}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.",
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
    }
}
