using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

/// <summary>An open inspection finding holds its full weight until its rectify-by date and grows once overdue.</summary>
public class OpenFindingSpecs
{
    static readonly DateOnly November30 = new(2026, 11, 30);
    static readonly RiskModel Model = new();
    const string Finding = "inspection:f1";

    static RiskSpec GivenAFindingToRectifyByNovember30() => RiskSpec.Given(Inspection("f1", T0, November30));

    [Fact]
    public void GivenAnOpenFinding_WhenScoredFourWeeksLaterOnItsRectifyByDate_ThenItHasNotDecayed() =>
        GivenAFindingToRectifyByNovember30()
            .WhenScoredAt(new DateTimeOffset(2026, 11, 30, 12, 0, 0, Beijing))
            .ThenContribution(Finding, 12);

    [Fact]
    public void GivenAnOpenFinding_WhenScoredTheDayAfterItsRectifyByDate_ThenItWeighsMoreThanItsWeight() =>
        Assert.True(GivenAFindingToRectifyByNovember30()
            .WhenScoredAt(new DateTimeOffset(2026, 12, 1, 12, 0, 0, Beijing))
            .Contribution(Finding).Decay > 1);

    [Fact]
    public void GivenAnOverdueFinding_WhenScoredTenDaysLater_ThenItHasGrownByHalfItsWeight()
    {
        var spec = GivenAFindingToRectifyByNovember30();
        var overdue = new DateTimeOffset(2026, 12, 3, 12, 0, 0, Beijing);

        var before = spec.WhenScoredAt(overdue).Contribution(Finding);
        var after = spec.WhenScoredAt(overdue + Days(10)).Contribution(Finding);

        Assert.Equal(10 * Model.OverdueGrowthPerDay, after.Decay - before.Decay, 1e-3);
        Assert.Equal(12 * 10 * Model.OverdueGrowthPerDay, after.Contribution - before.Contribution, 1e-2);
    }

    [Fact]
    public void GivenAFindingOverdueForAYear_WhenScored_ThenItStopsGrowingAtTheCap() =>
        GivenAFindingToRectifyByNovember30()
            .WhenScoredAt(new DateTimeOffset(2027, 12, 1, 12, 0, 0, Beijing))
            .ThenContribution(Finding, 12 * Model.OverdueGrowthCap);

    /// <summary>
    /// Rectify-by dates are Haixi calendar days (the inspection feed checks them against recordedAt's
    /// own date), so a finding due 30 November is overdue at 06:00 Beijing time on 1 December.
    /// </summary>
    [Fact]
    public void GivenAFindingDueNovember30_WhenScoredAt6amBeijingTimeOnDecember1_ThenItIsAQuarterDayOverdue() =>
        Assert.Equal(1 + 0.25 * Model.OverdueGrowthPerDay,
            GivenAFindingToRectifyByNovember30().WhenScoredAt(new DateTimeOffset(2026, 12, 1, 6, 0, 0, Beijing)).Contribution(Finding).Decay,
            1e-4);

    /// <summary>The last rectify-by date there is, recorded west of UTC: its end lies past DateTimeOffset's range.</summary>
    [Theory]
    [InlineData(-5)]
    [InlineData(0)]
    [InlineData(14)]
    public void GivenAFindingDueOnTheLastDayOfYear9999_WhenScoredInAnyOffset_ThenItHoldsItsFullWeight(int offsetHours) =>
        RiskSpec.Given(Inspection("f1", T0.ToOffset(TimeSpan.FromHours(offsetHours)), DateOnly.MaxValue))
            .WhenScoredAt(T0 + Days(3650))
            .ThenContribution(Finding, 12);
}
