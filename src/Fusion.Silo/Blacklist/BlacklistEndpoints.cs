using Fusion.Domain;
using Fusion.Domain.Blacklist;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Blacklist;

/// <summary>What the public sees of a listing: no internal evidence.</summary>
public sealed record PublicListing(string Name, string CreditCode, BlacklistReason ReasonCategory, DateTimeOffset ListedFrom, DateTimeOffset ListedUntil);

public sealed record BlacklistDetail(BlacklistRecord Record, bool ListedNow, IReadOnlyList<HistoryEntry> History);

public enum ListingDecision { List, Dismiss }

// Who decides is the one the token names; By, kept for older clients, must name the same (Acting.Actor).
public sealed record DecisionBody(ListingDecision Decision, string? By = null, string? DecisionRef = null, string? Reason = null);
public sealed record DelistBody(string Reason, string DecisionRef, string? By = null);

/// <summary>The blacklist of measure 8: the public list, an enterprise's full record, and the decisions on it.</summary>
public static class BlacklistEndpoints
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapBlacklistEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/blacklist").WithTags("Blacklist");

        group.MapGet("/", async (IDocumentStore store, PlatformClock clock, HttpContext http, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var now = clock.Now;
                await using var session = store.QuerySession();
                // At most one record per enterprise, so the records listed fit in memory; whether a term still runs is decided here.
                var listed = (await session.Query<BlacklistRecord>().Where(r => r.Status == ListingStatus.Listed).ToListAsync(ct))
                    .Where(r => r.ListedAt(now))
                    .Select(r => new PublicListing(r.EnterpriseName, r.Id, r.Current!.ReasonCategory, r.Current.ListedFrom, r.Current.ListedUntil))
                    .OrderByDescending(l => l.ListedFrom).ThenBy(l => l.CreditCode, StringComparer.Ordinal).ToList();
                var shown = page.Of(listed).ToList();
                page.Describe(http, listed.Count, shown.Count);
                return Results.Ok(shown);
            })
            .Produces<IReadOnlyList<PublicListing>>()
            .ProducesProblem(400)
            .WithSummary($"The public blacklist: enterprises listed now, with name, credit code, reason category and the term (no internal evidence); newest first, " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .AllowAnonymous();

        group.MapGet("/proposals", async (IDocumentStore store, HttpContext http, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                await using var session = store.QuerySession();
                return Results.Ok(await page.OfAsync(session.Query<BlacklistRecord>().Where(r => r.Status == ListingStatus.Proposed), q => q.OrderBy(r => r.Id), http, ct));
            })
            .Produces<IReadOnlyList<BlacklistRecord>>()
            .ProducesProblem(400)
            .WithSummary($"Listings proposed because the criteria hold, waiting for a decision, with their evidence; by credit code, pages of {DefaultPageSize} " +
                         $"(limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        group.MapGet("/{enterpriseId}", async (string enterpriseId, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Blacklist(enterpriseId), ct);
                if (history.Count == 0)
                    return Results.Problem(statusCode: 404, title: "No blacklist record", detail: $"Enterprise '{enterpriseId}' has never been proposed for the blacklist.");
                var record = BlacklistRecord.Fold(history.Select(h => h.Data))!;
                return Results.Ok(new BlacklistDetail(record, record.ListedAt(clock.Now), history));
            })
            .Produces<BlacklistDetail>()
            .WithSummary("An enterprise's full blacklist record: proposals with evidence, decisions, terms and their end, and the history")
            .RequireAuthorization(Policies.Staff);

        group.MapPost("/{enterpriseId}/decide", async (string enterpriseId, DecisionBody body, HttpContext http, MasterDataCache masterData, IDocumentStore store, BlacklistPolicy policy, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                InArea(http, masterData, enterpriseId);
                BlacklistCommand command = body.Decision == ListingDecision.List
                    ? new DecideListing(body.DecisionRef ?? "", by, policy, clock.Now)
                    : new DismissProposal(body.Reason ?? "", by, clock.Now);
                return Results.Ok((await BlacklistSetup.ExecuteAsync(store, enterpriseId, command, ct)).Record);
            })
            .Produces<BlacklistRecord>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("The authorised decision on a proposal: list (with decisionRef; the ban runs two years from today) or dismiss (with a reason); recorded under the token's name; 403 outside a leader's or commissioner's areas")
            .RequireAuthorization(Policies.Oversight);

        group.MapPost("/{enterpriseId}/delist", async (string enterpriseId, DelistBody body, HttpContext http, MasterDataCache masterData, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                InArea(http, masterData, enterpriseId);
                return Results.Ok((await BlacklistSetup.ExecuteAsync(store, enterpriseId, new Delist(body.Reason, body.DecisionRef, by, clock.Now), ct)).Record);
            })
            .Produces<BlacklistRecord>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Early delisting: a decision with its reason")
            .RequireAuthorization(Policies.Oversight);
        return app;
    }

    /// <summary>
    /// A leader or commissioner decides on the enterprises of their own areas only (an enterprise master data does not know
    /// has no proposal to decide: the decider says so).
    /// </summary>
    static void InArea(HttpContext http, MasterDataCache masterData, string enterpriseId)
    {
        if (masterData.Current.Enterprises.TryGetValue(enterpriseId, out var enterprise))
            http.RequireArea(http.Areas(), enterpriseId, enterprise.RegionId, $"Enterprise '{enterpriseId}'");
    }
}
