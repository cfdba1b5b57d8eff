using System.Collections.Immutable;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Aerial;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Rectification;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Warnings;

/// <summary>
/// What the warning rules see of one event: its kind (a risk signal kind, or one of the kinds below),
/// where it is, how serious, the fields a rule may filter on, and when it happened.
/// </summary>
public sealed record Observation(
    string EventId, long Sequence, string Kind, string RegionId, string? EnterpriseId, string? SiteId,
    Severity Severity, ImmutableDictionary<string, string> Fields, string Summary, DateTimeOffset At)
{
    /// <summary>A device that reported silent was heard again (Fields: device, outage).</summary>
    public const string DeviceBack = "DeviceBack";
    /// <summary>A fund deposit, whatever its amount.</summary>
    public const string FundDeposit = "FundDeposit";
    /// <summary>
    /// An enterprise owes the fund: registered with sales revenue, or a declaration with an obligation. The deposit
    /// absence clock starts here for an enterprise that never deposits.
    /// </summary>
    public const string FundObligation = "FundObligation";
    /// <summary>A risk level of an enterprise or region (Fields: level, score; EnterpriseId set for an enterprise).</summary>
    public const string RiskLevel = "RiskLevel";
    /// <summary>Evidence towards the blacklist criteria (Fields: evidenceKind), as BlacklistCriteria.EvidenceFrom gives it.</summary>
    public const string BlacklistEvidence = "BlacklistEvidence";
    /// <summary>An inspection finding's rectification was verified on site (Fields: finding).</summary>
    public const string RectificationVerified = "RectificationVerified";
    /// <summary>A deputy's suggestion assigned to a department (Fields: suggestion, respondBy, department).</summary>
    public const string SuggestionAssigned = "SuggestionAssigned";
    /// <summary>A deputy's suggestion answered (Fields: suggestion).</summary>
    public const string SuggestionAnswered = "SuggestionAnswered";

    public string? SubjectOf(WarningSubject subject) => subject switch
    {
        WarningSubject.Site => SiteId,
        WarningSubject.Enterprise => EnterpriseId,
        _ => RegionId,
    };

    public WarningEvidence Evidence => new(EventId, Sequence, Kind, Summary, At);

    /// <summary>The observations one stored event gives (none when the rules cannot use it).</summary>
    public static IEnumerable<Observation> From(object @event, long sequence, BlacklistPolicy? blacklist = null)
    {
        foreach (var b in BlacklistCriteria.EvidenceFrom(@event, blacklist ?? new BlacklistPolicy()))
        {
            var (enterpriseId, regionId) = @event switch
            {
                InspectionFindingRecorded f => (f.EnterpriseId, f.RegionId),
                AccountabilityRecorded a => (a.ResponsibleUnitId, a.RegionId),
                _ => ("", ""),
            };
            yield return new Observation(b.SourceId, sequence, BlacklistEvidence, regionId, enterpriseId, null, Severity.High,
                ImmutableDictionary<string, string>.Empty.Add("evidenceKind", b.Kind.ToString()), b.Summary, b.At);
        }
        if (RiskSignals.From(@event, sequence) is { } s)
            yield return new Observation(s.SignalId, sequence, s.Kind.ToString(), s.RegionId, s.EnterpriseId, s.SiteId, s.Severity,
                FieldsOf(@event), s.Summary, s.OccurredAt);
        switch (@event)
        {
            // A repeat of an earlier complaint is no new risk signal, but it is one more report in a burst.
            case PublicReportFiled { DuplicateOf: not null } e:
                yield return new Observation($"public-report:{e.ReportId}", sequence, nameof(SignalKind.PublicReport), e.RegionId, e.EnterpriseId, e.SiteId,
                    Severity.Medium, FieldsOf(e), $"Public report via {e.Channel} (a repeat of {e.DuplicateOf})", e.ReceivedAt);
                break;
            case EnterpriseRegistered e when e.AnnualSalesRevenueYuan > 0:
                yield return new Observation($"fund-obligation:{e.EnterpriseId}", sequence, FundObligation, e.RegionId, e.EnterpriseId, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("from", "registration"),
                    $"Registered with annual sales of {e.AnnualSalesRevenueYuan:0} yuan: 1‰ of it owed to the environmental fund", e.RegisteredAt);
                break;
            case SalesRevenueDeclared e when e.ObligationYuan > 0:
                yield return new Observation($"fund-declaration:{e.DeclarationId}", sequence, FundObligation, e.RegionId, e.EnterpriseId, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("from", "declaration").Add("period", e.Period),
                    $"Sales for {e.Period} declared: {e.ObligationYuan:0.##} yuan owed to the environmental fund", e.DeclaredAt);
                break;
            case FundDepositRecorded e:
                yield return new Observation($"fund:{e.DepositId}", sequence, FundDeposit, e.RegionId, e.EnterpriseId, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("period", e.Period), $"Fund deposit for {e.Period}: {e.AmountYuan:0.##} yuan", e.DepositedAt);
                break;
            case FundDepositBanked e:
                yield return new Observation($"fund:{e.DepositId}", sequence, FundDeposit, e.RegionId, e.EnterpriseId, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("account", e.AccountNumber), $"Fund deposit of {e.AmountYuan:0.##} yuan on {e.ValueDate:yyyy-MM-dd}",
                    new DateTimeOffset(e.ValueDate.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)));
                break;
            case CameraCameOnline e:
                yield return new Observation($"camera-online:{e.OutageId}", sequence, DeviceBack, e.RegionId, e.EnterpriseId, e.SiteId, Severity.Low,
                    Device(e.CameraId, e.OutageId), $"Camera {e.CameraId} heard again after {e.OfflineMinutes:0} min", e.CameOnlineAt);
                break;
            case MonitoringResumed e:
                yield return new Observation($"monitoring-resumed:{e.GapId}", sequence, DeviceBack, e.RegionId, e.EnterpriseId, e.SiteId, Severity.Low,
                    Device(e.MonitorId, e.GapId), $"Monitor {e.MonitorId} measuring again after {e.GapHours:0.#} h", e.ResumedAt);
                break;
            case Rectification.RectificationVerified e:
                yield return new Observation($"rectification-verified:{e.CaseId}", sequence, RectificationVerified, e.RegionId, e.EnterpriseId, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("finding", e.FindingId), $"Rectification of finding {e.FindingId} verified by {e.VerifiedBy}", e.VerifiedAt);
                break;
            case Suggestions.SuggestionAssigned e:
                yield return new Observation($"suggestion:{e.SuggestionId}", sequence, SuggestionAssigned, e.RegionId, null, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("suggestion", e.SuggestionId).Add("respondBy", e.RespondBy.ToString("yyyy-MM-dd")).Add("department", e.Department),
                    $"Suggestion {e.SuggestionId} assigned to {e.Department}, to be answered by {e.RespondBy:yyyy-MM-dd}", e.AssignedAt);
                break;
            case Suggestions.SuggestionAnswered e:
                yield return new Observation($"suggestion-answered:{e.SuggestionId}", sequence, SuggestionAnswered, e.RegionId, null, null, Severity.Low,
                    ImmutableDictionary<string, string>.Empty.Add("suggestion", e.SuggestionId), $"Suggestion {e.SuggestionId} answered by {e.Department}", e.AnsweredAt);
                break;
            case RiskAssessed e:
                yield return Level(e.SubjectId, e.Subject, e.RegionId, e.Score, e.Level, sequence, e.AssessedAt, e.ModelVersion);
                break;
        }
    }

    /// <summary>
    /// A risk level as an observation: from a RiskAssessed event, or from re-scoring on a timer (sequence 0); Fields: level,
    /// score, and model (the risk model version that made it) when known.
    /// </summary>
    public static Observation Level(string subjectId, RiskSubject subject, string regionId, double score, Risk.RiskLevel level, long sequence, DateTimeOffset at,
        string? model = null)
    {
        var fields = ImmutableDictionary<string, string>.Empty.Add("level", level.ToString()).Add("score", score.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
        return new($"risk:{subjectId}:{at:yyyyMMddHHmmss}", sequence, RiskLevel, subject == RiskSubject.Region ? subjectId : regionId,
            subject == RiskSubject.Enterprise ? subjectId : null, null, Severity.Low, model is null ? fields : fields.Add("model", model),
            $"Risk {score:0.0} ({level.ToString().ToLowerInvariant()})", at);
    }

    static ImmutableDictionary<string, string> Device(string device, string outage) =>
        ImmutableDictionary<string, string>.Empty.Add("device", device).Add("outage", outage);

    static ImmutableDictionary<string, string> FieldsOf(object e)
    {
        var f = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        switch (e)
        {
            case CameraAlarmRaised x: f["alarmType"] = x.AlarmType.ToString(); f["device"] = x.CameraId; break;
            case AerialFindingRecorded x:
                f["platform"] = x.Platform.ToString(); f["findingType"] = x.FindingType;
                f["insideProtectedZone"] = x.ProtectedZoneId is null ? "false" : "true";
                if (x.ProtectedZoneId is not null) f["zone"] = x.ProtectedZoneId;
                break;
            case PublicReportReceived x: f["channel"] = x.Channel.ToString(); break;
            case PublicReportFiled x:
                f["channel"] = x.Channel.ToString();
                f["duplicate"] = x.DuplicateOf is null ? "false" : "true";
                break;
            case InspectionFindingRecorded x: f["violation"] = x.Violation; f["rectifyBy"] = x.RectifyBy.ToString("yyyy-MM-dd"); f["finding"] = x.FindingId; break;
            case EmissionLimitExceeded x: f["pollutant"] = x.PollutantCode; f["period"] = x.Period.ToString(); f["device"] = x.MonitorId; break;
            case MonitoringGapDetected x: f["reason"] = x.Reason.ToString(); f["device"] = x.MonitorId; f["outage"] = x.GapId; break;
            case CameraWentOffline x: f["device"] = x.CameraId; f["outage"] = x.OutageId; break;
            case FundDepositRecorded x: f["period"] = x.Period; break;
        }
        return f.ToImmutable();
    }
}
