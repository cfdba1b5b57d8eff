using Fusion.Domain.Admission;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Admission;

/// <summary>Measure 12: each reason to refuse or refer a project, and a project with none admitted.</summary>
public class AdmissionScreeningSpecs
{
    static readonly GeoPoint[] Reserve = [new(96.80, 37.20), new(97.00, 37.20), new(97.00, 37.35), new(96.80, 37.35)];
    static readonly ProtectedZone Zone = new("Z-1", "Keluke Lake wetland", "可鲁克湖湿地", "wetland", "delingha", Reserve);
    static readonly GeoPoint FarAway = new(95.5, 36.5);

    static readonly AdmissionPolicy Policy = new()
    {
        ZoneBufferMetres = 5000,
        RestrictedIndustries = [new() { Industry = "nonferrous-smelting", Decision = AdmissionDecision.Refuse, Reason = "no new smelting capacity" },
                                new() { Industry = "coal-chemicals", Decision = AdmissionDecision.Refer, Reason = "needs the provincial assessment" }],
        EmissionReferTonnesPerYear = new() { ["SO2"] = 100 },
    };

    static ProposedProject Project(string industry = "lithium", GeoPoint? point = null, IReadOnlyList<GeoPoint>? polygon = null,
        IReadOnlyList<string>? related = null, Dictionary<string, double>? emissions = null) =>
        new("PRJ-1", "Lithium carbonate line", SaltLake, related ?? [], industry, polygon is null ? point ?? FarAway : null, polygon, emissions ?? []);

    static (AdmissionDecision Decision, IReadOnlyList<ScreeningReason> Reasons) Screen(ProposedProject p, RiskLevel? level = RiskLevel.Green,
        Dictionary<string, DateTimeOffset>? listed = null) =>
        AdmissionScreening.Screen(p, new ScreeningFacts(listed ?? [], level, [Zone]), Policy, T0);

    [Fact]
    public void GivenNothingAgainstIt_WhenScreened_ThenAdmittedWithNoReasons()
    {
        var (decision, reasons) = Screen(Project());
        Assert.Equal(AdmissionDecision.Admit, decision);
        Assert.Empty(reasons);
    }

    [Fact]
    public void GivenABlacklistedInvestor_WhenScreened_ThenRefused()
    {
        var (decision, reasons) = Screen(Project(), listed: new() { [SaltLake] = T0.AddYears(1) });
        Assert.Equal(AdmissionDecision.Refuse, decision);
        Assert.Equal(ScreeningReasonKind.InvestorBlacklisted, Assert.Single(reasons).Kind);
    }

    [Fact]
    public void GivenAnInvestorWhoseBanHasEnded_WhenScreened_ThenAdmitted() =>
        Assert.Equal(AdmissionDecision.Admit, Screen(Project(), listed: new() { [SaltLake] = T0 }).Decision);

    [Fact]
    public void GivenABlacklistedRelatedEnterprise_WhenScreened_ThenRefusedNamingIt()
    {
        var (decision, reasons) = Screen(Project(related: [Potash]), listed: new() { [Potash] = T0.AddYears(1) });
        Assert.Equal(AdmissionDecision.Refuse, decision);
        Assert.Contains(Potash, Assert.Single(reasons, r => r.Kind == ScreeningReasonKind.RelatedEnterpriseBlacklisted).Detail);
    }

    [Theory]
    [InlineData(RiskLevel.Yellow, AdmissionDecision.Admit)]
    [InlineData(RiskLevel.Red, AdmissionDecision.Refer)]
    [InlineData(RiskLevel.Black, AdmissionDecision.Refuse)]
    public void GivenTheInvestorsRiskLevel_WhenScreened_ThenTheDecisionFollowsThePolicy(RiskLevel level, AdmissionDecision expected) =>
        Assert.Equal(expected, Screen(Project(), level).Decision);

    [Fact]
    public void GivenASiteInsideAProtectedZone_WhenScreened_ThenRefused() =>
        Assert.Equal([ScreeningReasonKind.InsideProtectedZone], Screen(Project(point: new(96.9, 37.3))).Reasons.Select(r => r.Kind));

    [Fact]
    public void GivenASiteWithinTheBufferOfAProtectedZone_WhenScreened_ThenReferredWithTheDistance()
    {
        var (decision, reasons) = Screen(Project(point: new(97.03, 37.3))); // about 2.7 km east of the edge
        Assert.Equal(AdmissionDecision.Refer, decision);
        Assert.Contains("2.7 km from Keluke Lake wetland", Assert.Single(reasons).Detail);
    }

    [Fact]
    public void GivenASiteJustBeyondTheBuffer_WhenScreened_ThenAdmitted() =>
        Assert.Equal(AdmissionDecision.Admit, Screen(Project(point: new(97.06, 37.3))).Decision); // about 5.3 km

    [Fact]
    public void GivenASitePolygonOverlappingAProtectedZone_WhenScreened_ThenRefused() =>
        Assert.Equal(AdmissionDecision.Refuse,
            Screen(Project(polygon: [new(96.95, 37.10), new(97.10, 37.10), new(97.10, 37.25), new(96.95, 37.25)])).Decision);

    [Theory]
    [InlineData("nonferrous-smelting", AdmissionDecision.Refuse)]
    [InlineData("Coal-Chemicals", AdmissionDecision.Refer)]
    public void GivenAnIndustryOnTheRestrictedCatalogue_WhenScreened_ThenTheCataloguesDecision(string industry, AdmissionDecision expected)
    {
        var (decision, reasons) = Screen(Project(industry));
        Assert.Equal(expected, decision);
        Assert.Equal(ScreeningReasonKind.RestrictedIndustry, Assert.Single(reasons).Kind);
    }

    [Fact]
    public void GivenExpectedEmissionsAboveTheThreshold_WhenScreened_ThenReferred() =>
        Assert.Equal(AdmissionDecision.Refer, Screen(Project(emissions: new() { ["SO2"] = 120, ["NOx"] = 500 })).Decision);

    [Fact]
    public void GivenSeveralReasons_WhenScreened_ThenTheGravestDecidesAndEveryReasonIsGiven()
    {
        var (decision, reasons) = Screen(Project("coal-chemicals", point: new(96.9, 37.3), emissions: new() { ["SO2"] = 120 }), RiskLevel.Red);
        Assert.Equal(AdmissionDecision.Refuse, decision);
        Assert.Equal([ScreeningReasonKind.InvestorRiskLevel, ScreeningReasonKind.InsideProtectedZone, ScreeningReasonKind.RestrictedIndustry, ScreeningReasonKind.ExpectedEmissions],
            reasons.Select(r => r.Kind));
    }

    [Fact]
    public void GivenABadCreditCodeAndTwoLocations_WhenChecked_ThenEachProblemIsNamed()
    {
        var problems = AdmissionScreening.Problems(Project() with { InvestorCreditCode = "91632801MA7523XK8B", Polygon = Reserve });
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("'investorCreditCode' 91632801MA7523XK8B", problems[0]);
    }

    [Fact]
    public void GivenALocationOffTheGlobe_WhenChecked_ThenEachBadCornerIsNamed()
    {
        var corners = Reserve.ToList();
        corners[1] = new(double.NaN, double.NaN); // a corner sent with one number
        var problems = AdmissionScreening.Problems(Project() with { Point = null, Polygon = corners });
        Assert.Equal(["'polygon' corner 2 should be [longitude, latitude] in degrees"], problems);

        problems = AdmissionScreening.Problems(Project() with { Point = new(37.3, 96.9) });
        Assert.Equal(["'point' should be [longitude, latitude] in degrees, not [37.3, 96.9]"], problems);
    }
}
