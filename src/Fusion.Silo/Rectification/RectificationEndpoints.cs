using Fusion.Domain;
using Fusion.Domain.Rectification;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Rectification;

public sealed record CaseDetail(RectificationCase Case, IReadOnlyList<HistoryEntry> History);

public sealed record PlanBody(string Plan, string By);
public sealed record NoteBody(string By, string? Note = null);
public sealed record ReasonBody(string Reason, string By);
public sealed record ReportBody(string Report, string By);
public sealed record ExtensionBody(DateOnly Deadline, string Reason, string By);

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
            .WithSummary($"Rectification cases, soonest due first; filters: status, commissioner (overseeing the case's region), region (its parks included), enterprise, overdue; " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        group.MapGet("/{id}", async (string id, IDocumentStore store, CancellationToken ct) =>
            {
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Case(id), ct);
                if (history.Count == 0) return Results.Problem(statusCode: 404, title: "Unknown case", detail: $"There is no rectification case '{id}'.");
                return Results.Ok(new CaseDetail(RectificationCase.Fold(history.Select(e => e.Data))!, history));
            })
            .Produces<CaseDetail>()
            .WithSummary("One case with its full history (every event of its stream, oldest first)")
            .RequireAuthorization(Policies.Staff);

        Command<PlanBody>(group, "plan", "The enterprise submits its rectification plan", (b, now) => new SubmitPlan(b.Plan, b.By, now));
        Command<NoteBody>(group, "plan/accept", "The plan is accepted: work begins", (b, now) => new AcceptPlan(b.Note, b.By, now));
        Command<ReasonBody>(group, "plan/return", "The plan is sent back with the reason", (b, now) => new ReturnPlan(b.Reason, b.By, now));
        Command<ReportBody>(group, "completion", "The work is reported complete (the case stays open until verified)", (b, now) => new ReportComplete(b.Report, b.By, now));
        Command<NoteBody>(group, "verify", "Completion verified on site: the case closes, and with it the finding's risk signal", (b, now) => new VerifyCompletion(b.Note, b.By, now));
        Command<ReasonBody>(group, "reject", "Reported completion not found on site: the case is reopened", (b, now) => new RejectCompletion(b.Reason, b.By, now));
        Command<ExtensionBody>(group, "extend", "The deadline is extended, with the reason", (b, now) => new ExtendDeadline(b.Deadline, b.Reason, b.By, now));
        return app;
    }

    static void Command<TBody>(RouteGroupBuilder group, string path, string summary, Func<TBody, DateTimeOffset, CaseCommand> command) =>
        group.MapPost($"/{{id}}/{path}", async (string id, TBody body, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                await using (var query = store.QuerySession())
                    if (await query.LoadAsync<RectificationCase>(id, ct) is null)
                        return Results.Problem(statusCode: 404, title: "Unknown case", detail: $"There is no rectification case '{id}'.");
                var (state, _) = await RectificationCases.ExecuteAsync(store, id, command(body, clock.Now), ct);
                return Results.Ok(state);
            })
            .Produces<RectificationCase>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary(summary)
            .RequireAuthorization(Policies.CaseWork);
}
