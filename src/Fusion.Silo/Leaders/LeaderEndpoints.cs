using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Common;
using Fusion.Domain.Leaders;
using Fusion.Domain.MasterData;
using Fusion.Domain.Rectification;
using Fusion.Domain.Warnings;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using JasperFx.Events;
using Marten;

namespace Fusion.Silo.Leaders;

/// <summary>An assignment as the API shows it: the area (its name), the level, and its dates (From null: since records began).</summary>
public sealed record AssignmentView(string AreaId, string? AreaName, string? Level, DateTimeOffset? From, DateTimeOffset? Until, DateTimeOffset RecordedAt);

public sealed record LeaderSummary(string LeaderId, string Name, string Title, string? Level, string? AreaId, string? AreaName, int Assignments);

/// <summary>A leader's record: who they are, the area they answer for now (null once their assignment ended), every assignment, their visits.</summary>
public sealed record LeaderDetail(string LeaderId, string Name, string Title, string? Level, string? AreaId, string? AreaName, string? Phone, string? Email,
    IReadOnlyList<AssignmentView> Assignments, IReadOnlyList<LeaderVisit> Visits);

public sealed record CommissionerDetail(string CommissionerId, string Name, string? RegionId, string? Phone, string? Email, IReadOnlyList<AssignmentView> Assignments);

/// <summary>Kind: stay (蹲点) or inspection; EnterpriseId or RegionId names the place; To defaults to From (one day).</summary>
public sealed record VisitBody(string VisitId, string Kind, DateOnly From, string Purpose, DateOnly? To = null, string? EnterpriseId = null, string? RegionId = null,
    string? Observations = null, string? By = null);

/// <summary>Who answered for an enterprise at a moment: each stage of the chain a warning climbs.</summary>
public sealed record ResponsibleView(string EnterpriseId, string RegionId, DateTimeOffset At,
    IReadOnlyList<WarningRecipient> AreaLeaders, IReadOnlyList<WarningRecipient> Commissioners, IReadOnlyList<WarningRecipient> Prefecture);

/// <summary>Responsibility over time (measures 1 and 7): leaders' and commissioners' assignments, visits and duty reports.</summary>
public static class LeaderEndpoints
{
    public const int DefaultPageSize = 200;
    public const int MaxPageSize = 1000;

    public static readonly Type[] EventTypes = [typeof(LeaderVisitLogged)];

    public static IEndpointRouteBuilder MapLeaderEndpoints(this IEndpointRouteBuilder app)
    {
        var leaders = app.MapGroup("/api/leaders").WithTags("Responsibility");

        leaders.MapGet("/", (MasterDataCache cache, PlatformClock clock, HttpContext http, string? area, int? limit, int? offset) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var catalog = cache.Current;
                var now = clock.Now;
                var listed = catalog.Leaders.Values
                    .Select(l => (Leader: l, Now: l.At(now)))
                    .Where(x => area is null || x.Now?.AreaId == area)
                    .OrderBy(x => x.Leader.LeaderId, StringComparer.Ordinal).ToList();
                var rows = page.Of(listed).Select(x => new LeaderSummary(x.Leader.LeaderId, x.Leader.Name, x.Leader.Title, x.Now?.Level.ToString(), x.Now?.AreaId,
                    AreaName(catalog, x.Now?.AreaId), x.Leader.Tenures.Count)).ToList();
                page.Describe(http, listed.Count, rows.Count);
                return Results.Ok(rows);
            })
            .Produces<IReadOnlyList<LeaderSummary>>()
            .ProducesProblem(400)
            .WithSummary($"Leaders (分片包干) with the area each answers for now (none once their assignment ended); area= filters; pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), " +
                         "the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        leaders.MapGet("/{id}", async (string id, MasterDataCache cache, PlatformClock clock, IQuerySession session, HttpContext http, CancellationToken ct) =>
            {
                var catalog = cache.Current;
                if (catalog.Leaders.GetValueOrDefault(id) is not { } leader) return UnknownLeader(id);
                MayRead(http, catalog, leader, clock.Now);
                var visits = LeaderVisits.Fold((await session.Events.FetchStreamAsync(Streams.Leader(id), token: ct)).Select(e => e.Data));
                var now = leader.At(clock.Now);
                return Results.Ok(new LeaderDetail(leader.LeaderId, leader.Name, leader.Title, now?.Level.ToString(), now?.AreaId, AreaName(catalog, now?.AreaId),
                    leader.Phone, leader.Email, Views(catalog, leader.Tenures), [.. visits.OrderByDescending(v => v.From).ThenBy(v => v.VisitId, StringComparer.Ordinal)]));
            })
            .Produces<LeaderDetail>()
            .ProducesProblem(403)
            .ProducesProblem(404)
            .WithSummary("A leader's record: the area they answer for now, every assignment with its dates (assigned, reassigned, ended) and their visits (蹲点 stays and inspections); " +
                         "a leader or commissioner reads their own and those of leaders in their areas")
            .RequireAuthorization(Policies.Staff);

        leaders.MapPost("/{id}/visits", async (string id, VisitBody body, MasterDataCache cache, PlatformClock clock, IDocumentStore store, HttpContext http, CancellationToken ct) =>
            {
                var catalog = cache.Current;
                if (catalog.Leaders.GetValueOrDefault(id) is not { } leader) return UnknownLeader(id);
                var by = http.Actor(body.By);
                OnlyThemselves(http, id);
                var command = Command(id, body, by, catalog, clock.Now);
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchStreamAsync(Streams.Leader(id), token: ct);
                var events = LeaderVisits.Decide(command, leader, LeaderVisits.Fold(stream.Select(e => e.Data)), catalog);
                if (events.Length > 0)
                {
                    session.Events.Append(Streams.Leader(id), stream.Count + events.Length, events.Cast<object>().ToArray());
                    try { await session.SaveChangesAsync(ct); }
                    catch (Exception e) when (e is EventStreamUnexpectedMaxEventIdException || e.InnerException is EventStreamUnexpectedMaxEventIdException)
                    {
                        throw new TransitionRefused($"leader '{id}''s record changed while the visit was being logged; log it again.");
                    }
                }
                var visit = LeaderVisits.Fold(stream.Select(e => e.Data).Concat(events)).Single(v => v.VisitId == command.VisitId);
                return Results.Ok(visit);
            })
            .Accepts<VisitBody>("application/json")
            .Produces<LeaderVisit>()
            .ProducesProblem(403)
            .ProducesProblem(404)
            .ProducesProblem(409)
            .ProducesProblem(422)
            .WithSummary("Log a leader's visit: {visitId, kind: stay (蹲点) | inspection, from, to?, enterpriseId | regionId, purpose, observations?}; the same visit again is no change; " +
                         "409 when the leader held no assignment on that day or the visit id was used for another visit; a leader logs their own visits (the token's person)")
            .RequireAuthorization(Policies.Leader);

        leaders.MapGet("/{id}/duty-report", async (string id, int? year, MasterDataCache cache, PlatformClock clock, IQuerySession session, HttpContext http, CancellationToken ct) =>
            {
                var catalog = cache.Current;
                if (catalog.Leaders.GetValueOrDefault(id) is not { } leader) return UnknownLeader(id);
                MayRead(http, catalog, leader, clock.Now);
                var thisYear = clock.Now.ToOffset(TimeSpan.FromHours(8)).Year;
                var y = year ?? thisYear;
                if (y < 2000 || y > thisYear)
                    return Results.Problem(statusCode: 400, title: "Year out of range", detail: $"year must be between 2000 and {thisYear} (it was {y}).");
                return Results.Ok(await DutyReportAsync(session, catalog, leader, y, ct));
            })
            .Produces<DutyReport>()
            .ProducesProblem(400)
            .ProducesProblem(403)
            .ProducesProblem(404)
            .WithSummary("A leader's yearly environmental duty report (述职), generated from the record: the areas they answered for, the warnings that reached them and how fast they " +
                         "acknowledged them, the rectification cases opened and closed in their areas while they answered for them, and their visits; year= (Beijing calendar year, default this one)")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/commissioners/{id}", (string id, MasterDataCache cache, PlatformClock clock, HttpContext http) =>
            {
                var catalog = cache.Current;
                if (catalog.Commissioners.GetValueOrDefault(id) is not { } commissioner)
                    return Results.Problem(statusCode: 404, title: "Unknown commissioner", detail: $"There is no commissioner '{id}'.");
                var now = commissioner.At(clock.Now);
                if (!Own(http, id))
                    http.RequireArea(http.Areas(), null, now?.RegionId ?? commissioner.RegionId, $"Commissioner '{id}'");
                return Results.Ok(new CommissionerDetail(commissioner.CommissionerId, commissioner.Name, now?.RegionId, commissioner.Phone, commissioner.Email,
                    Views(catalog, commissioner.Tenures)));
            })
            .WithTags("Responsibility")
            .Produces<CommissionerDetail>()
            .ProducesProblem(403)
            .ProducesProblem(404)
            .WithSummary("An inspection commissioner (督察专员): the region they oversee now and every assignment with its dates")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/enterprises/{id}/responsible", (string id, DateTimeOffset? at, MasterDataCache cache, PlatformClock clock, HttpContext http) =>
            {
                var catalog = cache.Current;
                if (catalog.Enterprises.GetValueOrDefault(id) is not { } enterprise)
                    return Results.Problem(statusCode: 404, title: "Unknown enterprise", detail: $"There is no enterprise '{id}'.");
                http.RequireArea(http.Areas(), id, enterprise.RegionId, $"Enterprise '{id}'");
                var moment = at ?? clock.Now;
                var chain = Responsibility.Chain(catalog, id, enterprise.RegionId, moment);
                return Results.Ok(new ResponsibleView(id, enterprise.RegionId, moment, chain[0], chain[1], chain[2]));
            })
            .WithTags("Responsibility")
            .Produces<ResponsibleView>()
            .ProducesProblem(403)
            .ProducesProblem(404)
            .WithSummary("Who answered for an enterprise at a moment (at=, e.g. 2026-03-01T00:00:00+08:00; default now): its leaders, the region's commissioners and the prefecture's " +
                         "leaders, by the assignments in force then — the chain a warning raised then would climb")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    /// <summary>The year's report: warnings raised in the leader's areas (all, for a prefecture leader) that year, and cases open in them during it.</summary>
    static async Task<DutyReport> DutyReportAsync(IQuerySession session, MasterDataCatalog catalog, Leader leader, int year, CancellationToken ct)
    {
        var (start, end) = DutyReport.YearOf(year);
        var tenures = leader.Tenures.Where(t => t.Overlaps(start, end)).ToList();
        var scopes = tenures.Select(t => AreaScope.OfTenure(t, catalog)).ToList();
        var everywhere = scopes.Any(s => s.Prefecture);
        var regions = scopes.SelectMany(s => s.Regions).Distinct().ToArray();
        var enterprises = scopes.SelectMany(s => s.Enterprises).Distinct().ToArray();

        var warnings = session.Query<WarningView>().Where(w => w.UpdatedAt >= start && w.RaisedAt < end);
        var cases = session.Query<RectificationCase>().Where(c => c.OpenedAt < end && (c.VerifiedAt == null || c.VerifiedAt >= start));
        if (!everywhere)
        {
            // Warnings of other areas reach a leader only by escalation to the prefecture, which area leaders are not.
            warnings = warnings.Where(w => w.RegionId.IsOneOf(regions) || w.EnterpriseId.IsOneOf(enterprises));
            cases = cases.Where(c => c.RegionId.IsOneOf(regions) || c.EnterpriseId.IsOneOf(enterprises));
        }
        var visits = LeaderVisits.Fold((await session.Events.FetchStreamAsync(Streams.Leader(leader.LeaderId), token: ct)).Select(e => e.Data));
        return DutyReport.Build(leader, year, tenures.Count == 0 ? [] : await warnings.ToListAsync(ct), tenures.Count == 0 ? [] : await cases.ToListAsync(ct), visits, catalog);
    }

    static LogVisit Command(string id, VisitBody body, string by, MasterDataCatalog catalog, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(body.VisitId) || body.VisitId.Length > 100)
            throw new DomainRejected("'visitId' is required (at most 100 characters): the visit's own reference, so logging it twice is no change");
        if (string.IsNullOrWhiteSpace(body.Purpose) || body.Purpose.Length > 2000)
            throw new DomainRejected("'purpose' is required (at most 2,000 characters)");
        if (body.Observations is { Length: > 8000 }) throw new DomainRejected("'observations' is at most 8,000 characters");
        // An omitted day binds as 0001-01-01, which no leader's assignment reaches back to.
        if (body.From.Year < 2000) throw new DomainRejected($"'from' is required: the day visit '{body.VisitId}' began, as yyyy-MM-dd (it was {(body.From == default ? "missing" : body.From.ToString("yyyy-MM-dd"))})");
        var kind = body.Kind?.Trim().ToLowerInvariant() switch
        {
            "stay" or "蹲点" => VisitKind.Stay,
            "inspection" or "检查" => VisitKind.Inspection,
            _ => throw new DomainRejected($"'kind' is '{body.Kind}'; it should be stay (蹲点) or inspection"),
        };
        string regionId;
        if (body.EnterpriseId is { Length: > 0 } enterpriseId)
        {
            if (catalog.Enterprises.GetValueOrDefault(enterpriseId) is not { } enterprise) throw new DomainRejected($"enterprise '{enterpriseId}' of visit '{body.VisitId}' is not registered");
            regionId = enterprise.RegionId;
        }
        else if (body.RegionId is { Length: > 0 } region && catalog.Regions.ContainsKey(region)) regionId = region;
        else throw new DomainRejected($"visit '{body.VisitId}' needs the place: 'enterpriseId' or 'regionId', registered in master data (it had '{body.RegionId}')");
        return new LogVisit(body.VisitId.Trim(), id, kind, body.EnterpriseId is { Length: > 0 } ? body.EnterpriseId : null, regionId, body.From, body.To ?? body.From,
            body.Purpose.Trim(), body.Observations, by, now);
    }

    /// <summary>Whether the token names this person (its person claim).</summary>
    static bool Own(HttpContext http, string personId)
    {
        var claim = http.RequestServices.GetRequiredService<AuthOptions>().PersonClaim;
        return http.User.FindAll(claim).SelectMany(c => c.Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)).Contains(personId, StringComparer.Ordinal);
    }

    /// <summary>A token naming a person may log only that person's visits; a token naming nobody acts under its name.</summary>
    static void OnlyThemselves(HttpContext http, string leaderId)
    {
        var claim = http.RequestServices.GetRequiredService<AuthOptions>().PersonClaim;
        if (!http.User.FindAll(claim).Any() || Own(http, leaderId)) return;
        var detail = $"The token is {http.User.Identity?.Name ?? "someone else"}'s, not leader '{leaderId}''s: a leader logs their own visits.";
        http.NoteRefusal(StatusCodes.Status403Forbidden, detail);
        throw new AccessRefused("Someone else's visits", detail);
    }

    /// <summary>A leader's file is the leader's own, or read by one whose areas cover the area the leader answers for now.</summary>
    static void MayRead(HttpContext http, MasterDataCatalog catalog, Leader leader, DateTimeOffset now)
    {
        var scope = http.Areas();
        if (scope.Prefecture || Own(http, leader.LeaderId)) return;
        var area = (leader.At(now) ?? leader).AreaId;
        var enterprise = catalog.Enterprises.GetValueOrDefault(area);
        http.RequireArea(scope, enterprise?.EnterpriseId, enterprise?.RegionId ?? area, $"Leader '{leader.LeaderId}'");
    }

    static IReadOnlyList<AssignmentView> Views(MasterDataCatalog catalog, IEnumerable<Tenure> tenures) =>
        [.. tenures.Select(t => new AssignmentView(t.AreaId, AreaName(catalog, t.AreaId), t.Level?.ToString(), t.From, t.Until, t.RecordedAt))];

    static string? AreaName(MasterDataCatalog catalog, string? areaId) =>
        areaId is null ? null : catalog.Regions.GetValueOrDefault(areaId)?.Name ?? catalog.Enterprises.GetValueOrDefault(areaId)?.Name;

    static IResult UnknownLeader(string id) => Results.Problem(statusCode: 404, title: "Unknown leader", detail: $"There is no leader '{id}'.");
}
