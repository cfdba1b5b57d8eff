using Fusion.Domain;
using Fusion.Domain.Reserves;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Reserves;

/// <summary>An account as lists show it: its balance, what waiting requests hold, and what is available.</summary>
public sealed record ReserveSummary(string Id, string Name, string? RegionId, decimal AllocatedYuan, decimal DisbursedYuan, decimal BalanceYuan,
    decimal PendingYuan, decimal AvailableYuan, int Disbursements)
{
    public static ReserveSummary Of(Reserve r) =>
        new(r.Id, r.Name, r.RegionId, r.AllocatedYuan, r.DisbursedYuan, r.BalanceYuan, r.PendingYuan, r.AvailableYuan, r.Disbursements.Count);
}

public sealed record ReserveDetail(ReserveSummary Account, IReadOnlyList<Disbursement> Disbursements, IReadOnlyList<HistoryEntry> History);

// Who acts is the one the token names; By, kept for older clients, must name the same (Acting.Actor).
public sealed record AllocationBody(string AllocationId, decimal AmountYuan, string Reference, string? By = null);
public sealed record DisbursementBody(string DisbursementId, string IncidentId, decimal AmountYuan, string Purpose, string? By = null);
public sealed record DisbursementDecisionBody(string? Reason = null, string? By = null);

/// <summary>The emergency reserve (measure 6): the prefecture's and the counties' accounts, allocations, disbursements with approval.</summary>
public static class ReserveEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapReserveEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reserves").WithTags("Emergency reserve");

        group.MapGet("/", async (IDocumentStore store, HttpContext http, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                await using var session = store.QuerySession();
                var accounts = await page.OfAsync(session.Query<Reserve>(), q => q.OrderBy(r => r.Id), http, ct);
                return Results.Ok(accounts.Select(ReserveSummary.Of).ToList());
            })
            .Produces<IReadOnlyList<ReserveSummary>>()
            .ProducesProblem(400)
            .WithSummary($"The emergency reserve accounts (the prefecture's and each county's) with allocated, disbursed, balance, held by waiting requests and available; by id, " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        group.MapGet("/{id}", async (string id, IDocumentStore store, CancellationToken ct) =>
            {
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Reserve(id), ct);
                if (history.Count == 0) return NotFound(id);
                var reserve = Reserve.Fold(history.Select(h => h.Data))!;
                return Results.Ok(new ReserveDetail(ReserveSummary.Of(reserve), reserve.Disbursements, history));
            })
            .Produces<ReserveDetail>()
            .ProducesProblem(404)
            .WithSummary("An account with its disbursements (requested, approved, refused) and its full history (allocations with their reference, each balance after)")
            .RequireAuthorization(Policies.Staff);

        group.MapPost("/{id}/allocations", async (string id, AllocationBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
                await ExecuteAsync(http, store, id, new AllocateFunds(body.AllocationId, body.AmountYuan, body.Reference, http.Actor(body.By), clock.Now), ct))
            .Produces<ReserveSummary>()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Money into the account ({allocationId, amountYuan, reference}: the budget's appropriation); the same allocationId again adds nothing; a leader, within their areas")
            .RequireAuthorization(Policies.Leader);

        group.MapPost("/{id}/disbursements", async (string id, DisbursementBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
                await ExecuteAsync(http, store, id, new RequestDisbursement(body.DisbursementId, body.IncidentId, body.AmountYuan, body.Purpose, http.Actor(body.By), clock.Now), ct))
            .Produces<ReserveSummary>()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Asks for a disbursement to an incident ({disbursementId, incidentId, amountYuan, purpose}); 409 when it would overdraw the account " +
                         "(more than its balance less the requests waiting); a leader or commissioner, within their areas")
            .RequireAuthorization(Policies.Oversight);

        group.MapPost("/{id}/disbursements/{disbursementId}/approve", async (string id, string disbursementId, DisbursementDecisionBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
                await ExecuteAsync(http, store, id, new ApproveDisbursement(disbursementId, http.Actor(body.By), clock.Now), ct))
            .Produces<ReserveSummary>()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Approves a waiting disbursement: paid out, the balance goes down; not by whoever asked for it; 409 if it would overdraw; a leader, within their areas")
            .RequireAuthorization(Policies.Leader);

        group.MapPost("/{id}/disbursements/{disbursementId}/refuse", async (string id, string disbursementId, DisbursementDecisionBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
                await ExecuteAsync(http, store, id, new RefuseDisbursement(disbursementId, body.Reason ?? "", http.Actor(body.By), clock.Now), ct))
            .Produces<ReserveSummary>()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Refuses a waiting disbursement, with the reason; a leader, within their areas")
            .RequireAuthorization(Policies.Leader);
        return app;
    }

    /// <summary>A leader or commissioner acts on their own county's account only; the prefecture's is the prefecture leaders'.</summary>
    static async Task<IResult> ExecuteAsync(HttpContext http, IDocumentStore store, string id, ReserveCommand command, CancellationToken ct)
    {
        Reserve? current;
        await using (var session = store.QuerySession())
            current = await session.LoadAsync<Reserve>(id, ct);
        if (current is null) return NotFound(id);
        http.RequireArea(http.Areas(), null, current.RegionId, $"Reserve account '{id}'{(current.RegionId is null ? " (the prefecture's)" : "")}");
        var (reserve, _) = await StreamDecisions.ExecuteAsync<Reserve>(store, Streams.Reserve(id), Reserve.Apply, state => ReserveDecider.Decide(command, state), ct);
        return Results.Ok(ReserveSummary.Of(reserve!));
    }

    static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "Unknown reserve account", detail: $"There is no reserve account '{id}'.");

    public static readonly Type[] EventTypes =
    [
        typeof(ReserveAccountOpened), typeof(ReserveFundsAllocated), typeof(ReserveDisbursementRequested), typeof(ReserveDisbursementApproved), typeof(ReserveDisbursementRefused),
    ];
}

/// <summary>Opens the configured reserve accounts (Reserves:Accounts) at start-up; an open one is left as it is, so a restart adds nothing.</summary>
public sealed class ReserveStartup(IDocumentStore store, ReservePolicy policy, PlatformClock clock, ILogger<ReserveStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var account in policy.Accounts)
        {
            var (_, events) = await StreamDecisions.ExecuteAsync<Reserve>(store, Streams.Reserve(account.Id), Reserve.Apply,
                state => ReserveDecider.Decide(new OpenReserve(account.Id, account.Name, account.RegionId, account.InitialYuan,
                    string.IsNullOrWhiteSpace(account.Reference) ? "configuration (Reserves:Accounts)" : account.Reference, clock.Now), state), ct);
            if (events.Length > 0) log.LogInformation("Reserve account {Account} opened with {Amount} yuan", account.Id, account.InitialYuan);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
