using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

public class RiskSignalsSpecs
{
    [Theory]
    [InlineData(CameraAlarmType.AbnormalDischarge, Severity.High)]
    [InlineData(CameraAlarmType.IllegalDumping, Severity.High)]
    [InlineData(CameraAlarmType.SmokeAndDust, Severity.Medium)]
    [InlineData(CameraAlarmType.Tamper, Severity.Medium)]
    [InlineData(CameraAlarmType.Other, Severity.Low)]
    public void GivenACameraAlarmOfAType_WhenTurnedIntoASignal_ThenItHasThatTypesSeverity(CameraAlarmType type, Severity severity) =>
        Assert.Equal(severity, RiskSignals.From(Alarm("a1", T0, type), 1)!.Severity);

    [Fact]
    public void GivenACameraAlarm_WhenTurnedIntoASignal_ThenItKeepsWhereAndWhenAndHowSure() =>
        Assert.Equal(
            new RiskSignal("camera-alarm:a1", 7, SignalKind.CameraAlarm, "camera-alarms", Golmud, SaltLake, Outfall,
                Severity.High, 0.8, false, null, "Camera cam-1: abnormal discharge (confidence 0.80)", T0),
            RiskSignals.From(Alarm("a1", T0, confidence: 0.8), 7));

    static Fusion.Domain.Funds.FundPeriodFellShort FellShort(decimal settled, decimal obligation = 100) =>
        new(SaltLake, Golmud, "2026-10", obligation, settled, obligation - settled, new DateOnly(2026, 11, 30), T0);

    [Fact]
    public void GivenAPeriodThatFellShort_WhenTurnedIntoASignal_ThenItIsOneFundShortfallForThatPeriod()
    {
        var signal = RiskSignals.From(FellShort(settled: 80), 3);

        Assert.NotNull(signal);
        Assert.Equal(($"fund-period:{SaltLake}:2026-10", SignalKind.FundShortfall, Severity.Medium, SaltLake, (string?)null, "fund-deposits"),
            (signal.SignalId, signal.Kind, signal.Severity, signal.EnterpriseId, signal.SiteId, signal.Feed));
    }

    [Theory]
    [InlineData(0, Severity.High)]
    [InlineData(49.99, Severity.High)]
    [InlineData(50, Severity.Medium)]
    [InlineData(99.99, Severity.Medium)]
    public void GivenAPeriodThatFellShort_WhenTurnedIntoASignal_ThenUnderHalfTheObligationIsHigh(decimal settled, Severity severity) =>
        Assert.Equal(severity, RiskSignals.From(FellShort(settled), 1)!.Severity);

    [Fact]
    public void GivenNothingSettled_WhenTurnedIntoASignal_ThenTheSummarySaysNoDeposit() =>
        Assert.Equal("No fund deposit for 2026-10: 100 yuan was due by 2026-11-30 (1‰ of sales)", RiskSignals.From(FellShort(0), 1)!.Summary);

    /// <summary>The per-deposit shortfall is retired: the ledger's one signal per period replaces it, so nothing counts twice.</summary>
    [Theory]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(250)]
    public void GivenADeposit_WhenTurnedIntoASignal_ThenThereIsNone(decimal amount) =>
        Assert.Null(RiskSignals.From(Deposit("d1", amount, required: 100), 1));

    [Fact]
    public void GivenAnAerialFindingInAProtectedZone_WhenTurnedIntoASignal_ThenItIsMarkedInsideTheZone()
    {
        var signal = RiskSignals.From(AerialFinding("d1", T0, zone: "keluke-lake"), 1)!;

        Assert.True(signal.InsideProtectedZone);
        Assert.Equal("Drone patrol: dust plume inside protected zone keluke-lake", signal.Summary);
        Assert.False(RiskSignals.From(AerialFinding("d2", T0), 2)!.InsideProtectedZone);
    }

    [Fact]
    public void GivenAnInspectionFinding_WhenTurnedIntoASignal_ThenItIsCertainAndOpenUntilItsRectifyByDate()
    {
        var signal = RiskSignals.From(Inspection("f1", T0, new DateOnly(2026, 12, 15), Severity.High), 1)!;

        Assert.Equal((SignalKind.InspectionFinding, 1.0, new DateOnly(2026, 12, 15), Severity.High),
            (signal.Kind, signal.SourceConfidence, signal.OpenUntil, signal.Severity));
    }

    [Fact]
    public void GivenAPublicReport_WhenTurnedIntoASignal_ThenItIsAnUnverifiedMediumSignalAtHalfConfidence()
    {
        var signal = RiskSignals.From(Report("r1", T0), 1)!;

        Assert.Equal((SignalKind.PublicReport, Severity.Medium, 0.5, "Public report via Hotline12369 (unverified)"),
            (signal.Kind, signal.Severity, signal.SourceConfidence, signal.Summary));
    }

    [Fact]
    public void GivenAMasterDataEvent_WhenTurnedIntoASignal_ThenThereIsNone() =>
        Assert.Null(RiskSignals.From(new RegionRegistered(Golmud, "Golmud", "格尔木市", RegionKind.City, null, 94.9, 36.4, T0), 1));
}
