using Fusion.Domain;
using Fusion.Domain.Advisory;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Advisory;

public sealed record ProblemBody(string ProblemId, string EnterpriseId, string Violation, string Severity, DateOnly RectifyBy, string? SiteId = null);

/// <summary>Provider: expert (参事) or steward (环保管家); the place: enterpriseId, or regionId (a park or region).</summary>
public sealed record ServiceVisitBody(string VisitId, string Provider, string ProviderId, DateTimeOffset VisitedAt, string Summary,
    IReadOnlyList<ProblemBody>? Problems = null, string? EnterpriseId = null, string? RegionId = null, string? By = null);

/// <summary>Expert advisers (参事) and environmental stewards (环保管家) (measure 2): who they are and their service visits.</summary>
public static class AdvisoryEndpoints
{
    public const int DefaultPageSize = 200;
    public const int MaxPageSize = 1000;

    public static readonly Type[] EventTypes = [typeof(ServiceVisitRecorded)];

    public static IEndpointRouteBuilder MapAdvisoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/experts", (MasterDataCache cache, HttpContext http, int? limit, int? offset) =>
                List(cache.Current.Experts.Values.OrderBy(e => e.ExpertId, StringComparer.Ordinal).ToList(), http, limit, offset))
            .WithTags("Experts and stewards")
            .Produces<IReadOnlyList<Expert>>()
            .ProducesProblem(400)
            .WithSummary($"The prefecture's expert advisers (参事) with their fields; pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset)")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/stewards", (MasterDataCache cache, HttpContext http, int? limit, int? offset) =>
                List(cache.Current.Stewards.Values.OrderBy(s => s.StewardId, StringComparer.Ordinal).ToList(), http, limit, offset))
            .WithTags("Experts and stewards")
            .Produces<IReadOnlyList<Steward>>()
            .ProducesProblem(400)
            .WithSummary($"The environmental steward providers (环保管家) with the parks and enterprises each serves; pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset)")
            .RequireAuthorization(Policies.Staff);

        var visits = app.MapGroup("/api/service-visits").WithTags("Experts and stewards");

        visits.MapPost("/", async (ServiceVisitBody body, HttpContext http, MasterDataCache cache, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                var command = Command(body, by, clock.Now);
                await using var session = store.LightweightSession();
                var stream = Streams.ServiceVisit(command.VisitId);
                var state = (await session.Events.FetchStreamAsync(stream, token: ct)).Select(e => e.Data).Aggregate((ServiceVisit?)null, ServiceVisit.Apply);
                var events = ServiceVisits.Decide(command, state, cache.Current);
                if (events.Length > 0)
                {
                    // The visit and the findings it opens in one transaction; a stream already there means the same visit was recorded meanwhile.
                    session.Events.StartStream(stream, events[0]);
                    foreach (var finding in events.Skip(1).OfType<Fusion.Domain.Inspections.InspectionFindingRecorded>())
                        session.Events.StartStream(Streams.InspectionFinding(finding.FindingId), finding);
                    state = ServiceVisit.Apply(null, events[0]);
                    session.Store(state!);
                    try { await session.SaveChangesAsync(ct); }
                    catch (Exception e) when (e.GetType().Name.Contains("ExistingStreamIdCollision") || e.InnerException?.GetType().Name.Contains("ExistingStreamIdCollision") == true)
                    {
                        throw new TransitionRefused($"service visit '{command.VisitId}' or one of its findings was recorded meanwhile; read it again.");
                    }
                }
                return Results.Ok(state);
            })
            .Accepts<ServiceVisitBody>("application/json")
            .Produces<ServiceVisit>()
            .ProducesProblem(409)
            .ProducesProblem(422)
            .WithSummary("Record an expert's (参事) or steward's (环保管家) service visit to a park or enterprise: {visitId, provider: expert | steward, providerId, enterpriseId | regionId, visitedAt, summary, " +
                         "problems: [{problemId, enterpriseId, siteId?, violation, severity, rectifyBy}]}; each problem becomes an inspection finding (id visitId.problemId) that opens a " +
                         "rectification case and weighs in the enterprise's risk; the same visit again is no change; recorded under the token's name")
            .RequireAuthorization(Policies.Inspector);

        visits.MapGet("/", async (IQuerySession session, HttpContext http, string? provider, string? region, string? enterprise, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var q = session.Query<ServiceVisit>().AsQueryable();
                if (http.Areas() is { Prefecture: false } areas)
                {
                    var (regions, enterprises) = (areas.Regions.ToArray(), areas.Enterprises.ToArray());
                    q = q.Where(v => v.RegionId.IsOneOf(regions) || v.EnterpriseId.IsOneOf(enterprises));
                }
                if (provider is { Length: > 0 }) q = q.Where(v => v.ProviderId == provider);
                if (region is { Length: > 0 }) q = q.Where(v => v.RegionId == region);
                if (enterprise is { Length: > 0 }) q = q.Where(v => v.EnterpriseId == enterprise);
                return Results.Ok(await page.OfAsync(q, x => x.OrderByDescending(v => v.VisitedAt).ThenBy(v => v.Id), http, ct));
            })
            .Produces<IReadOnlyList<ServiceVisit>>()
            .ProducesProblem(400)
            .WithSummary($"Service visits, newest first; filters: provider (expert or steward id), region, enterprise; a leader or commissioner sees their own areas' only; pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset)")
            .RequireAuthorization(Policies.Staff);

        visits.MapGet("/{id}", async (string id, IQuerySession session, HttpContext http, CancellationToken ct) =>
            {
                if (await session.LoadAsync<ServiceVisit>(id, ct) is not { } visit)
                    return Results.Problem(statusCode: 404, title: "Unknown service visit", detail: $"There is no service visit '{id}'.");
                http.RequireArea(http.Areas(), visit.EnterpriseId, visit.RegionId, $"Service visit '{id}'");
                return Results.Ok(visit);
            })
            .Produces<ServiceVisit>()
            .ProducesProblem(403)
            .ProducesProblem(404)
            .WithSummary("One service visit with the findings it opened (their cases: /api/cases/finding-{findingId})")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    static IResult List<T>(IReadOnlyList<T> all, HttpContext http, int? limit, int? offset)
    {
        var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
        if (refusal is not null) return refusal;
        var rows = page.Of(all).ToList();
        page.Describe(http, all.Count, rows.Count);
        return Results.Ok(rows);
    }

    static RecordServiceVisit Command(ServiceVisitBody b, string by, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(b.VisitId) || b.VisitId.Length > 100) throw new DomainRejected("'visitId' is required (at most 100 characters): the visit's own reference");
        if (string.IsNullOrWhiteSpace(b.Summary) || b.Summary.Length > 8000) throw new DomainRejected("'summary' is required (at most 8,000 characters)");
        var kind = b.Provider?.Trim().ToLowerInvariant() switch
        {
            "expert" or "参事" => ProviderKind.Expert,
            "steward" or "环保管家" => ProviderKind.Steward,
            _ => throw new DomainRejected($"'provider' is '{b.Provider}'; it should be expert (参事) or steward (环保管家)"),
        };
        var problems = (b.Problems ?? []).Select((p, i) => p is null ? throw new DomainRejected($"problem {i + 1} of visit '{b.VisitId}' is null; each problem is an object") : new ServiceProblem(
            p.ProblemId ?? throw new DomainRejected("each problem needs 'problemId'"),
            p.EnterpriseId ?? throw new DomainRejected($"problem '{p.ProblemId}' needs 'enterpriseId'"),
            p.SiteId, p.Violation ?? "",
            Enum.TryParse<Severity>(p.Severity, ignoreCase: true, out var severity) && Enum.IsDefined(severity)
                ? severity : throw new DomainRejected($"problem '{p.ProblemId}': severity '{p.Severity}' should be low, medium, high or critical"),
            p.RectifyBy)).ToList();
        return new RecordServiceVisit(b.VisitId.Trim(), kind, b.ProviderId ?? "", b.EnterpriseId is { Length: > 0 } ? b.EnterpriseId : null, b.RegionId,
            b.VisitedAt, b.Summary.Trim(), problems, by, now);
    }
}
