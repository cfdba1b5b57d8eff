using Fusion.Domain.Aerial;
using Fusion.Domain.Assessments;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.Monitoring;
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
    public const string CameraHealthFeed = "camera-health";
    public const string OnlineMonitoringFeed = "online-monitoring";
    public const string AssessmentFeed = "risk-assessments";

    public static string AssessmentIssueSignalId(string assessmentId, string issueId) => $"assessment:{assessmentId}:{issueId}";

    /// <summary>The event types <see cref="From"/> turns into signals: what a read of risk as of a moment loads.</summary>
    public static readonly Type[] EventTypes =
    [
        typeof(CameraAlarmRaised), typeof(AerialFindingRecorded), typeof(PublicReportReceived), typeof(PublicReportFiled), typeof(InspectionFindingRecorded),
        typeof(FundPeriodFellShort), typeof(AssessmentIssueFound), typeof(CameraWentOffline), typeof(EmissionLimitExceeded), typeof(MonitoringGapDetected),
    ];

    /// <summary>The signal an event gives, or null when it says nothing about risk.</summary>
    public static RiskSignal? From(object @event, long sequence) => @event switch
    {
        CameraAlarmRaised e => new RiskSignal(
            $"camera-alarm:{e.AlarmId}", sequence, SignalKind.CameraAlarm, CameraFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            SeverityOf(e.AlarmType), Math.Clamp(e.Confidence, 0, 1), false, null,
            $"Camera {e.CameraId}: {Words(e.AlarmType)} (confidence {e.Confidence:0.00})", e.OccurredAt),
        AerialFindingRecorded e => new RiskSignal(
            $"aerial:{e.FindingId}", sequence, SignalKind.AerialFinding, AerialFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            e.Severity, e.Confidence ?? 0.9, e.ProtectedZoneId is not null, null,
            $"{e.Platform} patrol: {e.FindingType}" + (e.ProtectedZoneId is null ? "" : $" inside protected zone {e.ProtectedZoneId}"), e.ObservedAt,
            e.Platform.ToString().ToLowerInvariant()),
        PublicReportReceived e => From(PublicReportUpcast.From(e), sequence),
        // A repeat of an earlier complaint belongs to its case: the first report is the signal, once.
        PublicReportFiled { DuplicateOf: not null } => null,
        PublicReportFiled e => new RiskSignal(
            $"public-report:{e.ReportId}", sequence, SignalKind.PublicReport, PublicReportFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            Severity.Medium, 0.5, false, null,
            $"Public report via {e.Channel} (unverified)", e.ReceivedAt),
        InspectionFindingRecorded e => new RiskSignal(
            $"inspection:{e.FindingId}", sequence, SignalKind.InspectionFinding, InspectionFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            e.Severity, 1, false, e.RectifyBy,
            $"Inspection by {e.RecordedBy}: {e.Violation}; rectify by {e.RectifyBy:yyyy-MM-dd}", e.RecordedAt),
        // One signal per fund period whose obligation was not met by its due day (the ledger's), not one per deposit:
        // a deposit alone no longer says anything about risk, so nothing counts twice.
        FundPeriodFellShort e => new RiskSignal(
            $"fund-period:{e.EnterpriseId}:{e.Period}", sequence, SignalKind.FundShortfall, FundFeed, e.RegionId, e.EnterpriseId, null,
            e.SettledYuan < e.ObligationYuan / 2 ? Severity.High : Severity.Medium, 1, false, null,
            e.SettledYuan == 0
                ? $"No fund deposit for {e.Period}: {e.ObligationYuan:0.##} yuan was due by {e.DueOn:yyyy-MM-dd} (1‰ of sales)"
                : $"Fund deposits for {e.Period}: {e.SettledYuan:0.##} of {e.ObligationYuan:0.##} yuan by {e.DueOn:yyyy-MM-dd} (1‰ of sales)", e.DetectedAt),
        // An open issue of a third-party assessment weighs like an inspection finding: full weight until the remediation
        // plan is due, growing once overdue, until a later assessment finds it resolved. Issues of a park or a zone are
        // region-level and fade instead: nothing routes their resolution to a region yet.
        AssessmentIssueFound e => new RiskSignal(
            AssessmentIssueSignalId(e.AssessmentId, e.IssueId), sequence, SignalKind.AssessmentIssue, AssessmentFeed, e.RegionId, e.EnterpriseId, null,
            e.Severity, 1, e.SubjectKind == AssessedSubject.ProtectedZone, e.EnterpriseId is null ? null : e.RemediationDueBy,
            $"Risk pre-assessment by {e.Assessor}: {e.Description}; remediation plan due {e.RemediationDueBy:yyyy-MM-dd}", e.FoundAt),
        CameraWentOffline e => new RiskSignal(
            $"camera-offline:{e.OutageId}", sequence, SignalKind.CameraOffline, CameraHealthFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            Severity.Medium, 0.6, false, null,
            $"Camera {e.CameraId} silent since {e.LastSeenAt:yyyy-MM-dd HH:mm zzz} (allowed {e.AllowedSilenceMinutes:0} min)", e.DetectedAt),
        EmissionLimitExceeded e => new RiskSignal(
            $"emission:{e.ExceedanceId}", sequence, SignalKind.EmissionExceedance, OnlineMonitoringFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            SeverityOf(e), 0.9, false, null,
            $"Monitor {e.MonitorId}: {e.PollutantName} {e.Value:0.###} {e.Unit} over the permitted {e.Limit:0.###} ({e.Period.ToString().ToLowerInvariant()} data)", e.MeasuredAt),
        MonitoringGapDetected e => new RiskSignal(
            $"monitoring-gap:{e.GapId}", sequence, SignalKind.MonitoringGap, OnlineMonitoringFeed, e.RegionId, e.EnterpriseId, e.SiteId,
            e.Reason is GapReason.Maintenance or GapReason.Calibration ? Severity.Low : Severity.Medium, 0.8, false, null,
            $"Monitor {e.MonitorId} not measuring ({Words(e.Reason)}) since {e.Since:yyyy-MM-dd HH:mm zzz}", e.DetectedAt),
        _ => null,
    };

    /// <summary>
    /// By how far the value is over the limit. Permits are judged on hourly and daily means, so a minute or
    /// real-time excursion weighs one level less than a breached mean.
    /// </summary>
    public static Severity SeverityOf(EmissionLimitExceeded e)
    {
        var ratio = e.Limit > 0 ? e.Value / e.Limit : double.PositiveInfinity;
        var severity = ratio >= 3 ? Severity.Critical : ratio >= 1.5 ? Severity.High : Severity.Medium;
        return e.Period is DataPeriod.Hour or DataPeriod.Day ? severity : severity - 1;
    }

    static string Words(GapReason reason) => reason switch
    {
        GapReason.NoData => "no data received",
        GapReason.Stopped => "stopped",
        GapReason.Maintenance => "maintenance",
        GapReason.Fault => "instrument fault",
        GapReason.Calibration => "calibration",
        _ => "communication fault",
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
