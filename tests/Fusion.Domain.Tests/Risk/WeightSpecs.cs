using Fusion.Domain.Common;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

public class WeightSpecs
{
    [Theory]
    [InlineData(Severity.Low, 6)]
    [InlineData(Severity.Medium, 12)]
    [InlineData(Severity.High, 24)]
    [InlineData(Severity.Critical, 48)]
    public void GivenAnInspectionFindingOfASeverity_WhenScored_ThenItsWeightIsTwelveTimesTheSeverityMultiplier(Severity severity, double weight) =>
        Assert.Equal(weight, RiskSpec.Given(Inspection("f1", T0, new DateOnly(2026, 12, 31), severity))
            .WhenScoredAfter(Hours(1))
            .Contribution("inspection:f1").Weight);

    [Fact]
    public void GivenAHighAerialFindingOutsideAnyZone_WhenScored_ThenItWeighsTenTimesTwo() =>
        Assert.Equal(20, RiskSpec.Given(AerialFinding("d1", T0)).WhenScoredAfter(TimeSpan.Zero).Contribution("aerial:d1").Weight);

    [Fact]
    public void GivenTheSameFindingInsideAProtectedZone_WhenScored_ThenItWeighsTwiceAsMuch() =>
        Assert.Equal(40, RiskSpec.Given(AerialFinding("d1", T0, site: null, zone: "keluke-lake")).WhenScoredAfter(TimeSpan.Zero).Contribution("aerial:d1").Weight);
}
