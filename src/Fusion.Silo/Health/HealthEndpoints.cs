using Fusion.Silo.Risk;
using JasperFx;
using Marten;
using Marten.Events.Daemon.Coordination;

namespace Fusion.Silo.Health;

public sealed record HealthReport(string Status, bool Silo, bool Store, bool Subscription, string? Problem);

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (IClusterClient cluster, IDocumentStore store, IProjectionCoordinator coordinator, CancellationToken ct) =>
            {
                var problems = new List<string>();
                var silo = await Check(problems, "silo", async () =>
                    (await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count > 0);
                var db = await Check(problems, "store", async () =>
                {
                    await using var session = store.QuerySession();
                    return await session.QueryAsync<int>("select 1", ct) is [1];
                });
                var subscription = await Check(problems, "subscription", () =>
                    Task.FromResult(coordinator.DaemonForMainDatabase().CurrentAgents()
                        .Any(a => a.Name.Name == RiskSubscription.SubscriptionId && a.Status == AgentStatus.Running)));
                var report = new HealthReport(problems.Count == 0 ? "up" : "down", silo, db, subscription, problems.Count == 0 ? null : string.Join("; ", problems));
                return Results.Json(report, statusCode: problems.Count == 0 ? 200 : 503);
            })
            .WithTags("Operations")
            .WithSummary("200 when the silo, the event store and the live-risk subscription are up; 503 otherwise, saying which is down");
        return app;
    }

    static async Task<bool> Check(List<string> problems, string part, Func<Task<bool>> probe)
    {
        try
        {
            if (await probe()) return true;
            problems.Add($"{part} is not running");
        }
        catch (Exception e)
        {
            problems.Add($"{part}: {e.Message}");
        }
        return false;
    }
}
