using Fusion.Domain.Risk;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;

namespace Fusion.Silo.Risk;

public sealed record RiskView(
    string SubjectId, double Score, RiskLevel Level, string ModelVersion, DateTimeOffset AsOf, bool Blacklisted,
    IReadOnlyList<ContributionView> Signals);

public sealed record ContributionView(
    string SignalId, string Kind, string Feed, string? EnterpriseId, string? SiteId, string Severity, string Summary,
    DateTimeOffset OccurredAt, double Weight, double Confidence, double Decay, double Contribution, IReadOnlyList<string> CorroboratedBy,
    string Corroboration, DateTimeOffset? FirstDetectedAt);

public static class RiskEndpoints
{
    public static IEndpointRouteBuilder MapRiskEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/enterprises/{id}/risk", async (string id, MasterDataCache cache, IGrainFactory grains) =>
                cache.Current.Enterprises.ContainsKey(id)
                    ? Results.Ok(View(await grains.GetGrain<IEnterpriseRiskGrain>(id).GetAsync()))
                    : Results.Problem(statusCode: 404, title: "Unknown enterprise", detail: $"No enterprise with credit code '{id}' is registered."))
            .Produces<RiskView>()
            .WithTags("Risk")
            .WithSummary("An enterprise's live risk score, level and the signals that make it, newest first")
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
