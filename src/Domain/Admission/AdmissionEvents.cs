using Fusion.Domain.Common;

namespace Fusion.Domain.Admission;

public enum AdmissionDecision { Admit, Refer, Refuse }

public enum ScreeningReasonKind { InvestorBlacklisted, RelatedEnterpriseBlacklisted, InvestorRiskLevel, InsideProtectedZone, NearProtectedZone, RestrictedIndustry, ExpectedEmissions }

/// <summary>One reason for a screening's decision, with what it would decide on its own.</summary>
public sealed record ScreeningReason(ScreeningReasonKind Kind, AdmissionDecision Decision, string Detail);

/// <summary>
/// A proposed project screened for admission (measure 12). Stream "admission:{ProjectId}"; a re-screening
/// of the same project names the screening before it. The location is a point or a polygon ring.
/// Expected emissions are tonnes a year by pollutant.
/// </summary>
public sealed record ProjectScreened(
    string ScreeningId, string ProjectId, string ProjectName, string InvestorCreditCode, IReadOnlyList<string> RelatedCreditCodes,
    string Industry, GeoPoint? Point, IReadOnlyList<GeoPoint>? Polygon, IReadOnlyDictionary<string, double> ExpectedEmissions,
    AdmissionDecision Decision, IReadOnlyList<ScreeningReason> Reasons, string? PreviousScreeningId,
    string ScreenedBy, DateTimeOffset ScreenedAt);
