using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;

namespace Fusion.Silo.Risk;

/// <summary>SeenThrough, in an answer as of a moment: the position in the store of the last event it folds.</summary>
public sealed record RiskView(
    string SubjectId, double Score, RiskLevel Level, string ModelVersion, DateTimeOffset AsOf, bool Blacklisted,
    IReadOnlyList<ContributionView> Signals, long? SeenThrough = null);

public sealed record ContributionView(
    string SignalId, string Kind, string Feed, string? EnterpriseId, string? SiteId, string Severity, string Summary,
    DateTimeOffset OccurredAt, double Weight, double Confidence, double Decay, double Contribution, IReadOnlyList<string> CorroboratedBy,
    string Corroboration, DateTimeOffset? FirstDetectedAt);

public static class RiskEndpoints
{
    public static IEndpointRouteBuilder MapRiskEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/enterprises/{id}/risk", async (string id, DateTimeOffset? asOf, MasterDataCache cache, IGrainFactory grains, RiskAsOfReader past, PlatformClock clock, CancellationToken ct) =>
            {
                if (!cache.Current.Enterprises.ContainsKey(id))
                    return Results.Problem(statusCode: 404, title: "Unknown enterprise", detail: $"No enterprise with credit code '{id}' is registered.");
                if (asOf is null) return Results.Ok(View((await grains.GetGrain<IEnterpriseRiskGrain>(id).GetAsync()).Value));
                if (AsOf.Refusal(asOf.Value, clock) is { } refusal) return refusal;
                var (score, seen) = await past.EnterpriseAsync(id, asOf.Value, ct);
                return Results.Ok(View(score) with { SeenThrough = seen });
            })
            .Produces<RiskView>()
            .ProducesProblem(400)
            .ProducesProblem(404)
            .WithTags("Risk")
            .WithSummary("An enterprise's live risk score, level and the signals that make it, newest first; asOf= (e.g. 2026-11-20T10:00:00+08:00): the answer as it stood then, " +
                         "from the events stored up to that moment with the risk model then in force (and seenThrough, the last event's position)")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/regions/{id}/risk", async (string id, MasterDataCache cache, RegionRisk regions) =>
                cache.Current.Regions.ContainsKey(id)
                    ? Results.Ok(View(await regions.ScoreAsync(id)))
                    : Results.Problem(statusCode: 404, title: "Unknown region", detail: $"No region '{id}' is registered."))
            .Produces<RiskView>()
            .WithTags("Risk")
            .WithSummary("A region's live risk score, level and contributing signals (its enterprises', its parks' and its own), newest first")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    public static RiskView View(RiskScore s) => new(
        s.SubjectId, s.Score, s.Level, s.ModelVersion, s.AsOf, s.Blacklisted,
        s.Contributions.Select(c => new ContributionView(
            c.Signal.SignalId, c.Signal.Kind.ToString(), c.Signal.Feed, c.Signal.EnterpriseId, c.Signal.SiteId, c.Signal.Severity.ToString(),
            c.Signal.Summary, c.Signal.OccurredAt, c.Weight, c.Confidence, c.Decay, c.Contribution, c.CorroboratedBy,
            c.Level.ToString().ToLowerInvariant(), c.FirstDetectedAt)).ToArray());
}
