using Fusion.Silo.Hosting;
using Marten;

namespace Fusion.Silo.Security;

public static class AuditEndpoints
{
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", async (IDocumentStore store, string? who, string? role, string? route, string? target, int? status, DateTimeOffset? since, DateTimeOffset? until, int? limit, int? offset, HttpContext http, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, 200, MaxPageSize);
                if (refusal is not null) return refusal;
                await using var session = store.QuerySession();
                var query = session.Query<AuditRecord>().AsQueryable();
                if (who is not null) query = query.Where(a => a.Who == who);
                if (role is not null) query = query.Where(a => a.Roles.Contains(role));
                if (route is not null) query = query.Where(a => a.Route.Contains(route));
                if (target is not null) query = query.Where(a => a.Target.Contains(target));
                if (status is { } code) query = query.Where(a => a.Status == code);
                if (since is { } from) query = query.Where(a => a.At >= from);
                if (until is { } to) query = query.Where(a => a.At < to);
                return Results.Ok(await page.OfAsync(query, q => q.OrderByDescending(a => a.At).ThenByDescending(a => a.Id), http, ct));
            })
            .WithTags("Security")
            .WithSummary($"The audit trail, newest first: every command and sensitive read with who, roles, when, what and from where (never the content); filters who, role, route (part of), target (part of), status (a refusal's 401, 403, 429, an ingest batch's answer), since, until; pages of 200 (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header. Refusals (401, 403, 429, a data logger's wrong PW) and ingest batches (who sent which feed, the counts) carry status and outcome")
            .ProducesProblem(400)
            .Sensitive("the audit trail")
            .RequireAuthorization(Policies.Admin);
        return app;
    }
}
