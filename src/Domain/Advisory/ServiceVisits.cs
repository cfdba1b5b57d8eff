using Fusion.Domain.Common;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Advisory;

/// <summary>Who served: an expert adviser (参事) or an environmental steward provider (环保管家).</summary>
public enum ProviderKind { Expert, Steward }

/// <summary>
/// An expert's or steward's service visit to a park or an enterprise (measure 2), with the problems found: each problem
/// is recorded as an inspection finding (its id in FindingIds), so it opens a rectification case and weighs in the
/// enterprise's risk as an inspection's would. Appended to "service-visit:{VisitId}".
/// </summary>
public sealed record ServiceVisitRecorded(
    string VisitId, ProviderKind ProviderKind, string ProviderId, string ProviderName, string? EnterpriseId, string RegionId,
    DateTimeOffset VisitedAt, string Summary, IReadOnlyList<string> FindingIds,
    string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A problem found on a visit: at an enterprise (the visited one, or one in the visited park), with its deadline.</summary>
public sealed record ServiceProblem(string ProblemId, string EnterpriseId, string? SiteId, string Violation, Severity Severity, DateOnly RectifyBy);

public sealed record RecordServiceVisit(
    string VisitId, ProviderKind ProviderKind, string ProviderId, string? EnterpriseId, string? RegionId, DateTimeOffset VisitedAt, string Summary,
    IReadOnlyList<ServiceProblem> Problems, string By, DateTimeOffset Now);

/// <summary>A service visit as read back: the visit and the findings it opened.</summary>
public sealed record ServiceVisit(
    string Id, ProviderKind ProviderKind, string ProviderId, string ProviderName, string? EnterpriseId, string RegionId, DateTimeOffset VisitedAt,
    string Summary, IReadOnlyList<string> FindingIds, string RecordedBy, DateTimeOffset RecordedAt)
{
    public static ServiceVisit? Apply(ServiceVisit? state, object @event) => (state, @event) switch
    {
        (null, ServiceVisitRecorded e) => new ServiceVisit(e.VisitId, e.ProviderKind, e.ProviderId, e.ProviderName, e.EnterpriseId, e.RegionId, e.VisitedAt,
            e.Summary, e.FindingIds, e.RecordedBy, e.RecordedAt),
        _ => state,
    };
}

/// <summary>The decision to record a service visit: pure, the catalog and the visit's stream state are inputs.</summary>
public static class ServiceVisits
{
    /// <summary>A problem's finding id: the visit's and the problem's, so recording the visit again opens nothing twice.</summary>
    public static string FindingIdOf(string visitId, string problemId) => $"{visitId}.{problemId}";

    public static object[] Decide(RecordServiceVisit c, ServiceVisit? state, MasterDataCatalog catalog)
    {
        if (state is not null)
            return state.ProviderId == c.ProviderId && state.VisitedAt == c.VisitedAt && state.FindingIds.Count == c.Problems.Count
                ? []
                : throw new TransitionRefused($"service visit '{c.VisitId}' is already recorded ({state.ProviderKind} {state.ProviderId} on {state.VisitedAt:yyyy-MM-dd}) with other details");
        if (c.VisitedAt > c.Now) throw new DomainRejected($"service visit '{c.VisitId}' is dated {c.VisitedAt:yyyy-MM-dd HH:mm zzz}, after now: a visit is recorded once made");
        var providerName = c.ProviderKind switch
        {
            ProviderKind.Expert => catalog.Experts.GetValueOrDefault(c.ProviderId)?.Name,
            _ => catalog.Stewards.GetValueOrDefault(c.ProviderId)?.Name,
        } ?? throw new DomainRejected($"{(c.ProviderKind == ProviderKind.Expert ? "expert" : "steward")} '{c.ProviderId}' is not registered in master data");
        string regionId;
        IReadOnlySet<string> regions;
        if (c.EnterpriseId is { } visited)
        {
            regionId = catalog.Enterprises.GetValueOrDefault(visited)?.RegionId ?? throw new DomainRejected($"enterprise '{visited}' of service visit '{c.VisitId}' is not registered");
            regions = new HashSet<string>();
        }
        else if (c.RegionId is { } region && catalog.Regions.ContainsKey(region))
        {
            regionId = region;
            regions = catalog.RegionAndParks(region);
        }
        else throw new DomainRejected($"service visit '{c.VisitId}' needs the place visited: 'enterpriseId', or 'regionId' of a registered park or region (it had '{c.RegionId}')");
        if (c.Problems.Select(p => p.ProblemId).Distinct().Count() != c.Problems.Count)
            throw new DomainRejected($"service visit '{c.VisitId}' lists a problem id twice");
        var visitDay = DateOnly.FromDateTime(c.VisitedAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var findings = new List<object>();
        foreach (var p in c.Problems)
        {
            var enterprise = catalog.Enterprises.GetValueOrDefault(p.EnterpriseId)
                ?? throw new DomainRejected($"problem '{p.ProblemId}': enterprise '{p.EnterpriseId}' is not registered");
            if (c.EnterpriseId is { } only ? p.EnterpriseId != only : !regions.Contains(enterprise.RegionId))
                throw new DomainRejected($"problem '{p.ProblemId}': enterprise '{p.EnterpriseId}' is not {(c.EnterpriseId is null ? $"in {regionId}, the place visited" : "the enterprise visited")}");
            if (p.SiteId is { } site && catalog.Sites.GetValueOrDefault(site)?.EnterpriseId != p.EnterpriseId)
                throw new DomainRejected($"problem '{p.ProblemId}': site '{site}' is not a site of enterprise '{p.EnterpriseId}'");
            if (p.RectifyBy < visitDay) throw new DomainRejected($"problem '{p.ProblemId}': rectify by {p.RectifyBy:yyyy-MM-dd} comes before the visit ({visitDay:yyyy-MM-dd})");
            if (string.IsNullOrWhiteSpace(p.Violation)) throw new DomainRejected($"problem '{p.ProblemId}' needs 'violation', what was found");
            findings.Add(new InspectionFindingRecorded(FindingIdOf(c.VisitId, p.ProblemId), p.EnterpriseId, enterprise.RegionId, p.SiteId, p.Violation, p.Severity, p.RectifyBy,
                $"{providerName} ({(c.ProviderKind == ProviderKind.Expert ? "参事" : "环保管家")} {c.ProviderId})", c.VisitedAt));
        }
        return
        [
            new ServiceVisitRecorded(c.VisitId, c.ProviderKind, c.ProviderId, providerName, c.EnterpriseId, regionId, c.VisitedAt, c.Summary,
                [.. findings.Cast<InspectionFindingRecorded>().Select(f => f.FindingId)], c.By, c.Now),
            .. findings,
        ];
    }
}
