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

/// <summary>One enterprise as it stands: Revision counts its amendments; AnnualFundObligationYuan is what its registered sales owe the fund a year.</summary>
public sealed record EnterpriseDetailView(
    string EnterpriseId, string Name, string Industry, string RegionId, decimal AnnualSalesRevenueYuan, decimal AnnualFundObligationYuan,
    double Longitude, double Latitude, int Revision, IReadOnlyList<SiteDetailView> Sites);

public sealed record SiteDetailView(string SiteId, string Kind, string Name, double Longitude, double Latitude, IReadOnlyList<CameraView> Cameras, IReadOnlyList<MonitorView> Monitors);

public sealed record CameraView(string CameraId, string? DeviceCode, int Revision, DateTimeOffset? RetiredFrom);

/// <summary>Limits are the latest entered, in force from LimitsFrom (null: since registration).</summary>
public sealed record MonitorView(string MonitorId, IReadOnlyDictionary<string, double> Limits, DateTimeOffset? LimitsFrom, int Revision, DateTimeOffset? RetiredFrom);

public static class MasterDataEndpoints
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 1000;

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

        app.MapGet("/api/regions", async (MasterDataCache cache, RegionRisk risk, HttpContext http, int? limit, int? offset) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var catalog = cache.Current;
                var regions = page.Of(catalog.Regions.Values.OrderBy(r => r.Kind == RegionKind.IndustrialPark).ThenBy(r => r.RegionId, StringComparer.Ordinal)).ToList();
                var scores = await Task.WhenAll(regions.Select(r => risk.ScoreAsync(r.RegionId, explain: false)));
                page.Describe(http, catalog.Regions.Count, regions.Count);
                return Results.Ok(regions.Select((r, i) => new RegionView(
                    r.RegionId, r.Name, r.NameZh, r.Kind.ToString(), r.ParentRegionId, r.Centre.Longitude, r.Centre.Latitude,
                    catalog.EnterprisesIn(r.RegionId).Count(),
                    scores[i].Score, scores[i].Level)));
            })
            .Produces<IEnumerable<RegionView>>()
            .ProducesProblem(400)
            .WithTags("Master data")
            .WithSummary($"Regions of Haixi with their current risk score and level, counties first; pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), " +
                         "the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/enterprises", (MasterDataCache cache, HttpContext http, string? region, int? limit, int? offset) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var catalog = cache.Current;
                if (region is not null && !catalog.Regions.ContainsKey(region))
                    return Results.Problem(statusCode: 404, title: "Unknown region", detail: $"There is no region '{region}'. Regions: {string.Join(", ", catalog.Regions.Keys.Order())}.");
                var inRegion = (region is null ? catalog.Enterprises.Values : catalog.EnterprisesIn(region)).ToList();
                var listed = page.Of(inRegion.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.EnterpriseId, StringComparer.Ordinal)).ToList();
                var ids = listed.Select(e => e.EnterpriseId).ToHashSet();
                var sites = catalog.Sites.Values.Where(s => ids.Contains(s.EnterpriseId)).ToLookup(s => s.EnterpriseId);
                var siteIds = sites.SelectMany(s => s).Select(s => s.SiteId).ToHashSet();
                var cameras = catalog.Cameras.Values.Where(c => siteIds.Contains(c.SiteId)).ToLookup(c => c.SiteId);
                var monitors = catalog.Monitors.Values.Where(m => siteIds.Contains(m.SiteId)).ToLookup(m => m.SiteId);
                page.Describe(http, inRegion.Count, listed.Count);
                return Results.Ok(listed.Select(e => new EnterpriseView(
                    e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.AnnualSalesRevenueYuan, e.Location.Longitude, e.Location.Latitude,
                    sites[e.EnterpriseId].OrderBy(s => s.SiteId).Select(s => new SiteView(s.SiteId, s.Kind.ToString(), s.Name, s.Location.Longitude, s.Location.Latitude,
                        cameras[s.SiteId].Select(c => c.CameraId).Order().ToArray(), monitors[s.SiteId].Select(m => m.MonitorId).Order().ToArray())).ToArray())));
            })
            .Produces<IEnumerable<EnterpriseView>>()
            .ProducesProblem(400)
            .ProducesProblem(404)
            .WithTags("Master data")
            .WithSummary($"Enterprises by name, optionally of one region (a county's list includes its industrial parks), with their sites; pages of {DefaultPageSize} " +
                         $"(limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header")
            .RequireAuthorization(Policies.Staff);

        app.MapGet("/api/enterprises/{id}", (string id, MasterDataCache cache, Fusion.Domain.Funds.FundPolicy policy, HttpContext http) =>
            {
                var catalog = cache.Current;
                if (!catalog.Enterprises.TryGetValue(id, out var e))
                    return Results.Problem(statusCode: 404, title: "Unknown enterprise", detail: $"No enterprise with credit code '{id}' is registered.");
                http.RequireArea(http.Areas(), id, e.RegionId, $"Enterprise '{id}'");
                return Results.Ok(Detail(catalog, e, policy));
            })
            .Produces<EnterpriseDetailView>()
            .ProducesProblem(403)
            .ProducesProblem(404)
            .WithTags("Master data")
            .WithSummary("One enterprise as it stands after its amendments, with its sites and their cameras and monitors (moves, limits, retirements); a leader or commissioner sees those of their areas")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    static EnterpriseDetailView Detail(MasterDataCatalog catalog, Enterprise e, Fusion.Domain.Funds.FundPolicy policy) =>
        new(e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.AnnualSalesRevenueYuan, policy.AnnualObligation(e.AnnualSalesRevenueYuan),
            e.Location.Longitude, e.Location.Latitude, e.Revision,
            catalog.Sites.Values.Where(s => s.EnterpriseId == e.EnterpriseId).OrderBy(s => s.SiteId, StringComparer.Ordinal)
                .Select(s => new SiteDetailView(s.SiteId, s.Kind.ToString(), s.Name, s.Location.Longitude, s.Location.Latitude,
                    catalog.Cameras.Values.Where(c => c.SiteId == s.SiteId).OrderBy(c => c.CameraId, StringComparer.Ordinal)
                        .Select(c => new CameraView(c.CameraId, c.DeviceCode, c.Revision, c.RetiredFrom)).ToArray(),
                    catalog.Monitors.Values.Where(m => m.SiteId == s.SiteId).OrderBy(m => m.MonitorId, StringComparer.Ordinal)
                        .Select(m => new MonitorView(m.MonitorId, m.Limits, m.LimitHistory.LastOrDefault()?.From, m.Revision, m.RetiredFrom)).ToArray()))
                .ToArray());
}
