using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

public class DecaySpecs
{
    static readonly RiskModel Model = new();

    public static TheoryData<SignalKind> Kinds => new(Enum.GetValues<SignalKind>());

    [Theory, MemberData(nameof(Kinds))]
    public void GivenASignalOfAnyKind_WhenScoredOneAndTwoHalfLivesLater_ThenItHalvesEachTime(SignalKind kind)
    {
        var halfLife = Hours(Model.Kinds[kind].HalfLifeHours);
        var signal = Signal("s1", 1, kind);

        Assert.Equal(1, RiskScoring.Decay(signal, Model, T0), 1e-12);
        Assert.Equal(0.5, RiskScoring.Decay(signal, Model, T0 + halfLife), 1e-12);
        Assert.Equal(0.25, RiskScoring.Decay(signal, Model, T0 + 2 * halfLife), 1e-12);
    }

    [Fact]
    public void GivenADischargeAlarm_WhenScoredOneHalfLifeLater_ThenContributionHalves() =>
        RiskSpec.Given(Alarm("a1", T0))
            .WhenScoredAfter(Hours(168))
            .ThenContribution("camera-alarm:a1", 12 * 0.5);

    [Fact]
    public void GivenThreeDischargeAlarmsIn24h_WhenScoredTwoHalfLivesAfterTheLast_ThenTheirContributionIsAQuarter()
    {
        var spec = RiskSpec.Given(Alarm("a1", T0), Alarm("a2", T0 + Hours(12)), Alarm("a3", T0 + Hours(24)));

        var fresh = spec.WhenScoredAfter(Hours(24));
        var later = spec.WhenScoredAfter(Hours(24 + 2 * 168));

        Assert.Equal(12 + 12 * Math.Pow(0.5, 12.0 / 168) + 12 * Math.Pow(0.5, 24.0 / 168), fresh.Sum, 1e-3);
        Assert.Equal(fresh.Sum / 4, later.Sum, 1e-3);
    }

    [Fact]
    public void GivenAnAlarmFromTheFuture_WhenScored_ThenItCountsFullyRatherThanMore() =>
        RiskSpec.Given(Alarm("a1", T0 + Hours(5)))
            .WhenScoredAt(T0)
            .ThenContribution("camera-alarm:a1", 12);
}
