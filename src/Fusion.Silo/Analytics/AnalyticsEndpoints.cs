using System.Text.Json;
using Fusion.Projections.Formats;
using Fusion.Projections.Projection;
using Fusion.Projections.Queries;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;

namespace Fusion.Silo.Analytics;

public sealed record QueryParameterView(string Name, string Type, bool Required, string? Default, string Description, IReadOnlyList<string>? Choices, long? Min, long? Max);
public sealed record NamedQueryView(string Name, string Title, string Description, IReadOnlyList<QueryParameterView> Parameters, string Url);
public sealed record SqlRequest(string? Sql);
public sealed record AnalyticsStatusView(long LastSequence, long Lag, string File, int SchemaVersion, RebuildStatus? Rebuild,
    string State, int Parked, bool Stalled, string? Failure);

public static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics");

        group.MapGet("/queries", () => NamedQueries.All.Select(View))
            .WithSummary("The named analytical queries and their parameters")
            .RequireAuthorization(Policies.Analyst);

        group.MapGet("/queries/{name}", (string name, HttpContext http, AnalyticsQueryRunner runner, PlatformClock clock) =>
                RunAsync(http, runner, () => NamedQueries.Get(name).Bind(
                    http.Request.Query.Where(q => q.Key != "format").ToDictionary(q => q.Key, q => (string?)q.Value.ToString()),
                    DateOnly.FromDateTime(clock.Now.ToOffset(TimeSpan.FromHours(8)).DateTime)), name))
            .WithSummary("Runs a named query: parameters in the query string; JSON, CSV, Arrow IPC stream or Parquet by Accept or ?format=")
            .Sensitive("an analytics query or export")
            .RequireAuthorization(Policies.Analyst);

        group.MapPost("/sql", async (HttpContext http, AnalyticsQueryRunner runner, Ingest.BodyLimits limits) =>
            {
                var (body, refusal) = await Ingest.BodyLimits.ReadAsync(http.Request, limits.Sql, nameof(Ingest.BodyLimits.Sql), http.RequestAborted);
                if (refusal is not null) return refusal;
                // Read within the run, so a body that is not the request asked for is a 400 like any other bad query.
                return await RunAsync(http, runner, () => runner.CheckSql(SqlOf(http.Request, body!)), "sql");
            })
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .Accepts<SqlRequest>("application/json", "text/plain")
            .WithSummary("Runs one read-only SELECT (no file, network or extension access; time and row limits); same formats as the named queries")
            .Sensitive("analytics SQL", hashBody: true)
            .RequireAuthorization(Policies.Analyst);

        group.MapGet("/status", (AnalyticsProjector projector, AnalyticsMetrics metrics, Parking.Consumers consumers) =>
            {
                var c = consumers.Get(AnalyticsSubscription.SubscriptionId);
                return new AnalyticsStatusView(projector.LastSequence, metrics.Lag(projector.LastSequence), projector.Database.Path, projector.Database.SchemaVersion(), projector.Rebuild,
                    c?.State ?? "NotStarted", c?.Parked ?? 0, c?.Stalled ?? false, c?.Failure);
            })
            .WithSummary("The analytics file's checkpoint, lag behind the store (from the daemon's high-water mark), the subscription's state, parked events and the last rebuild")
            .RequireAuthorization(Policies.Staff);

        group.MapPost("/rebuild", (AnalyticsRebuild rebuild) =>
                rebuild.TryStart()
                    ? Results.Accepted("/api/analytics/rebuild", rebuild.Status)
                    : Results.Problem(statusCode: 409, title: "Rebuild already running", detail: "A rebuild of the analytics file is already running; follow it at GET /api/analytics/rebuild."))
            .WithSummary("Rebuilds the DuckDB file from the event store in the background, then switches over; queries keep working meanwhile")
            .RequireAuthorization(Policies.Admin);

        group.MapGet("/rebuild", (AnalyticsRebuild rebuild) => rebuild.Status is { } s ? Results.Ok(s) : Results.NoContent())
            .WithSummary("Progress of the running or last rebuild")
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    static NamedQueryView View(NamedQuery q) => new(q.Name, q.Title, q.Description,
        q.Parameters.Select(p => new QueryParameterView(p.Name, p.Type.ToString().ToLowerInvariant(), p.Required, p.Default, p.Description, p.Choices, p.Min, p.Max)).ToList(),
        $"/api/analytics/queries/{q.Name}");

    static string? SqlOf(HttpRequest request, byte[] raw)
    {
        var body = System.Text.Encoding.UTF8.GetString(raw);
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true) return body;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sql", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()
                : throw AnalyticsQueryException.BadRequest("Send {\"sql\": \"SELECT …\"} as JSON, or the SQL itself as text/plain.");
        }
        catch (JsonException e)
        {
            throw AnalyticsQueryException.BadRequest($"The body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Binding and planning problems become a 4xx before anything is written; the rows then stream.</summary>
    static async Task<IResult> RunAsync(HttpContext http, AnalyticsQueryRunner runner, Func<BoundQuery> bind, string fileName)
    {
        QueryRun run;
        try
        {
            var format = ResultFormats.Negotiate(http.Request.Query["format"].ToString() is { Length: > 0 } f ? f : null, http.Request.Headers.Accept.ToString());
            run = await runner.StartAsync(bind(), format, http.RequestAborted);
        }
        catch (AnalyticsQueryException e)
        {
            return Problem(e, http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;   // the client went away; its query was interrupted
        }
        using (run)
        {
            http.Response.ContentType = run.ContentType;
            http.Response.Headers["X-Row-Limit"] = runner.Limits.MaxRows.ToString();
            if (run.Format != ResultFormat.Json)
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.{ResultFormats.Extension(run.Format)}\"";
            try
            {
                await run.WriteToAsync(http.Response.Body, http.RequestAborted);
            }
            catch (AnalyticsQueryException e) when (!http.Response.HasStarted)
            {
                return Problem(e, http);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                return Results.Empty;
            }
            catch (Exception) when (http.Response.HasStarted)
            {
                // Too late for a status: cut the response so the client sees it is incomplete.
                http.Abort();
            }
        }
        return Results.Empty;
    }

    static IResult Problem(AnalyticsQueryException e, HttpContext http)
    {
        if (e.Problem == QueryProblem.Busy)
        {
            var seconds = http.RequestServices.GetRequiredService<IConfiguration>().GetValue("Fusion:RetryAfterSeconds", 5);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: 503, title: "Analytics busy", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["dependency"] = "analytics", ["retryAfterSeconds"] = seconds });
        }
        return Problem(e);
    }

    static IResult Problem(AnalyticsQueryException e) => e.Problem switch
    {
        QueryProblem.Forbidden => Results.Problem(statusCode: 403, title: "Refused", detail: e.Message),
        QueryProblem.NotFound => Results.Problem(statusCode: 404, title: "Unknown query", detail: e.Message),
        QueryProblem.TooLong => Results.Problem(statusCode: 422, title: "Query time limit exceeded", detail: e.Message),
        _ => Results.Problem(statusCode: 400, title: "Bad query", detail: e.Message),
    };
}
