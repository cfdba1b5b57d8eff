using Fusion.Domain.Risk;

namespace Fusion.Domain.Admission;

/// <summary>An industry of the restricted catalogue (high-risk, high-pollution), by the master data's industry name.</summary>
public sealed class RestrictedIndustry
{
    public string Industry { get; set; } = "";
    public AdmissionDecision Decision { get; set; } = AdmissionDecision.Refer;
    public string Reason { get; set; } = "";
}

/// <summary>Measure 12's numbers and catalogue (configuration section "Admission").</summary>
public sealed class AdmissionPolicy
{
    /// <summary>A site within this many metres of a protected zone's edge is referred for assessment; inside one it is refused.</summary>
    public double ZoneBufferMetres { get; set; } = 5000;

    /// <summary>An investor at this risk level or above is referred …</summary>
    public RiskLevel ReferAtLevel { get; set; } = RiskLevel.Red;

    /// <summary>… and at this one refused.</summary>
    public RiskLevel RefuseAtLevel { get; set; } = RiskLevel.Black;

    public List<RestrictedIndustry> RestrictedIndustries { get; set; } = [];

    /// <summary>Expected emissions above these tonnes a year (by pollutant) are referred for assessment.</summary>
    public Dictionary<string, double> EmissionReferTonnesPerYear { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
