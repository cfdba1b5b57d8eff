namespace Fusion.Domain.Leaders;

/// <summary>A stay on site (蹲点: days spent at an enterprise or in a region, working alongside) or an inspection (检查).</summary>
public enum VisitKind { Stay, Inspection }

/// <summary>
/// A leader logged a visit: where (an enterprise, or a region), the days it covered (Beijing calendar days, To
/// inclusive), what it was for and what they saw. InOwnArea says whether the place lay in the area they answered for
/// when the visit began. Appended to the leader's stream ("leader:{LeaderId}").
/// </summary>
public sealed record LeaderVisitLogged(
    string VisitId, string LeaderId, VisitKind Kind, string? EnterpriseId, string RegionId, DateOnly From, DateOnly To,
    string Purpose, string? Observations, bool InOwnArea,
    string LoggedBy, DateTimeOffset LoggedAt);
