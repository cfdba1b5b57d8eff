using Fusion.Domain;
using Fusion.Domain.Suggestions;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Suggestions;

public sealed record SuggestionDetail(Suggestion Suggestion, bool Overdue, IReadOnlyList<HistoryEntry> History);

// Who acts is the one the token names; By, kept for older clients, must name the same (Acting.Actor).
public sealed record SubmitSuggestionBody(string SuggestionId, string Title, string Content, string ProposerName, SuggestionGroup Group, string RegionId,
    string? Delegation = null, DateOnly? ProposedOn = null, string? By = null);
public sealed record AssignSuggestionBody(string Department, DateOnly? AssignedOn = null, string? By = null);
public sealed record AnswerSuggestionBody(string Answer, string? By = null);

/// <summary>The deputies' channel (measure 10): suggestions submitted, assigned to a department with a response deadline, answered.</summary>
public static class SuggestionEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapSuggestionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/suggestions").WithTags("Deputies' suggestions");

        api.MapGet("/", async (IDocumentStore store, HttpContext http, string? status, string? group, string? region, bool? overdue,
                MasterDataCache masterData, PlatformClock clock, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                if (Filter.Parse<SuggestionStatus>("status", status, out var byStatus) is { } badStatus) return badStatus;
                if (Filter.Parse<SuggestionGroup>("group", group, out var byGroup) is { } badGroup) return badGroup;
                await using var session = store.QuerySession();
                var query = session.Query<Suggestion>().AsQueryable();
                if (byStatus is { } s) query = query.Where(x => x.Status == s);
                if (byGroup is { } g) query = query.Where(x => x.Group == g);
                if (region is not null)
                {
                    var regions = masterData.Current.RegionAndParks(region).ToArray();
                    query = query.Where(x => x.RegionId.IsOneOf(regions));
                }
                if (overdue is { } od)
                {
                    // Overdue: assigned, not answered, and the day after its deadline has begun in Beijing.
                    var now = clock.Now;
                    query = od ? query.Where(x => x.Status == SuggestionStatus.Assigned && x.DueAt <= now)
                        : query.Where(x => x.Status != SuggestionStatus.Assigned || x.DueAt > now);
                }
                return Results.Ok(await page.OfAsync(query, q => q.OrderByDescending(x => x.SubmittedAt).ThenBy(x => x.Id), http, ct));
            })
            .Produces<IReadOnlyList<Suggestion>>()
            .ProducesProblem(400)
            .WithSummary($"Suggestions of deputies, party congress delegates and CPPCC members, newest first; filters: status (submitted, assigned, answered), group, region " +
                         $"(its parks included), overdue; pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        api.MapGet("/{id}", async (string id, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Suggestion(id), ct);
                if (history.Count == 0) return NotFound(id);
                var suggestion = Suggestion.Fold(history.Select(h => h.Data))!;
                return Results.Ok(new SuggestionDetail(suggestion, suggestion.OverdueAt(clock.Now), history));
            })
            .Produces<SuggestionDetail>()
            .ProducesProblem(404)
            .WithSummary("A suggestion with its history; overdue when its response deadline passed without an answer")
            .RequireAuthorization(Policies.Staff);

        api.MapPost("/", async (SubmitSuggestionBody body, HttpContext http, IDocumentStore store, MasterDataCache masterData, PlatformClock clock, CancellationToken ct) =>
            {
                if (!masterData.Current.Regions.ContainsKey(body.RegionId ?? ""))
                    throw new Fusion.Domain.Common.DomainRejected($"Region '{body.RegionId}' is not registered in master data.");
                var (suggestion, _) = await ExecuteAsync(store, body.SuggestionId ?? "", new SubmitSuggestion(body.SuggestionId ?? "", body.Title, body.Content, body.ProposerName,
                    body.Group, body.Delegation, body.RegionId!, body.ProposedOn, http.Actor(body.By), clock.Now), ct);
                return Results.Created($"/api/suggestions/{suggestion!.Id}", suggestion);
            })
            .Produces<Suggestion>(201)
            .ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Registers a suggestion ({suggestionId, title, content, proposerName, group: peoplesCongressDeputy | partyCongressDelegate | cppccMember, " +
                         "delegation?, regionId, proposedOn? (the day it was put forward)}); the same again changes nothing; by the office that receives them (hotline officers)")
            .RequireAuthorization(Policies.HotlineOfficer);

        api.MapPost("/{id}/assign", async (string id, AssignSuggestionBody body, HttpContext http, IDocumentStore store, SuggestionPolicy policy, PlatformClock clock, CancellationToken ct) =>
            {
                await InAreaAsync(http, store, id, ct);
                return Results.Ok((await ExecuteAsync(store, id, new AssignSuggestion(body.Department, body.AssignedOn, http.Actor(body.By), policy, clock.Now), ct)).Suggestion);
            })
            .Produces<Suggestion>()
            .ProducesProblem(403).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Assigns a suggestion to the department that answers it ({department, assignedOn?: the assignment document's day, today when not given}); " +
                         "its response deadline is Suggestions:ResponseDays (90) days on; " +
                         "past it without an answer, the warning rule suggestion-response-overdue warns the region's leaders; a leader, within their areas")
            .RequireAuthorization(Policies.Leader);

        api.MapPost("/{id}/answer", async (string id, AnswerSuggestionBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                await InAreaAsync(http, store, id, ct);
                return Results.Ok((await ExecuteAsync(store, id, new AnswerSuggestion(body.Answer, http.Actor(body.By), clock.Now), ct)).Suggestion);
            })
            .Produces<Suggestion>()
            .ProducesProblem(403).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Records the department's answer ({answer}); late when after the deadline; an overdue warning about it resolves; a leader or commissioner, within their areas")
            .RequireAuthorization(Policies.Oversight);
        return app;
    }

    static async Task InAreaAsync(HttpContext http, IDocumentStore store, string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await session.LoadAsync<Suggestion>(id, ct) is { } suggestion)
            http.RequireArea(http.Areas(), null, suggestion.RegionId, $"Suggestion '{id}'");
    }

    static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "Unknown suggestion", detail: $"There is no suggestion '{id}'.");

    static Task<(Suggestion? Suggestion, object[] Events)> ExecuteAsync(IDocumentStore store, string id, SuggestionCommand command, CancellationToken ct) =>
        StreamDecisions.ExecuteAsync<Suggestion>(store, Streams.Suggestion(id), Suggestion.Apply, state => SuggestionDecider.Decide(command, state), ct);

    public static readonly Type[] EventTypes = [typeof(SuggestionSubmitted), typeof(SuggestionAssigned), typeof(SuggestionAnswered)];
}
