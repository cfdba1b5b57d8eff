using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Tests.Monitoring;

public class MonitoringRiskSignalSpecs
{
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));

    static EmissionLimitExceeded Exceeded(DataPeriod period, double value, double limit = 50) =>
        new("MN1:w01018:2061:20261128090000", "MN1", "site-1", "ent-1", "golmud", "MN1:1:2061", "w01018", "COD", "mg/L", period, value, limit, "N", T0);

    [Fact]
    public void GivenACameraWentOffline_WhenReadForRisk_ThenACameraOfflineSignalAtItsSite()
    {
        var s = RiskSignals.From(new CameraWentOffline("cam-1:x", "cam-1", "site-1", "ent-1", "golmud", 10, T0, T0.AddMinutes(11)), 42)!;
        Assert.Equal(
            (SignalKind.CameraOffline, RiskSignals.CameraHealthFeed, "ent-1", "site-1", Severity.Medium, 42L, T0.AddMinutes(11), "camera-offline:cam-1:x"),
            (s.Kind, s.Feed, s.EnterpriseId, s.SiteId, s.Severity, s.Sequence, s.OccurredAt, s.SignalId));
    }

    [Theory]
    [InlineData(DataPeriod.Hour, 60, Severity.Medium)]
    [InlineData(DataPeriod.Hour, 75, Severity.High)]
    [InlineData(DataPeriod.Day, 150, Severity.Critical)]
    [InlineData(DataPeriod.Minute, 60, Severity.Low)]
    [InlineData(DataPeriod.RealTime, 75, Severity.Medium)]
    [InlineData(DataPeriod.Minute, 150, Severity.High)]
    public void GivenAnExceedance_WhenReadForRisk_ThenSeverityByHowFarOverAndForWhichPeriod(DataPeriod period, double value, Severity severity)
    {
        var s = RiskSignals.From(Exceeded(period, value), 1)!;
        Assert.Equal((SignalKind.EmissionExceedance, severity, T0), (s.Kind, s.Severity, s.OccurredAt));
        Assert.Contains("COD", s.Summary);
    }

    [Theory]
    [InlineData(GapReason.NoData, Severity.Medium)]
    [InlineData(GapReason.Fault, Severity.Medium)]
    [InlineData(GapReason.Maintenance, Severity.Low)]
    [InlineData(GapReason.Calibration, Severity.Low)]
    public void GivenAMonitoringGap_WhenReadForRisk_ThenAMonitoringGapSignal(GapReason reason, Severity severity)
    {
        var s = RiskSignals.From(new MonitoringGapDetected("g", "MN1", "site-1", "ent-1", "golmud", reason, ["w01018"], T0, T0.AddHours(2)), 7)!;
        Assert.Equal((SignalKind.MonitoringGap, severity, T0.AddHours(2)), (s.Kind, s.Severity, s.OccurredAt));
    }

    [Fact]
    public void GivenAnOfflineCameraAndAnExceedanceAtTheSameSite_WhenScored_ThenEachCorroboratesTheOther()
    {
        var model = new RiskModel();
        var signals = new[]
        {
            RiskSignals.From(new CameraWentOffline("cam-1:x", "cam-1", "site-1", "ent-1", "golmud", 10, T0, T0.AddMinutes(11)), 1)!,
            RiskSignals.From(Exceeded(DataPeriod.Hour, 75), 2)!,
        };
        var contributions = RiskScoring.Contributions(signals, model, T0.AddHours(1));
        Assert.All(contributions, c => Assert.Single(c.CorroboratedBy));
    }

    [Fact]
    public void GivenMeasurementsAndRecoveries_WhenReadForRisk_ThenTheySayNothing()
    {
        Assert.Null(RiskSignals.From(new MonitoringDataReported("r", "MN1", "site-1", "ent-1", "golmud", DataPeriod.Minute, "32", [], T0, T0), 1));
        Assert.Null(RiskSignals.From(new CameraCameOnline("o", "cam-1", "site-1", "ent-1", "golmud", 5, T0, T0), 1));
        Assert.Null(RiskSignals.From(new MonitoringResumed("g", "MN1", "site-1", "ent-1", "golmud", GapReason.NoData, 1, T0, T0), 1));
    }
}
