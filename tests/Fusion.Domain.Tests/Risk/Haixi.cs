using Fusion.Domain.Aerial;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Tests.Risk;

/// <summary>Events about enterprises in Golmud, with defaults so a test names only what matters to it.</summary>
public static class Haixi
{
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, Beijing);

    public const string Golmud = "golmud";
    /// <summary>Credit codes made with <see cref="CreditCode.Complete"/> (division 632801 is Golmud).</summary>
    public const string SaltLake = "91632801MA7523XK8A";
    public const string Potash = "91632802MA752XY011";
    public const string Outfall = "outfall-1";
    public const string TailingsPond = "tailings-1";

    public static TimeSpan Hours(double h) => TimeSpan.FromHours(h);
    public static TimeSpan Days(double d) => TimeSpan.FromDays(d);

    public static CameraAlarmRaised Alarm(string id, DateTimeOffset at, CameraAlarmType type = CameraAlarmType.AbnormalDischarge,
        double confidence = 1, string site = Outfall, string enterprise = SaltLake) =>
        new(id, "cam-1", site, enterprise, Golmud, type, confidence, null, "camera-webhook", at);

    public static AerialFindingRecorded AerialFinding(string id, DateTimeOffset at, Severity severity = Severity.High,
        string? site = Outfall, string? zone = null, AerialPlatform platform = AerialPlatform.Drone, double? confidence = null) =>
        new(id, platform, "dust plume", severity, 94.95, 36.45, Golmud, site is null ? null : SaltLake, site, zone, null, null, at, Confidence: confidence);

    public static PublicReportFiled Report(string id, DateTimeOffset at, string? site = Outfall) =>
        new(id, ReportChannel.Hotline12369, Golmud, SaltLake, site, "black water from the outfall", true, "7K3M-9QPA-2DXW", null, at);

    public static InspectionFindingRecorded Inspection(string id, DateTimeOffset at, DateOnly rectifyBy, Severity severity = Severity.Medium) =>
        new(id, SaltLake, Golmud, Outfall, "untreated discharge", severity, rectifyBy, "inspector Wang", at);

    public static FundDepositRecorded Deposit(string id, decimal amount, decimal required) =>
        new(id, SaltLake, Golmud, "2026-10", amount, required * 1000, required, T0);

    /// <summary>A bare signal for the arithmetic of the model, not tied to any event.</summary>
    public static RiskSignal Signal(string id, long sequence, SignalKind kind = SignalKind.CameraAlarm, DateTimeOffset? at = null,
        Severity severity = Severity.Medium, double confidence = 1, string feed = "camera-alarms", string? site = Outfall) =>
        new(id, sequence, kind, feed, Golmud, SaltLake, site, severity, confidence, false, null, id, at ?? T0);
}
