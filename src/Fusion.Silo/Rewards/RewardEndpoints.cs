using Fusion.Domain;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Rewards;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.Parking;
using Fusion.Silo.PublicReports;
using Fusion.Silo.Security;
using JasperFx.Events;
using Marten;

namespace Fusion.Silo.Rewards;

public sealed record RewardDetail(Reward Reward, IReadOnlyList<HistoryEntry> History);

// Who acts is the one the token names; By, kept for older clients, must name the same (Acting.Actor).
public sealed record ApproveRewardBody(decimal? AmountYuan = null, string? Note = null, string? By = null);
public sealed record DeclineRewardBody(string Reason, string? By = null);
public sealed record PayeeBody(string? Reason = null, string? By = null);
public sealed record PayRewardBody(string PaymentRef, string? Receipt = null, string? By = null);

/// <summary>The reporter shown to the one paying the reward, with the recorded act that showed it.</summary>
public sealed record RewardPayeeAnswer(string RewardId, string ReportId, decimal AmountYuan, ReporterIdentity Payee, string RevealedTo, DateTimeOffset RevealedAt);

/// <summary>Whistleblower rewards (measure 9): proposed from verifications, approved or declined, the payee revealed on record, paid.</summary>
public static class RewardEndpoints
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapRewardEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rewards").WithTags("Whistleblower rewards");

        group.MapGet("/", async (IDocumentStore store, HttpContext http, string? status, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                if (Filter.Parse<RewardStatus>("status", status, out var byStatus) is { } bad) return bad;
                await using var session = store.QuerySession();
                var query = session.Query<Reward>().AsQueryable();
                if (byStatus is { } s) query = query.Where(r => r.Status == s);
                return Results.Ok(await page.OfAsync(query, q => q.OrderByDescending(r => r.ProposedAt).ThenBy(r => r.Id), http, ct));
            })
            .Produces<IReadOnlyList<Reward>>()
            .ProducesProblem(400)
            .WithSummary($"Rewards for verified reports of major violations, newest first; filter: status (proposed, approved, declined, paid); nothing about the reporters; " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        group.MapGet("/{id}", async (string id, IDocumentStore store, CancellationToken ct) =>
            {
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Reward(id), ct);
                return history.Count == 0 ? NotFound(id) : Results.Ok(new RewardDetail(Reward.Fold(history.Select(h => h.Data))!, history));
            })
            .Produces<RewardDetail>()
            .ProducesProblem(404)
            .WithSummary("A reward with its history: proposal (the table's row), decision, the payee's reveal (who, when — never the identity), payment")
            .RequireAuthorization(Policies.Staff);

        group.MapPost("/{id}/approve", async (string id, ApproveRewardBody body, HttpContext http, IDocumentStore store, RewardPolicy policy, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                await InAreaAsync(http, store, id, ct);
                return Results.Ok((await ExecuteAsync(store, id, new ApproveReward(body.AmountYuan, body.Note, by, policy, clock.Now), ct)).Reward);
            })
            .Produces<Reward>()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("The authorised officer's approval (a leader, within their areas): at the proposed amount, or amountYuan within the policy's bounds (1,000–30,000 yuan)")
            .RequireAuthorization(Policies.Leader);

        group.MapPost("/{id}/decline", async (string id, DeclineRewardBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                await InAreaAsync(http, store, id, ct);
                return Results.Ok((await ExecuteAsync(store, id, new DeclineReward(body.Reason, by, clock.Now), ct)).Reward);
            })
            .Produces<Reward>()
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Declines a proposed reward, with the reason (a leader, within their areas)")
            .RequireAuthorization(Policies.Leader);

        group.MapPost("/{id}/payee", RevealPayeeAsync)
            .Produces<RewardPayeeAnswer>()
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(410).ProducesProblem(422)
            .WithSummary("Reveals the reporter of an approved reward to the officer paying it: recorded on the reward (RewardPayeeRevealed) and on the report " +
                         "(ReporterIdentityRevealed, the reason naming the reward) before anything is shown; 409 for an anonymous report (paid on its receipt code)")
            .Sensitive("a reporter's identity, for a reward's payment")
            .RequireAuthorization(Policies.HotlineOfficer);

        group.MapPost("/{id}/pay", async (string id, PayRewardBody body, HttpContext http, IDocumentStore store, ReporterSeals seals, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                var reward = await LoadAsync(store, id, ct);
                if (reward is null) return NotFound(id);
                // An anonymous reporter claims with the receipt: it must be the report's own.
                var presented = body.Receipt is { Length: > 0 } receipt && await seals.ReportOfAsync(receipt, ct) == reward.ReportId;
                if (body.Receipt is { Length: > 0 } && !presented)
                    throw new Fusion.Domain.Common.DomainRejected($"The receipt code given is not the one of report {reward.ReportId}.");
                return Results.Ok((await ExecuteAsync(store, id, new PayReward(body.PaymentRef, presented, by, clock.Now), ct)).Reward);
            })
            .Produces<Reward>()
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Records an approved reward as paid ({paymentRef}; for an anonymous report also the receipt code its claimant presented): " +
                         "to the reporter revealed for payment, or to the receipt's holder")
            .RequireAuthorization(Policies.HotlineOfficer);
        return app;
    }

    static async Task<IResult> RevealPayeeAsync(string id, PayeeBody body, HttpContext http, IDocumentStore store, ReporterSeals seals, PlatformClock clock, CancellationToken ct)
    {
        var by = http.Actor(body.By);
        var now = clock.Now;
        await using var session = store.LightweightSession();
        var rewardStream = await session.Events.FetchStreamAsync(Streams.Reward(id), token: ct);
        if (Reward.Fold(rewardStream.Select(e => e.Data)) is not { } reward) return NotFound(id);
        var rewardEvents = RewardDecider.Decide(new RevealPayee(by, now), reward);
        var reportStream = await session.Events.FetchStreamAsync(Streams.PublicReport(reward.ReportId), token: ct);
        var report = PublicReport.Fold(reportStream.Select(e => e.Data));
        var reason = $"payment of reward {id} ({reward.ApprovedYuan:0} yuan)" + (string.IsNullOrWhiteSpace(body.Reason) ? "" : $": {body.Reason.Trim()}");
        // The same act on both streams, in one transaction: the reward knows its payee is known, the report who saw its reporter.
        var reportEvents = ReporterDecider.Decide(new RevealReporter(by, reason, now), report);
        session.Events.Append(Streams.Reward(id), rewardStream.Count + rewardEvents.Length, rewardEvents);
        session.Events.Append(Streams.PublicReport(reward.ReportId), reportEvents);
        session.Store(rewardEvents.Aggregate(reward, (s, e) => Reward.Apply(s, e)!));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is EventStreamUnexpectedMaxEventIdException || e.InnerException is EventStreamUnexpectedMaxEventIdException)
        {
            throw new Fusion.Domain.Common.TransitionRefused($"Reward {id} changed while this was being decided; read it again and retry.");
        }
        var revealed = (ReporterIdentityRevealed)reportEvents[0];
        return await seals.KeyAsync(reward.ReportId, ct) is { } key
            ? Results.Ok(new RewardPayeeAnswer(id, reward.ReportId, reward.ApprovedYuan ?? reward.ProposedYuan,
                ReporterSeal.Open(report!.SealedReporter!, key, reward.ReportId), revealed.RevealedTo, revealed.RevealedAt))
            : Results.Problem(statusCode: 410, title: "Identity destroyed", detail: $"The key of report {reward.ReportId} no longer exists: its reporter's identity cannot be read.");
    }

    /// <summary>A leader decides on the rewards of reports in their own areas only.</summary>
    static async Task InAreaAsync(HttpContext http, IDocumentStore store, string id, CancellationToken ct)
    {
        if (await LoadAsync(store, id, ct) is { } reward)
            http.RequireArea(http.Areas(), reward.EnterpriseId, reward.RegionId, $"Reward '{id}'");
    }

    static async Task<Reward?> LoadAsync(IDocumentStore store, string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return Reward.Fold((await session.Events.FetchStreamAsync(Streams.Reward(id), token: ct)).Select(e => e.Data));
    }

    static IResult NotFound(string id) => Results.Problem(statusCode: 404, title: "Unknown reward", detail: $"There is no reward '{id}'.");

    public static async Task<(Reward? Reward, object[] Events)> ExecuteAsync(IDocumentStore store, string id, RewardCommand command, CancellationToken ct)
    {
        var (reward, events) = await StreamDecisions.ExecuteAsync<Reward>(store, Streams.Reward(id), Reward.Apply, state => RewardDecider.Decide(command, state), ct);
        return (reward, events);
    }

    public static readonly Type[] EventTypes =
        [typeof(RewardProposed), typeof(RewardApproved), typeof(RewardDeclined), typeof(RewardPayeeRevealed), typeof(RewardPaid)];
}

/// <summary>
/// Proposes a reward for each verified report the reward table gives one for. The proposal is decided on the reward's
/// own stream (one per report), so a redelivered verification proposes nothing twice; one that cannot be taken is parked.
/// </summary>
public sealed class RewardSubscription : ParkedSubscription
{
    public const string SubscriptionId = "rewards";

    readonly RewardPolicy policy;

    public RewardSubscription(RewardPolicy policy, ParkingLot parking) : base(parking)
    {
        this.policy = policy;
        Name = SubscriptionId;
        Options.BatchSize = 500;
        IncludeType<PublicReportVerified>();
    }

    public override async Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct)
    {
        foreach (var verified in events.Select(e => e.Data).OfType<PublicReportVerified>())
        {
            if (policy.For(verified.Verdict, verified.Severity) is null) continue;
            bool anonymous;
            await using (var session = store.QuerySession())
                anonymous = PublicReport.Fold((await session.Events.FetchStreamAsync(Streams.PublicReport(verified.ReportId), token: ct)).Select(e => e.Data))?.Anonymous ?? true;
            await RewardEndpoints.ExecuteAsync(store, Reward.IdFor(verified.ReportId), new ProposeReward(verified, anonymous, policy, verified.VerifiedAt), ct);
        }
    }
}
