using Fusion.Domain.Aerial;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.PublicReports;

namespace Fusion.Domain.Risk;

/// <summary>Which events say something about risk, and what.</summary>
public static class RiskSignals
{
    public const string CameraFeed = "camera-alarms";
    public const string AerialFeed = "aerial-findings";
    public const string PublicReportFeed = "public-reports";
    public const string InspectionFeed = "inspection-findings";
    public const string FundFeed = "fund-deposits";

    /// <summary>The signal an event gives, or null when it says nothing about risk.</summary>
    public static RiskSignal? From(object @event, long sequence) => @event switch
    {
        CameraAlarmRaised e => new RiskSignal(
            $"camera-alarm:{e.AlarmId}", sequence, SignalKind.CameraAlarm, CameraFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            SeverityOf(e.AlarmType), Math.Clamp(e.Confidence, 0, 1), false, null,
            $"Camera {e.CameraId}: {Words(e.AlarmType)} (confidence {e.Confidence:0.00})", e.OccurredAt),
        AerialFindingRecorded e => new RiskSignal(
            $"aerial:{e.FindingId}", sequence, SignalKind.AerialFinding, AerialFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            e.Severity, 0.9, e.ProtectedZoneId is not null, null,
            $"{e.Platform} patrol: {e.FindingType}" + (e.ProtectedZoneId is null ? "" : $" inside protected zone {e.ProtectedZoneId}"), e.ObservedAt),
        PublicReportReceived e => new RiskSignal(
            $"public-report:{e.ReportId}", sequence, SignalKind.PublicReport, PublicReportFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            Severity.Medium, 0.5, false, null,
            $"Public report via {e.Channel} (unverified)", e.ReceivedAt),
        InspectionFindingRecorded e => new RiskSignal(
            $"inspection:{e.FindingId}", sequence, SignalKind.InspectionFinding, InspectionFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            e.Severity, 1, false, e.RectifyBy,
            $"Inspection by {e.RecordedBy}: {e.Violation}; rectify by {e.RectifyBy:yyyy-MM-dd}", e.RecordedAt),
        FundDepositRecorded e when e.AmountYuan < e.RequiredYuan => new RiskSignal(
            $"fund:{e.DepositId}", sequence, SignalKind.FundShortfall, FundFeed, e.RegionId, e.EnterpriseId, null,
            e.AmountYuan < e.RequiredYuan / 2 ? Severity.High : Severity.Medium, 1, false, null,
            $"Fund deposit for {e.Period}: {e.AmountYuan:0.##} of {e.RequiredYuan:0.##} yuan required (1‰ of sales)", e.DepositedAt),
        _ => null,
    };

    public static Severity SeverityOf(CameraAlarmType type) => type switch
    {
        CameraAlarmType.AbnormalDischarge or CameraAlarmType.IllegalDumping => Severity.High,
        CameraAlarmType.SmokeAndDust or CameraAlarmType.Tamper => Severity.Medium,
        _ => Severity.Low,
    };

    static string Words(CameraAlarmType type) => type switch
    {
        CameraAlarmType.AbnormalDischarge => "abnormal discharge",
        CameraAlarmType.SmokeAndDust => "smoke and dust",
        CameraAlarmType.IllegalDumping => "illegal dumping",
        CameraAlarmType.Tamper => "camera tampered with",
        _ => "other alarm",
    };
}
