using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;
using Fusion.Silo.Ingest;
using Fusion.Silo.Risk;

using Fusion.Silo.Hosting;
using Fusion.Silo.Security;

namespace Fusion.Silo.MasterData;

public sealed record RegionView(
    string RegionId, string Name, string NameZh, string Kind, string? ParentRegionId, double Longitude, double Latitude,
    int Enterprises, double Score, RiskLevel Level);

public sealed record EnterpriseView(
    string EnterpriseId, string Name, string Industry, string RegionId, decimal AnnualSalesRevenueYuan,
    double Longitude, double Latitude, IReadOnlyList<SiteView> Sites);

public sealed record SiteView(string SiteId, string Kind, string Name, double Longitude, double Latitude, IReadOnlyList<string> Cameras, IReadOnlyList<string> Monitors);

public static class MasterDataEndpoints
{
    public static IEndpointRouteBuilder MapMasterDataEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/master-data", async (HttpRequest request, IngestPipeline pipeline, MasterDataCache cache, Monitoring.MonitorPasswords passwords, IngestOptions options, BodyLimits limits, PlatformClock clock, CancellationToken ct) =>
            {
                var (raw, refusal) = await BodyLimits.ReadAsync(request, limits.MasterData, nameof(BodyLimits.MasterData), ct);
                if (refusal is not null) return refusal;
                JsonElement? document = null;
                var answer = await IngestEndpoints.JsonAsync(MasterDataFeed.Name, raw!, pipeline, ct,
                    body => MasterDataFeed.Translate((document = body.Clone()).Value, cache.Current, clock.Now, options.Checks(clock.Now)));
                // Monitors' access passwords are kept apart from the events, hashed, once their monitors are registered.
                if (document is { } registered) await passwords.SaveAsync(registered, clock.Now, ct);
                return answer;
            })
            .Accepts<MasterDataDocument>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(400)
            .ProducesProblem(413)
            .WithTags("Master data")
            .WithSummary("Registers regions, enterprises (with sites, cameras and monitors), protected zones, leaders and commissioners")
            .RequireAuthorization(Policies.Admin);

        app.MapGet("/api/regions", async (MasterDataCache cache, RegionRisk risk) =>
            {
                var catalog = cache.Current;
                var regions = catalog.Regions.Values.OrderBy(r => r.Kind == RegionKind.IndustrialPark).ThenBy(r => r.RegionId).ToList();
                var scores = await Task.WhenAll(regions.Select(r => risk.ScoreAsync(r.RegionId, explain: false)));
                return regions.Select((r, i) => new RegionView(
                    r.RegionId, r.Name, r.NameZh, r.Kind.ToString(), r.ParentRegionId, r.Centre.Longitude, r.Centre.Latitude,
                    catalog.EnterprisesIn(r.RegionId).Count(),
                    scores[i].Score, scores[i].Level));
            })
            .WithTags("Master data")
            .WithSummary("Regions of Haixi with their current risk score and level")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/enterprises", (MasterDataCache cache, string? region) =>
            {
                var catalog = cache.Current;
                if (region is not null && !catalog.Regions.ContainsKey(region))
                    return Results.Problem(statusCode: 404, title: "Unknown region", detail: $"There is no region '{region}'. Regions: {string.Join(", ", catalog.Regions.Keys.Order())}.");
                var sites = catalog.Sites.Values.ToLookup(s => s.EnterpriseId);
                var cameras = catalog.Cameras.Values.ToLookup(c => c.SiteId);
                var monitors = catalog.Monitors.Values.ToLookup(m => m.SiteId);
                var inRegion = region is null ? catalog.Enterprises.Values : catalog.EnterprisesIn(region);
                return Results.Ok(inRegion.OrderBy(e => e.Name).Select(e => new EnterpriseView(
                    e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.AnnualSalesRevenueYuan, e.Location.Longitude, e.Location.Latitude,
                    sites[e.EnterpriseId].OrderBy(s => s.SiteId).Select(s => new SiteView(s.SiteId, s.Kind.ToString(), s.Name, s.Location.Longitude, s.Location.Latitude,
                        cameras[s.SiteId].Select(c => c.CameraId).Order().ToArray(), monitors[s.SiteId].Select(m => m.MonitorId).Order().ToArray())).ToArray())));
            })
            .WithTags("Master data")
            .WithSummary("Enterprises, optionally of one region (a county's list includes its industrial parks), with their sites")
            .RequireAuthorization(Policies.Staff);
        return app;
    }
}
