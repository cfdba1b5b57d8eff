using Fusion.Silo.Hosting;
using Marten;

namespace Fusion.Silo.Security;

public sealed record ConnectorKeyRequest(string Name, string[]? Feeds);

public static class ConnectorKeyEndpoints
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapConnectorKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/connector-keys").WithTags("Security").RequireAuthorization(Policies.Admin);

        group.MapPost("/", async (ConnectorKeyRequest body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var issued = await ConnectorKeys.IssueAsync(store, body.Name, body.Feeds ?? [], http.User.Identity?.Name ?? "?", clock.Now, ct);
                return Results.Created($"/api/connector-keys/{issued.Id}", issued);
            })
            .Produces<IssuedConnectorKey>(StatusCodes.Status201Created)
            .ProducesProblem(422)
            .WithSummary("Issues a key for a machine pushing data (X-Api-Key header), limited to the feeds named; the key is shown this once, only its hash is kept");

        group.MapGet("/", async (IDocumentStore store, HttpContext http, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, MaxPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                await using var session = store.QuerySession();
                return Results.Ok((await page.OfAsync(session.Query<ConnectorKey>(), q => q.OrderBy(k => k.IssuedAt).ThenBy(k => k.Id), http, ct)).Select(ConnectorKeyView.Of));
            })
            .ProducesProblem(400)
            .WithSummary($"The connector keys issued, oldest first, with their feeds and whether revoked (never the key itself); pages of up to {MaxPageSize} (offset), " +
                         "the total in X-Total-Count and the next page in the Link header");

        group.MapPost("/{id}/revoke", async (string id, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
                await ConnectorKeys.RevokeAsync(store, id, clock.Now, ct) is { } key
                    ? Results.Ok(ConnectorKeyView.Of(key))
                    : Results.Problem(statusCode: 404, title: "Unknown key", detail: $"No connector key has the id '{id}'."))
            .Produces<ConnectorKeyView>()
            .ProducesProblem(404)
            .WithSummary("Revokes a key: requests carrying it are refused from now on");
        return app;
    }
}
