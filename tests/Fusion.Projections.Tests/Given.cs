using Fusion.Domain;
using Fusion.Domain.Aerial;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Tests;

/// <summary>Events as the store would hand them over, with sequence numbers given in order.</summary>
public sealed class Given
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.FromHours(8));
    public const string Golmud = "golmud";
    public const string Delingha = "delingha";
    public static readonly string SaltLake = CreditCode.Complete("91632801MA7N0AB1X");
    public static readonly string Potash = CreditCode.Complete("91632801MA7N0AB2X");
    public static readonly string Soda = CreditCode.Complete("91632802MA7N0AB3X");

    readonly List<AnalyticsEvent> _events = [];
    long _sequence;

    public IReadOnlyList<AnalyticsEvent> Events => _events;

    /// <summary>Appends an event; the store records it a minute after it happened unless told otherwise.</summary>
    public AnalyticsEvent Add(string stream, object data, DateTimeOffset? recordedAt = null, string? type = null)
    {
        var e = new AnalyticsEvent(++_sequence, stream, type ?? data.GetType().Name, data, recordedAt ?? T0.AddMinutes(_sequence));
        _events.Add(e);
        return e;
    }

    public static AnalyticsEvent One(string stream, object data, long sequence = 1, string? type = null) =>
        new(sequence, stream, type ?? data.GetType().Name, data, T0.AddHours(1));

    public static RegionRegistered Region(string id, string name = "Golmud", string zh = "格尔木市") =>
        new(id, name, zh, RegionKind.City, null, 94.9, 36.4, T0);

    public static EnterpriseRegistered Enterprise(string id, string region, string name = "Qinghai Salt Lake Potash", decimal revenue = 1_000_000_000m) =>
        new(id, name, "potash", region, revenue, 94.9, 36.4, T0);

    public static CameraAlarmRaised Alarm(string id, string enterprise, string region, DateTimeOffset at, CameraAlarmType type = CameraAlarmType.AbnormalDischarge) =>
        new(id, "cam-1", "site-1", enterprise, region, type, 0.8, "https://snap/1.jpg", "nvr", at);

    public static AerialFindingRecorded AerialFinding(string id, string region, string? enterprise, DateTimeOffset at) =>
        new(id, AerialPlatform.Drone, "dumping", Severity.High, 94.91, 36.41, region, enterprise, null, null, "slag", null, at);

    public static PublicReportReceived Report(string id, ReportChannel channel, string region, DateTimeOffset at, string? enterprise = null, bool anonymous = false) =>
        new(id, channel, region, enterprise, null, "black smoke at night", anonymous, anonymous ? null : "13800138000", at);

    public static InspectionFindingRecorded Finding(string id, string enterprise, string region, DateOnly rectifyBy, DateTimeOffset at) =>
        new(id, enterprise, region, null, "unpermitted discharge", Severity.High, rectifyBy, "inspector-7", at);

    public static FundDepositRecorded Deposit(string id, string enterprise, string region, decimal amount, decimal required, string period = "2026") =>
        new(id, enterprise, region, period, amount, required * 1000, required, T0);

    public static RiskAssessed Assessment(string subject, RiskSubject kind, string region, double score, RiskLevel level, DateTimeOffset at) =>
        new(subject, kind, region, score, level, "2026.11-1", 3, 10, null, null, at);
}
