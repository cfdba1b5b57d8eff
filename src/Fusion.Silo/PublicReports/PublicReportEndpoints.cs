using System.Text.Json.Serialization;
using Fusion.Domain;
using Fusion.Domain.Common;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Rewards;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.PublicReports;

/// <summary>
/// What a receipt tells: the report's status and when it came in, its verification (verdict, severity, when) and its
/// reward (status, amount, when decided and paid) once there are (absent before) — nothing about who sent it or who handled it.
/// </summary>
public sealed record PublicReportStatus(string Receipt, string Status, DateTimeOffset ReceivedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReceiptVerification? Verification = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReceiptReward? Reward = null);

public sealed record ReceiptVerification(ReportVerdict Verdict, Severity Severity, DateTimeOffset VerifiedAt);

/// <summary>Claim: what the reporter does next (an anonymous one claims an approved reward with the receipt code).</summary>
public sealed record ReceiptReward(RewardStatus Status, decimal AmountYuan, DateTimeOffset ProposedAt, DateTimeOffset? DecidedAt, DateTimeOffset? PaidAt, string? Claim);

/// <summary>A report's verification: verdict (true, partlyTrue, false) and the severity of what it revealed; who verifies is the token's name.</summary>
public sealed record VerifyBody(ReportVerdict Verdict, Severity Severity, string? Note = null, string? By = null);

/// <summary>Why a reporter is revealed or shredded; who does it is the one the token names (By only where a token names no one).</summary>
public sealed record ReporterRequest(string Reason, string? By = null);

/// <summary>One report of a complaint case, without its reporter.</summary>
public sealed record CaseReport(string ReportId, string Channel, string? SiteId, string? EnterpriseId, string RegionId, string Content, DateTimeOffset ReceivedAt, double? Similarity);

/// <summary>A complaint: the first report and those linked to it as duplicates, oldest first.</summary>
public sealed record ComplaintCase(string CaseId, CaseReport First, IReadOnlyList<CaseReport> Duplicates);

public sealed record ShreddedReporter(string ReportId, DateTimeOffset ShreddedAt);

/// <summary>A revealed identity, with the recorded act that revealed it.</summary>
public sealed record RevealedReporter(string ReportId, ReporterIdentity Reporter, string RevealedTo, string Reason, DateTimeOffset RevealedAt);

public static class PublicReportEndpoints
{
    public static IEndpointRouteBuilder MapPublicReportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/public-reports").WithTags("Public reports");

        group.MapGet("/status/{receipt}", async (string receipt, ReporterSeals seals, IDocumentStore store, CancellationToken ct) =>
                await seals.ReportOfAsync(receipt, ct) is { } reportId && await LoadAsync(store, reportId, ct) is { } report
                    ? Results.Ok(await StatusAsync(store, report, receipt, ct))
                    : Results.Problem(statusCode: 404, title: "Unknown receipt", detail: $"No report has the receipt code '{receipt}'."))
            .Produces<PublicReportStatus>()
            .ProducesProblem(404)
            .WithSummary("A report's status by its receipt code, for the reporter: received, verified (verdict, severity), its reward (proposed, approved, declined, paid, " +
                         "the amount) — nothing about who reported or who handled it")
            .AllowAnonymous();

        group.MapPost("/{reportId}/verify", async (string reportId, VerifyBody body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var by = http.Actor(body.By);
                var (report, _) = await StreamDecisions.ExecuteAsync<PublicReport>(store, Streams.PublicReport(reportId), PublicReport.Apply,
                    state => state is null ? throw new TransitionRefused($"There is no public report '{reportId}'.")
                        : VerificationDecider.Decide(new VerifyReport(body.Verdict, body.Severity, body.Note, by, clock.Now), state), ct, storeState: false);
                return Results.Ok(report!.Verification);
            })
            .Produces<PublicReportVerified>()
            .ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Records a report's verification (measure 9): verdict true / partlyTrue / false and the severity of the violation it revealed, by the token's name; " +
                         "a verified major violation is proposed a reward from the reward table (GET /api/rewards). Verified once; a repeat of an earlier complaint through its first report")
            .RequireAuthorization(Policies.ReportVerification);

        group.MapGet("/{reportId}/case", CaseAsync)
            .Produces<ComplaintCase>()
            .ProducesProblem(404)
            .WithSummary("A complaint as one case: its first report and the reports linked to it as duplicates (same site within the window, similar text)")
            .WithDescription("Asked of any report of the case. Contents are as stored (contacts masked); nothing about the reporters.")
            .RequireAuthorization(Policies.Staff);

        group.MapPost("/{reportId}/reporter/reveal", async (string reportId, ReporterRequest body, HttpContext http, ReporterSeals seals, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var (report, events) = await ExecuteAsync(store, reportId, new RevealReporter(Who(http, body), body.Reason, clock.Now), ct);
                if (report is null) return NotFound(reportId);
                var revealed = (ReporterIdentityRevealed)events[0];
                return await seals.KeyAsync(reportId, ct) is { } key
                    ? Results.Ok(new RevealedReporter(reportId, ReporterSeal.Open(report.SealedReporter!, key, reportId), revealed.RevealedTo, revealed.Reason, revealed.RevealedAt))
                    : Results.Problem(statusCode: 410, title: "Identity destroyed", detail: $"The key of report {reportId} no longer exists: its reporter's identity cannot be read.");
            })
            .Produces<RevealedReporter>()
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(410).ProducesProblem(422)
            .WithSummary("Reveals a report's reporter to the one asking, recording who asked and why (ReporterIdentityRevealed) before anything is shown")
            .Sensitive("a reporter's identity")
            .RequireAuthorization(Policies.HotlineOfficer);

        group.MapPost("/{reportId}/reporter/shred", async (string reportId, ReporterRequest body, HttpContext http, IDocumentStore store, PlatformClock clock, CancellationToken ct) =>
            {
                var (report, _) = await ExecuteAsync(store, reportId, new ShredReporter(Who(http, body), body.Reason, clock.Now), ct);
                return report is null ? NotFound(reportId) : Results.Ok(new ShreddedReporter(reportId, report.ShreddedAt!.Value));
            })
            .Produces<ShreddedReporter>()
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Destroys the report's key (crypto-shredding): its reporter's identity can never be read again; the event log stays whole")
            .RequireAuthorization(Policies.HotlineOfficer);
        return app;
    }

    /// <summary>The person the token names: a reveal is recorded against who asked, not who the body says asked.</summary>
    static string Who(HttpContext http, ReporterRequest body) => http.Actor(body.By);

    static IResult NotFound(string reportId) =>
        Results.Problem(statusCode: 404, title: "Unknown report", detail: $"There is no public report '{reportId}'.");

    static async Task<IResult> CaseAsync(string reportId, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var asked = await FiledAsync(reportId);
        if (asked is null) return Results.Problem(statusCode: 404, title: "Unknown report", detail: $"There is no report '{reportId}'.");
        var first = asked.DuplicateOf is { } original ? await FiledAsync(original) ?? asked : asked;
        var linked = await session.Events.QueryRawEventDataOnly<PublicReportFiled>().Where(e => e.DuplicateOf == first.ReportId).ToListAsync(ct);
        return Results.Ok(new ComplaintCase(first.ReportId, View(first), linked.OrderBy(e => e.ReceivedAt).ThenBy(e => e.ReportId, StringComparer.Ordinal).Select(View).ToArray()));

        // A report stored before reporters were sealed (PublicReportReceived) is read as it is filed now.
        async Task<PublicReportFiled?> FiledAsync(string id) =>
            (await session.Events.FetchStreamAsync(Streams.PublicReport(id), token: ct)).Select(e => e.Data switch
            {
                PublicReportFiled f => f,
                PublicReportReceived r => PublicReportUpcast.From(r),
                _ => null,
            }).FirstOrDefault(f => f is not null);

        static CaseReport View(PublicReportFiled e) =>
            new(e.ReportId, e.Channel.ToString(), e.SiteId, e.EnterpriseId, e.RegionId, e.Content, e.ReceivedAt, e.DuplicateSimilarity);
    }

    /// <summary>The receipt's answer: the report, its verification and its reward, without anyone's name.</summary>
    static async Task<PublicReportStatus> StatusAsync(IDocumentStore store, PublicReport report, string receipt, CancellationToken ct)
    {
        Reward? reward;
        await using (var session = store.QuerySession())
            reward = Reward.Fold((await session.Events.FetchStreamAsync(Streams.Reward(Reward.IdFor(report.ReportId)), token: ct)).Select(e => e.Data));
        var status = report.DuplicateOf is not null ? "linked to an earlier report of the same complaint"
            : reward?.Status == RewardStatus.Paid ? "verified; reward paid"
            : reward is not null ? "verified; reward " + reward.Status.ToString().ToLowerInvariant()
            : report.Verification is not null ? "verified" : "received";
        var claim = reward is { Status: RewardStatus.Approved } ? report.Anonymous
                ? "Claim the reward in person at the environmental bureau's reporting office with this receipt code."
                : "The reporting office will contact you to pay the reward."
            : null;
        return new PublicReportStatus(report.ReceiptCode ?? receipt, status, report.ReceivedAt,
            report.Verification is { } v ? new ReceiptVerification(v.Verdict, v.Severity, v.VerifiedAt) : null,
            reward is null ? null : new ReceiptReward(reward.Status, reward.ApprovedYuan ?? reward.ProposedYuan, reward.ProposedAt, reward.DecidedAt, reward.PaidAt, claim));
    }

    static async Task<PublicReport?> LoadAsync(IDocumentStore store, string reportId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return PublicReport.Fold((await session.Events.FetchStreamAsync(Streams.PublicReport(reportId), token: ct)).Select(e => e.Data));
    }

    /// <summary>Decides on the report's stream and appends the act (and, for shredding, destroys the key) in one transaction; no report, no state.</summary>
    static async Task<(PublicReport? Report, object[] Events)> ExecuteAsync(IDocumentStore store, string reportId, ReporterCommand command, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchStreamAsync(Streams.PublicReport(reportId), token: ct);
        if (PublicReport.Fold(stream.Select(e => e.Data)) is not { } state) return (null, []);
        var events = ReporterDecider.Decide(command, state);
        if (events.Length == 0) return (state, events);
        session.Events.Append(Streams.PublicReport(reportId), events);
        if (command is ShredReporter) ReporterSeals.QueueShred(session, reportId, command.Now);
        await session.SaveChangesAsync(ct);
        return (events.Aggregate(state, (s, e) => PublicReport.Apply(s, e)!), events);
    }
}
