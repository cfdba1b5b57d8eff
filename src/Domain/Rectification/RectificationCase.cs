using Fusion.Domain.Common;

namespace Fusion.Domain.Rectification;

/// <summary>
/// A rectification case folded from its stream. Apply never throws and reads no clock. Open means not
/// yet verified: a case whose work was reported complete is still open until someone checks on site.
/// </summary>
public sealed record RectificationCase(
    string Id, CaseOrigin Origin, string FindingId, string EnterpriseId, string RegionId, string? SiteId,
    string Violation, Severity Severity, DateOnly Deadline, DateTimeOffset DueAt, CaseStatus Status, bool Overdue,
    IReadOnlyList<string> CommissionerIds, IReadOnlyList<string> EscalatedTo, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? VerifiedAt)
{
    public bool IsOpen => Status != CaseStatus.Verified;

    /// <summary>The commissioners overseeing a region (督察专员) at a moment, or its parent region's when it has none of its own.</summary>
    public static IReadOnlyList<string> CommissionersFor(MasterData.MasterDataCatalog catalog, string regionId, DateTimeOffset at)
    {
        var inForce = catalog.CommissionersAt(at).ToList();
        for (var region = catalog.Regions.GetValueOrDefault(regionId); region is not null; region = catalog.Regions.GetValueOrDefault(region.ParentRegionId ?? ""))
        {
            var ids = inForce.Where(c => c.RegionId == region.RegionId).Select(c => c.CommissionerId).Order(StringComparer.Ordinal).ToArray();
            if (ids.Length > 0) return ids;
        }
        return [];
    }

    public static RectificationCase? Fold(IEnumerable<object> events) =>
        events.Aggregate((RectificationCase?)null, (state, e) => Apply(state, e));

    public static RectificationCase? Apply(RectificationCase? state, object @event) => (state, @event) switch
    {
        (null, RectificationCaseOpened e) => new RectificationCase(
            e.CaseId, e.Origin, e.OriginId, e.EnterpriseId, e.RegionId, e.SiteId, e.Violation, e.Severity, e.Deadline, e.DueAt,
            CaseStatus.AwaitingPlan, false, e.CommissionerIds.ToArray(), [], e.OpenedAt, e.OpenedAt, null),
        (null, _) => null,
        (_, RectificationPlanSubmitted e) => state with { Status = CaseStatus.PlanSubmitted, UpdatedAt = e.SubmittedAt },
        (_, RectificationPlanAccepted e) => state with { Status = CaseStatus.InProgress, UpdatedAt = e.AcceptedAt },
        (_, RectificationPlanReturned e) => state with { Status = CaseStatus.PlanReturned, UpdatedAt = e.ReturnedAt },
        (_, RectificationReportedComplete e) => state with { Status = CaseStatus.AwaitingVerification, UpdatedAt = e.ReportedAt },
        (_, RectificationRejected e) => state with { Status = CaseStatus.InProgress, UpdatedAt = e.RejectedAt },
        (_, RectificationVerified e) => state with { Status = CaseStatus.Verified, UpdatedAt = e.VerifiedAt, VerifiedAt = e.VerifiedAt },
        (_, RectificationDeadlineExtended e) => state with { Deadline = e.Deadline, DueAt = e.DueAt, UpdatedAt = e.ExtendedAt },
        (_, RectificationOverdue e) => state with { Overdue = true, EscalatedTo = e.EscalatedTo.ToArray(), UpdatedAt = e.DetectedAt },
        _ => state,
    };
}
