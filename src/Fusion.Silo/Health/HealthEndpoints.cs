using Fusion.Silo.Parking;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Health;

/// <summary>
/// Status "up" (200), "degraded" (200: everything runs, but a consumer has parked events or is stalled)
/// or "down" (503: the silo, the store or a required consumer is not running), with each consumer's state and whether
/// this silo does the cluster's time-driven work (Duties: always true for a silo alone) and how far live risk had come
/// when it last assessed the regions (RegionsAssessedThrough, an event sequence; null when it has not).
/// </summary>
public sealed record HealthReport(string Status, bool Silo, bool Store, bool Subscription, string? Problem, IReadOnlyList<ConsumerStatus> Consumers, bool Duties,
    long? RegionsAssessedThrough);

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (IClusterClient cluster, IDocumentStore store, Consumers consumers, Cluster.ClusterDuty duty, Risk.RegionAssessor regions, CancellationToken ct) =>
            {
                var problems = new List<string>();
                var silo = await Check(problems, "silo", async () =>
                    (await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count > 0);
                var db = await Check(problems, "store", async () =>
                {
                    await using var session = store.QuerySession();
                    return await session.QueryAsync<int>("select 1", ct) is [1];
                });
                IReadOnlyList<ConsumerStatus> all = [];
                var subscriptions = await Check(problems, "subscriptions", () =>
                {
                    all = consumers.Snapshot();
                    foreach (var c in all.Where(c => !c.Up && Consumers.Required.Contains(c.Name)))
                        problems.Add($"consumer {c.Name} is {c.State.ToLowerInvariant()}{(c.Failure is null ? "" : $": {c.Failure}")}");
                    return Task.FromResult(all.Where(c => Consumers.Required.Contains(c.Name)).All(c => c.Up));
                }, quiet: true);
                var warnings = all.Where(c => c.Parked > 0).Select(c => $"consumer {c.Name} has {c.Parked} parked event(s) (GET /api/parked?consumer={c.Name})")
                    .Concat(all.Where(c => c.Stalled).Select(c => $"consumer {c.Name} is stalled {c.Lag} event(s) behind"))
                    .ToList();
                var status = problems.Count > 0 ? "down" : warnings.Count > 0 ? "degraded" : "up";
                var report = new HealthReport(status, silo, db, subscriptions,
                    problems.Count + warnings.Count == 0 ? null : string.Join("; ", problems.Concat(warnings)), all, duty.Held, regions.AssessedThrough);
                return Results.Json(report, statusCode: problems.Count == 0 ? 200 : 503);
            })
            .WithTags("Operations")
            .WithSummary("200 \"up\" when the silo, the event store and every consumer run; 200 \"degraded\" when a consumer has parked events or is stalled; 503 \"down\" naming what is not running")
            .AllowAnonymous();
        return app;
    }

    static async Task<bool> Check(List<string> problems, string part, Func<Task<bool>> probe, bool quiet = false)
    {
        try
        {
            if (await probe()) return true;
            if (!quiet) problems.Add($"{part} is not running");
        }
        catch (Exception e)
        {
            problems.Add($"{part}: {e.Message}");
        }
        return false;
    }
}
