using Fusion.Domain.Common;
using Fusion.Domain.Credit;
using Fusion.Domain.Rectification;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Credit;

/// <summary>A 12-point deduction scheme: deductions enter with their events, stand for their period, and grade by bands.</summary>
public class CreditGradingSpecs
{
    static readonly CreditScheme Jiangsu = new()
    {
        Name = "12-point", Version = "test", StartScore = 12,
        Deductions =
        [
            new() { Kind = "inspection-high", Points = 3, ValidityMonths = 12 },
            new() { Kind = "inspection-critical", Points = 6, ValidityMonths = 24 },
            new() { Kind = "rectification-overdue", Points = 3, ValidityMonths = 12 },
        ],
        Grades = [new() { Grade = "green", MinScore = 12 }, new() { Grade = "blue", MinScore = 9 }, new() { Grade = "yellow", MinScore = 6 },
                  new() { Grade = "red", MinScore = 3 }, new() { Grade = "black", MinScore = 0 }],
    };

    static CreditGrade GradeAt(DateTimeOffset now, params object[] events) =>
        CreditGrading.Grade(SaltLake, events.Select(e => CreditGrading.DeductionFrom(e, Jiangsu)).OfType<(string, CreditDeduction D)>().Select(x => x.D), Jiangsu, now);

    [Fact]
    public void GivenNoViolations_WhenGraded_ThenTheStartScoreAndTheBestGrade()
    {
        var grade = GradeAt(T0);
        Assert.Equal((12.0, "green"), (grade.Score, grade.Grade));
        Assert.Empty(grade.Deductions);
    }

    [Fact]
    public void GivenAHighFinding_WhenGraded_ThenThreePointsOffUntilAYearLater()
    {
        var grade = GradeAt(T0.AddDays(1), Inspection("f1", T0, new(2026, 12, 1), Severity.High));
        Assert.Equal((9.0, "blue"), (grade.Score, grade.Grade));
        var deduction = Assert.Single(grade.Deductions);
        Assert.Equal(("inspection:f1", "inspection-high", 3.0, T0.AddMonths(12)), (deduction.DeductionId, deduction.Kind, deduction.Points, deduction.ExpiresAt));
    }

    [Fact]
    public void GivenADeduction_WhenItsPeriodRunsOut_ThenItNoLongerCounts()
    {
        var clock = new FakeTimeProvider(T0);
        var finding = Inspection("f1", T0, new(2026, 12, 1), Severity.High);
        clock.SetUtcNow(T0.AddMonths(12).AddTicks(-1));
        Assert.Equal(9, GradeAt(clock.GetUtcNow(), finding).Score);
        clock.SetUtcNow(T0.AddMonths(12));
        Assert.Equal(12, GradeAt(clock.GetUtcNow(), finding).Score);
    }

    [Fact]
    public void GivenAKindTheSchemeDoesNotName_WhenGraded_ThenNoDeduction() =>
        Assert.Equal(12, GradeAt(T0.AddDays(1), Inspection("f1", T0, new(2026, 12, 1), Severity.Low)).Score);

    [Fact]
    public void GivenMoreDeductionsThanPoints_WhenGraded_ThenZeroAndTheLastGradeExplainedByEveryDeductionNewestFirst()
    {
        var grade = GradeAt(T0.AddDays(10),
            Inspection("f1", T0, new(2026, 12, 1), Severity.Critical), Inspection("f2", T0.AddDays(1), new(2026, 12, 1), Severity.High),
            new RectificationOverdue("finding-f0", "f0", SaltLake, Golmud, new(2026, 11, 1), ["k-1"], T0.AddDays(2)),
            Inspection("f3", T0.AddDays(3), new(2026, 12, 1), Severity.Critical));
        Assert.Equal((0.0, "black"), (grade.Score, grade.Grade));
        Assert.Equal(["inspection:f3", "overdue:finding-f0", "inspection:f2", "inspection:f1"], grade.Deductions.Select(d => d.DeductionId));
    }

    [Fact]
    public void GivenBandsOutOfOrder_WhenChecked_ThenTheSchemeSaysSo() =>
        Assert.Contains(new CreditScheme { Grades = [new() { Grade = "a", MinScore = 3 }, new() { Grade = "b", MinScore = 9 }] }.Problems(),
            p => p.Contains("best grade"));
}
