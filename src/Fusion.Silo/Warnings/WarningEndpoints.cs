using Fusion.Domain;
using Fusion.Domain.Common;
using Fusion.Domain.Warnings;
using Fusion.Silo.Hosting;
using Fusion.Silo.Notifications;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Warnings;

/// <summary>
/// A note on the act; who acts is the one the token names (<c>By</c>, kept for older clients, must name the same). AsOf: the
/// moment of the data the act was decided on (default: now), recorded with it.
/// </summary>
public sealed record WarningAction(string? By = null, string? Note = null, DateTimeOffset? AsOf = null);

/// <summary>An acknowledgement or resolution by a person, and the view it was decided on (read it again with ?asOf=).</summary>
public sealed record DecisionRecord(string Transition, string By, DateTimeOffset At, DecisionView? View);

/// <summary>One notification of the warning to one receiver: every attempt and its outcome.</summary>
public sealed record DeliveryView(string Transition, string Channel, string Target, string Address, string MessageId, string Status,
    IReadOnlyList<DeliveryAttempt> Attempts, DateTimeOffset AppendedAt, DateTimeOffset? DeliveredAt);

/// <summary>A warning, the notifications sent about it, and the decisions taken on it with their views.</summary>
public sealed record WarningDetail(WarningView Warning, IReadOnlyList<DeliveryView> Deliveries, IReadOnlyList<DecisionRecord>? Decisions = null);

/// <summary>A rule in force; LastRun for an analytical rule (when it ran, its outcome, rows or why it was cut short).</summary>
public sealed record RuleView(string Id, string Kind, string Severity, string Subject, string Message, bool AutoResolve,
    TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery, WarningRule Definition, AnalyticalRunDocument? LastRun = null);

public sealed record RulesView(string Path, DateTimeOffset LoadedAt, IReadOnlyList<RuleView> Rules);

public sealed record ReloadView(bool Loaded, IReadOnlyList<string> Errors, RulesView InForce);

public static class WarningEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapWarningEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/warnings").WithTags("Warnings");

        api.MapGet("/", async (IQuerySession session, HttpContext http, string? status, Severity? severity, string? rule, string? region, string? enterprise, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var q = session.Query<WarningView>().AsQueryable();
                if (http.Areas() is { Prefecture: false } areas)
                {
                    var (regions, enterprises) = (areas.Regions.ToArray(), areas.Enterprises.ToArray());
                    q = q.Where(w => w.RegionId.IsOneOf(regions) || w.EnterpriseId.IsOneOf(enterprises));
                }
                if (status is { Length: > 0 }) q = status == "open" ? q.Where(w => w.Status != "resolved") : q.Where(w => w.Status == status);
                if (severity is { } s) q = q.Where(w => w.Severity == s);
                if (rule is { Length: > 0 }) q = q.Where(w => w.RuleId == rule);
                if (region is { Length: > 0 }) q = q.Where(w => w.RegionId == region);
                if (enterprise is { Length: > 0 }) q = q.Where(w => w.EnterpriseId == enterprise);
                return Results.Ok(await page.OfAsync(q, w => w.OrderByDescending(x => x.RaisedAt).ThenBy(x => x.Id), http, ct));
            })
            .Produces<IReadOnlyList<WarningView>>()
            .ProducesProblem(400)
            .WithSummary($"Warnings, newest first; filters: status (raised, acknowledged, escalated, resolved, or open), severity, rule, region, enterprise; a leader or commissioner sees their own areas' only; " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        api.MapGet("/{id}", async (string id, DateTimeOffset? asOf, HttpContext http, IQuerySession session, PlatformClock clock, CancellationToken ct) =>
            {
                if (asOf is { } at && AsOf.Refusal(at, clock) is { } refusal) return refusal;
                var stream = await session.Events.FetchStreamAsync(Streams.Warning(id), timestamp: asOf, token: ct);
                var view = asOf is null ? await session.LoadAsync<WarningView>(id, ct) : WarningView.Fold(stream.Select(e => e.Data));
                if (view is null) return NotFound(id, asOf);
                http.RequireArea(http.Areas(), view.EnterpriseId, view.RegionId, $"Warning '{id}'");
                var decisions = stream.Where(e => e.Data is WarningAcknowledged or WarningResolved { ByRule: false })
                    .Select(e => e.Data switch
                    {
                        WarningAcknowledged a => new DecisionRecord("acknowledged", a.AcknowledgedBy, a.AcknowledgedAt, DecisionView.Of(e)),
                        WarningResolved r => new DecisionRecord("resolved", r.ResolvedBy, r.ResolvedAt, DecisionView.Of(e)),
                        _ => null!,
                    }).ToList();
                return Results.Ok(new WarningDetail(view, await DeliveriesAsync(session, id, ct, asOf), decisions));
            })
            .Produces<WarningDetail>()
            .ProducesProblem(400)
            .ProducesProblem(404)
            .WithSummary("One warning with its evidence, the risk explanation at raising, its recipients, its history, its notifications (every attempt of each delivery) and the decisions " +
                         "taken on it with the view each was taken on; asOf=: the warning as it stood then, from the events stored up to that moment (notifications and attempts made by then)")
            .RequireAuthorization(Policies.Staff);

        api.MapPost("/{id}/acknowledge", (string id, WarningAction body, HttpContext http, IQuerySession session, IGrainFactory grains, CancellationToken ct) =>
                Act(id, http, body, session, grains, (g, by, view) => g.AcknowledgeAsync(id, by, body.Note, view.AsOf, view.SeenThrough), ct))
            .Produces<WarningView>()
            .WithSummary("Acknowledge a warning ({note}; recorded under the token's name, a 'by' naming anyone else is refused): escalation stops; reminders continue until it is resolved. 409 on a resolved warning; 403 outside a leader's or commissioner's areas")
            .RequireAuthorization(Policies.Oversight);

        api.MapPost("/{id}/resolve", (string id, WarningAction body, HttpContext http, IQuerySession session, IGrainFactory grains, CancellationToken ct) =>
                Act(id, http, body, session, grains, (g, by, view) => g.ResolveAsync(id, by, body.Note, view.AsOf, view.SeenThrough), ct))
            .Produces<WarningView>()
            .WithSummary("Resolve a warning ({note}; recorded under the token's name). 409 on a resolved warning; 403 outside a leader's or commissioner's areas")
            .RequireAuthorization(Policies.Oversight);

        api.MapGet("/{id}/deliveries", async (string id, IQuerySession session, HttpContext http, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize * 5, MaxPageSize);
                if (refusal is not null) return refusal;
                if (await InAreaAsync(http, session, id, ct) is null) return NotFound(id);
                var deliveries = await page.OfAsync(session.Query<NotificationDelivery>().Where(d => d.WarningId == id), q => q.OrderBy(d => d.Sequence).ThenBy(d => d.Id), http, ct);
                return Results.Ok(deliveries.Select(d => View(d)).ToList());
            })
            .ProducesProblem(400)
            .Produces<IReadOnlyList<DeliveryView>>()
            .WithSummary($"The notifications of one warning: per transition and receiver (webhook route, recipient, Alertmanager), status and every attempt; pages of {DefaultPageSize * 5} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        api.MapGet("/rules", async (WarningRulesFile rules, IQuerySession session, CancellationToken ct) =>
                View(rules.Current, await session.LoadManyAsync<AnalyticalRunDocument>(ct, rules.Current.Rules.Rules.OfType<AnalyticalRule>().Select(r => r.Id).ToArray())))
            .WithSummary("The warning rules in force, with the file they came from and when they were loaded; an analytical rule with its last run (outcome: completed, time-limit-exceeded, failed)")
            .RequireAuthorization(Policies.Staff);

        api.MapPost("/rules/reload", (WarningRulesFile rules) =>
            {
                var outcome = rules.Reload();
                var view = new ReloadView(outcome.Loaded, outcome.Errors, View(outcome.InForce));
                return outcome.Loaded ? Results.Ok(view) : Results.UnprocessableEntity(view);
            })
            .Produces<ReloadView>()
            .Produces<ReloadView>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Read the rules file again; a bad file is refused (422 naming each rule and field) and the rules in force stay")
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    /// <summary>The warning, when it exists; 403 when it lies outside the caller's areas.</summary>
    static async Task<WarningView?> InAreaAsync(HttpContext http, IQuerySession session, string id, CancellationToken ct)
    {
        if (await session.LoadAsync<WarningView>(id, ct) is not { } view) return null;
        http.RequireArea(http.Areas(), view.EnterpriseId, view.RegionId, $"Warning '{id}'");
        return view;
    }

    static async Task<IResult> Act(string id, HttpContext http, WarningAction body, IQuerySession session, IGrainFactory grains,
        Func<IWarningGrain, string, DecisionView, ValueTask<bool>> act, CancellationToken ct)
    {
        var by = http.Actor(body.By);
        if (await InAreaAsync(http, session, id, ct) is not { } view) return NotFound(id);
        var seen = await DecisionView.TakeAsync(session.DocumentStore, body.AsOf, http.RequestServices.GetRequiredService<PlatformClock>(), ct);
        if (view.Status == "resolved" || !await act(grains.GetGrain<IWarningGrain>(WarningBook.ScopeOf(view.Subject, view.EnterpriseId, view.RegionId)), by, seen))
            return Results.Problem(statusCode: 409, title: "Warning resolved", detail: $"Warning '{id}' was resolved at {view.ResolvedAt:yyyy-MM-dd HH:mm zzz}; it cannot be acknowledged or resolved again.");
        await using var fresh = session.DocumentStore.QuerySession();
        return Results.Ok(await fresh.LoadAsync<WarningView>(id, ct));
    }

    static IResult NotFound(string id, DateTimeOffset? asOf = null) =>
        Results.Problem(statusCode: 404, title: "Unknown warning", detail: $"No warning '{id}'{(asOf is null ? "" : $" as of {asOf:yyyy-MM-dd HH:mm:ss zzz}")}.");

    static RulesView View(LoadedRules r, IReadOnlyList<AnalyticalRunDocument>? runs = null) => new(r.Path, r.LoadedAt,
        r.Rules.Rules.Select(x => new RuleView(x.Id, x.Kind, x.Severity.ToString().ToLowerInvariant(), x.Subject.ToString().ToLowerInvariant(),
            x.Message, x.AutoResolve, x.AcknowledgeWithin, x.RemindEvery, x, runs?.FirstOrDefault(d => d.Id == x.Id))).ToList());

    /// <summary>The warning's notifications; as of a moment, those appended by then with the attempts made by then (delivered only if by then).</summary>
    static async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(IQuerySession session, string warningId, CancellationToken ct, DateTimeOffset? asOf = null) =>
        (await session.Query<NotificationDelivery>().Where(d => d.WarningId == warningId).OrderBy(d => d.Sequence).ToListAsync(ct))
        .Where(d => asOf is null || d.AppendedAt <= asOf)
        .Select(d => asOf is { } at
            ? View(d) with
            {
                Attempts = [.. d.Attempts.Where(a => a.At <= at)],
                DeliveredAt = d.DeliveredAt <= at ? d.DeliveredAt : null,
                Status = d.DeliveredAt <= at ? d.Status
                    : d.Status == NotificationDelivery.Abandoned && d.Attempts.All(a => a.At <= at) ? d.Status
                    : NotificationDelivery.Pending,
            }
            : View(d))
        .ToList();

    static DeliveryView View(NotificationDelivery d) =>
        new(d.Transition, d.Channel, d.Target, d.Address, d.MessageId, d.Status, d.Attempts, d.AppendedAt, d.DeliveredAt);
}
