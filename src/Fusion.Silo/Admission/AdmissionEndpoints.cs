using Fusion.Domain;
using Fusion.Domain.Admission;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Common;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Risk;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Admission;

/// <summary>A proposed project. Point is [longitude, latitude]; Polygon a ring of such pairs. Expected emissions in tonnes a year by pollutant.</summary>
public sealed record ScreenBody(
    string ProjectId, string Name, string InvestorCreditCode, string Industry, string? ScreenedBy = null,
    string[]? RelatedCreditCodes = null, double[]? Point = null, double[][]? Polygon = null, Dictionary<string, double>? ExpectedEmissions = null);

public sealed record ScreeningAnswer(string ScreeningId, string ProjectId, AdmissionDecision Decision, IReadOnlyList<ScreeningReason> Reasons, string? PreviousScreeningId);

/// <summary>Project admission screening (measure 12).</summary>
public static class AdmissionEndpoints
{
    public static readonly Type[] EventTypes = [typeof(ProjectScreened)];

    public static IEndpointRouteBuilder MapAdmissionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admission").WithTags("Admission screening");

        group.MapPost("/screen", async (ScreenBody body, HttpContext http, IDocumentStore store, MasterDataCache masterData, IGrainFactory grains, AdmissionPolicy policy, PlatformClock clock, CancellationToken ct) =>
            {
                var project = Proposal(body);
                if (AdmissionScreening.Problems(project) is { Count: > 0 } problems)
                    throw new DomainRejected(string.Join("; ", problems) + ".");
                var screenedBy = http.Actor(body.ScreenedBy);
                var now = clock.Now;
                var catalog = masterData.Current;
                var codes = project.RelatedCreditCodes.Append(project.InvestorCreditCode).Distinct().ToArray();
                // The screening reads the live record: the view it was taken on is now (the last event stored), kept with it.
                var view = await DecisionView.TakeAsync(store, null, clock, ct);
                await using var session = store.LightweightSession();
                view.Stamp(session);
                var listings = (await session.LoadManyAsync<BlacklistRecord>(ct, codes))
                    .Where(r => r.ListedAt(now)).ToDictionary(r => r.Id, r => r.Current?.ListedUntil ?? r.Listings[^1].ListedUntil);
                var investorLevel = catalog.Enterprises.ContainsKey(project.InvestorCreditCode)
                    ? (await grains.GetGrain<IEnterpriseRiskGrain>(project.InvestorCreditCode).GetAsync()).Value.Level
                    : (Domain.Risk.RiskLevel?)null;
                var (decision, reasons) = AdmissionScreening.Screen(project, new ScreeningFacts(listings, investorLevel, catalog.Zones.Values.ToArray()), policy, now);

                var stream = Streams.Admission(project.ProjectId);
                var earlier = await session.Events.FetchStreamAsync(stream, token: ct);
                var previous = earlier.Select(e => e.Data).OfType<ProjectScreened>().LastOrDefault();
                var screened = new ProjectScreened(Guid.CreateVersion7(now).ToString(), project.ProjectId, project.Name, project.InvestorCreditCode,
                    project.RelatedCreditCodes, project.Industry, project.Point, project.Polygon, project.ExpectedEmissions, decision, reasons,
                    previous?.ScreeningId, screenedBy, now);
                session.Events.Append(stream, earlier.Count + 1, screened);
                await session.SaveChangesAsync(ct);
                return new ScreeningAnswer(screened.ScreeningId, screened.ProjectId, decision, reasons, screened.PreviousScreeningId);
            })
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Screens a proposed project: admit, refer or refuse, with every reason (blacklisted investor or related enterprise, the investor's risk level, protected zones, the restricted industry catalogue, expected emissions). Screening a project again links the earlier screening.")
            .RequireAuthorization(Policies.Oversight);

        group.MapGet("/{projectId}", async (string projectId, IDocumentStore store, CancellationToken ct) =>
            {
                await using var session = store.QuerySession();
                var history = await StreamDecisions.HistoryAsync(session, Streams.Admission(projectId), ct);
                return history.Count == 0
                    ? Results.Problem(statusCode: 404, title: "Unknown project", detail: $"Project '{projectId}' has never been screened.")
                    : Results.Ok(history);
            })
            .WithSummary("A project's screenings, oldest first")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    static ProposedProject Proposal(ScreenBody b) => new(
        b.ProjectId ?? "", b.Name ?? "", b.InvestorCreditCode ?? "", b.RelatedCreditCodes ?? [], b.Industry ?? "",
        b.Point is { Length: 2 } p ? new GeoPoint(p[0], p[1]) : null,
        b.Polygon?.Select(p => p is { Length: 2 } ? new GeoPoint(p[0], p[1]) : new GeoPoint(double.NaN, double.NaN)).ToArray(),
        b.ExpectedEmissions ?? []);
}
