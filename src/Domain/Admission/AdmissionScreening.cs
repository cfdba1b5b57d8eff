using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Admission;

/// <summary>A proposed project as the investment office submits it.</summary>
public sealed record ProposedProject(
    string ProjectId, string Name, string InvestorCreditCode, IReadOnlyList<string> RelatedCreditCodes, string Industry,
    GeoPoint? Point, IReadOnlyList<GeoPoint>? Polygon, IReadOnlyDictionary<string, double> ExpectedEmissions);

/// <summary>What the platform knows at the moment of screening: who is on the blacklist until when, the investor's risk, the zones.</summary>
public sealed record ScreeningFacts(
    IReadOnlyDictionary<string, DateTimeOffset> ListedUntil, RiskLevel? InvestorLevel, IReadOnlyCollection<ProtectedZone> Zones);

/// <summary>Project admission screening (measure 12) as a pure function: admit, refer or refuse, with every reason.</summary>
public static class AdmissionScreening
{
    /// <summary>The proposal's problems, or none; the edge answers 422 with them.</summary>
    public static IReadOnlyList<string> Problems(ProposedProject p)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(p.ProjectId)) problems.Add("'projectId' is required");
        if (string.IsNullOrWhiteSpace(p.Industry)) problems.Add("'industry' is required");
        foreach (var (field, code) in p.RelatedCreditCodes.Select(c => ("relatedCreditCodes", c)).Prepend(("investorCreditCode", p.InvestorCreditCode)))
            if (CreditCode.Problem(code) is { } problem) problems.Add($"'{field}' {code}: {problem}");
        if ((p.Point is null) == (p.Polygon is null)) problems.Add("give the location as either 'point' or 'polygon'");
        if (p.Polygon is { Count: < 3 }) problems.Add("'polygon' needs at least three corners");
        if (p.Point is { } point && !OnEarth(point)) problems.Add($"'point' should be [longitude, latitude] in degrees, not [{point.Longitude}, {point.Latitude}]");
        for (var i = 0; i < (p.Polygon?.Count ?? 0); i++)
            if (!OnEarth(p.Polygon![i])) problems.Add($"'polygon' corner {i + 1} should be [longitude, latitude] in degrees");
        foreach (var (pollutant, tonnes) in p.ExpectedEmissions)
            if (tonnes < 0 || !double.IsFinite(tonnes)) problems.Add($"'expectedEmissions.{pollutant}' should be tonnes a year, not {tonnes}");
        return problems;
    }

    static bool OnEarth(GeoPoint p) => p.Longitude is >= -180 and <= 180 && p.Latitude is >= -90 and <= 90;

    public static (AdmissionDecision Decision, IReadOnlyList<ScreeningReason> Reasons) Screen(
        ProposedProject p, ScreeningFacts facts, AdmissionPolicy policy, DateTimeOffset now)
    {
        var reasons = new List<ScreeningReason>();
        if (facts.ListedUntil.TryGetValue(p.InvestorCreditCode, out var until) && until > now)
            reasons.Add(new(ScreeningReasonKind.InvestorBlacklisted, AdmissionDecision.Refuse,
                $"The investor {p.InvestorCreditCode} is on the environmental blacklist until {until:yyyy-MM-dd}."));
        foreach (var related in p.RelatedCreditCodes.Distinct())
            if (facts.ListedUntil.TryGetValue(related, out var relatedUntil) && relatedUntil > now)
                reasons.Add(new(ScreeningReasonKind.RelatedEnterpriseBlacklisted, AdmissionDecision.Refuse,
                    $"The related enterprise {related} is on the environmental blacklist until {relatedUntil:yyyy-MM-dd}."));

        if (facts.InvestorLevel is { } level && level >= policy.ReferAtLevel)
            reasons.Add(new(ScreeningReasonKind.InvestorRiskLevel, level >= policy.RefuseAtLevel ? AdmissionDecision.Refuse : AdmissionDecision.Refer,
                $"The investor's current environmental risk level is {level}."));

        foreach (var zone in facts.Zones)
        {
            var metres = p.Polygon is { } polygon ? Geo.DistanceBetweenPolygonsMetres(polygon, zone.Polygon) : Geo.DistanceToPolygonMetres(zone.Polygon, p.Point!);
            if (metres == 0)
                reasons.Add(new(ScreeningReasonKind.InsideProtectedZone, AdmissionDecision.Refuse, $"The site lies inside {zone.Name} ({zone.NameZh})."));
            else if (metres <= policy.ZoneBufferMetres)
                reasons.Add(new(ScreeningReasonKind.NearProtectedZone, AdmissionDecision.Refer,
                    $"The site lies {metres / 1000:0.0} km from {zone.Name} ({zone.NameZh}), within {policy.ZoneBufferMetres / 1000:0.#} km."));
        }

        if (policy.RestrictedIndustries.FirstOrDefault(r => string.Equals(r.Industry, p.Industry, StringComparison.OrdinalIgnoreCase)) is { } restricted)
            reasons.Add(new(ScreeningReasonKind.RestrictedIndustry, restricted.Decision,
                $"'{p.Industry}' is on the restricted catalogue: {restricted.Reason}".TrimEnd(' ', ':') + "."));

        foreach (var (pollutant, tonnes) in p.ExpectedEmissions.OrderBy(e => e.Key, StringComparer.Ordinal))
            if (policy.EmissionReferTonnesPerYear.TryGetValue(pollutant, out var limit) && tonnes > limit)
                reasons.Add(new(ScreeningReasonKind.ExpectedEmissions, AdmissionDecision.Refer,
                    $"Expected {pollutant} of {tonnes:0.##} t/a is above {limit:0.##} t/a."));

        var decision = reasons.Count == 0 ? AdmissionDecision.Admit : reasons.Max(r => r.Decision);
        return (decision, reasons);
    }
}
