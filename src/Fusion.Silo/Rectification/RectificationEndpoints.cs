using Fusion.Domain;
using Fusion.Domain.Rectification;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Rectification;

public sealed record CaseDetail(RectificationCase Case, IReadOnlyList<HistoryEntry> History);

/// <summary>
/// Who acts is the one the token names; By, kept for older clients, must name the same (Acting.Actor). AsOf: the moment
/// of the data the step was decided on (default: now), recorded with the step's events.
/// </summary>
public interface ICaseBody { string? By { get; } DateTimeOffset? AsOf { get; } }
public sealed record PlanBody(string Plan, string? By = null, DateTimeOffset? AsOf = null) : ICaseBody;
public sealed record NoteBody(string? By = null, string? Note = null, DateTimeOffset? AsOf = null) : ICaseBody;
public sealed record ReasonBody(string Reason, string? By = null, DateTimeOffset? AsOf = null) : ICaseBody;
public sealed record ReportBody(string Report, string? By = null, DateTimeOffset? AsOf = null) : ICaseBody;
public sealed record ExtensionBody(DateOnly Deadline, string Reason, string? By = null, DateTimeOffset? AsOf = null) : ICaseBody;

/// <summary>Rectification cases (measures 3 and 7): list, read with history, and one POST per command.</summary>
public static class RectificationEndpoints
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapRectificationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases").WithTags("Rectification cases");

        group.MapGet("/", async (IDocumentStore store, MasterDataCache masterData, HttpContext http, CaseStatus? status, string? commissioner, string? region, string? enterprise, bool? overdue, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                await using var session = store.QuerySession();
                var query = session.Query<RectificationCase>().AsQueryable();
                if (http.Areas() is { Prefecture: false } areas)
                {
                    var (inRegions, inEnterprises) = (areas.Regions.ToArray(), areas.Enterprises.ToArray());
                    query = query.Where(c => c.RegionId.IsOneOf(inRegions) || c.EnterpriseId.IsOneOf(inEnterprises));
                }
                if (status is { } st) query = query.Where(c => c.Status == st);
                if (overdue is { } od) query = query.Where(c => c.Overdue == od);
                if (enterprise is not null) query = query.Where(c => c.EnterpriseId == enterprise);
                if (commissioner is not null) query = query.Where(c => c.CommissionerIds.Contains(commissioner));
                if (region is not null)
                {
                    var regions = masterData.Current.RegionAndParks(region).ToArray();
                    query = query.Where(c => c.RegionId.IsOneOf(regions));
                }
                return Results.Ok(await page.OfAsync(query, q => q.OrderBy(c => c.DueAt).ThenBy(c => c.Id), http, ct));
            })
            .Produces<IReadOnlyList<RectificationCase>>()
            .ProducesProblem(400)
            .WithSummary($"Rectification cases, soonest due first; filters: status, commissioner (overseeing the case's region), region (its parks included), enterprise, overdue; a leader or commissioner sees their own areas' only; " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        group.MapGet("/{id}", async (string id, DateTimeOffset? asOf, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                if (asOf is { } at && AsOf.Refusal(at, clock) is { } refusal) return refusal;
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Case(id), ct, asOf);
                if (history.Count == 0)
                    return Results.Problem(statusCode: 404, title: "Unknown case", detail: $"There is no rectification case '{id}'{(asOf is null ? "" : $" as of {asOf:yyyy-MM-dd HH:mm:ss zzz}")}.");
                var state = RectificationCase.Fold(history.Select(e => e.Data))!;
                http.RequireArea(http.Areas(), state.EnterpriseId, state.RegionId, $"Case '{id}'");
                return Results.Ok(new CaseDetail(state, history));
            })
            .Produces<CaseDetail>()
            .ProducesProblem(400)
            .ProducesProblem(404)
            .WithSummary("One case with its full history (every event of its stream, oldest first; a step with the view it was decided on); asOf=: the case as it stood then, from the events stored up to that moment")
            .RequireAuthorization(Policies.Staff);

        Command<PlanBody>(group, "plan", "The enterprise submits its rectification plan", (b, by, now) => new SubmitPlan(b.Plan, by, now));
        Command<NoteBody>(group, "plan/accept", "The plan is accepted: work begins", (b, by, now) => new AcceptPlan(b.Note, by, now));
        Command<ReasonBody>(group, "plan/return", "The plan is sent back with the reason", (b, by, now) => new ReturnPlan(b.Reason, by, now));
        Command<ReportBody>(group, "completion", "The work is reported complete (the case stays open until verified)", (b, by, now) => new ReportComplete(b.Report, by, now));
        Command<NoteBody>(group, "verify", "Completion verified on site: the case closes, and with it the finding's risk signal", (b, by, now) => new VerifyCompletion(b.Note, by, now));
        Command<ReasonBody>(group, "reject", "Reported completion not found on site: the case is reopened", (b, by, now) => new RejectCompletion(b.Reason, by, now));
        Command<ExtensionBody>(group, "extend", "The deadline is extended, with the reason", (b, by, now) => new ExtendDeadline(b.Deadline, b.Reason, by, now));
        return app;
    }

    static void Command<TBody>(RouteGroupBuilder group, string path, string summary, Func<TBody, string, DateTimeOffset, CaseCommand> command)
        where TBody : ICaseBody =>
        group.MapPost($"/{{id}}/{path}", async (string id, TBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                await using (var query = store.QuerySession())
                    if (await query.LoadAsync<RectificationCase>(id, ct) is not { } found)
                        return Results.Problem(statusCode: 404, title: "Unknown case", detail: $"There is no rectification case '{id}'.");
                    else http.RequireArea(http.Areas(), found.EnterpriseId, found.RegionId, $"Case '{id}'");
                var view = await DecisionView.TakeAsync(store, body.AsOf, clock, ct);
                var (state, _) = await RectificationCases.ExecuteAsync(store, id, command(body, by, clock.Now), ct, view);
                return Results.Ok(state);
            })
            .Produces<RectificationCase>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary(summary)
            .RequireAuthorization(Policies.CaseWork);
}
