using System.Collections.Immutable;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Leaders;

/// <summary>One visit as the leader's record shows it.</summary>
public sealed record LeaderVisit(
    string VisitId, VisitKind Kind, string? EnterpriseId, string RegionId, DateOnly From, DateOnly To, string Purpose, string? Observations,
    bool InOwnArea, string LoggedBy, DateTimeOffset LoggedAt)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
}

/// <summary>Log a visit; Now is when it is logged (a visit is logged once it has begun).</summary>
public sealed record LogVisit(
    string VisitId, string LeaderId, VisitKind Kind, string? EnterpriseId, string RegionId, DateOnly From, DateOnly To,
    string Purpose, string? Observations, string By, DateTimeOffset Now);

/// <summary>
/// A leader's visits (蹲点 and inspections): folded from their stream, and the decision to log one. The leader and the
/// catalog (their assignments over time) are inputs; nothing here reads a clock.
/// </summary>
public static class LeaderVisits
{
    public static ImmutableList<LeaderVisit> Apply(ImmutableList<LeaderVisit> visits, object @event) => @event switch
    {
        LeaderVisitLogged e when visits.All(v => v.VisitId != e.VisitId) => visits.Add(new LeaderVisit(
            e.VisitId, e.Kind, e.EnterpriseId, e.RegionId, e.From, e.To, e.Purpose, e.Observations, e.InOwnArea, e.LoggedBy, e.LoggedAt)),
        _ => visits,
    };

    public static ImmutableList<LeaderVisit> Fold(IEnumerable<object> events) => events.Aggregate(ImmutableList<LeaderVisit>.Empty, Apply);

    public static LeaderVisitLogged[] Decide(LogVisit c, Leader leader, IReadOnlyList<LeaderVisit> logged, MasterDataCatalog catalog)
    {
        if (c.To < c.From)
            throw new DomainRejected($"visit '{c.VisitId}' ends on {c.To:yyyy-MM-dd}, before it begins on {c.From:yyyy-MM-dd}");
        var today = DateOnly.FromDateTime(c.Now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        if (c.From > today)
            throw new DomainRejected($"visit '{c.VisitId}' begins on {c.From:yyyy-MM-dd}; a visit is logged once it has begun (today is {today:yyyy-MM-dd} in Beijing)");
        if (logged.FirstOrDefault(v => v.VisitId == c.VisitId) is { } earlier)
            return earlier.Kind == c.Kind && earlier.From == c.From && earlier.To == c.To && earlier.EnterpriseId == c.EnterpriseId && earlier.RegionId == c.RegionId
                ? []
                : throw new TransitionRefused($"visit '{c.VisitId}' of leader '{leader.LeaderId}' is already logged ({earlier.Kind} {earlier.From:yyyy-MM-dd}–{earlier.To:yyyy-MM-dd} at {earlier.EnterpriseId ?? earlier.RegionId}) with other details");
        var began = Tenures.StartOf(c.From);
        if (Tenures.At(leader.Tenures, began) is not { } tenure)
            throw new TransitionRefused($"leader '{leader.LeaderId}' answered for no area on {c.From:yyyy-MM-dd}; a visit is logged for the time they held an assignment");
        var own = AreaScope.OfTenure(tenure, catalog).Covers(c.EnterpriseId, c.RegionId);
        return [new LeaderVisitLogged(c.VisitId, c.LeaderId, c.Kind, c.EnterpriseId, c.RegionId, c.From, c.To, c.Purpose, c.Observations, own, c.By, c.Now)];
    }
}
