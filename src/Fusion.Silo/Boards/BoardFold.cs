using Fusion.Domain.Cameras;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;
using Fusion.Domain.Monitoring;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Rectification;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;

namespace Fusion.Silo.Boards;

/// <summary>A change to the board tables that one event implies.</summary>
public abstract record BoardRow(long Sequence);
public sealed record RegionRow(long Sequence, string RegionId, string NameEn, string NameZh, string Kind, string? ParentRegionId, double Longitude, double Latitude) : BoardRow(Sequence);
public sealed record EnterpriseRow(long Sequence, string EnterpriseId, string Name, string Industry, string RegionId, double Longitude, double Latitude) : BoardRow(Sequence);
public sealed record AssessmentRow(long Sequence, RiskSubject Subject, string SubjectId, string RegionId, double Score, string Level, string ModelVersion,
    string? MainSignalKind, string? MainSignal, DateTimeOffset AssessedAt) : BoardRow(Sequence);
public sealed record SignalRow(long Sequence, DateTimeOffset Hour, string Feed, string Kind, string RegionId) : BoardRow(Sequence);
public sealed record DeviceRow(long Sequence, string DeviceId, string DeviceKind, string SiteId, string EnterpriseId, string RegionId, DateTimeOffset RegisteredAt) : BoardRow(Sequence);
public sealed record DeviceStateRow(long Sequence, string DeviceId, bool Online, DateTimeOffset ChangedAt) : BoardRow(Sequence);
public sealed record PublicReportRow(long Sequence, string ReportId, string Channel, string RegionId, string? EnterpriseId, DateTimeOffset ReceivedAt) : BoardRow(Sequence);
public sealed record FindingRow(long Sequence, string FindingId, string EnterpriseId, string RegionId, string? SiteId, string Violation, string Severity, DateOnly RectifyBy, DateTimeOffset RecordedAt) : BoardRow(Sequence);
public sealed record CaseRow(long Sequence, string CaseId, string FindingId, string EnterpriseId, string RegionId, string Violation, string Severity, DateOnly Deadline, IReadOnlyList<string> CommissionerIds, DateTimeOffset OpenedAt) : BoardRow(Sequence);
public sealed record CaseDeadlineRow(long Sequence, string CaseId, DateOnly Deadline) : BoardRow(Sequence);
public sealed record CaseOverdueRow(long Sequence, string CaseId, DateTimeOffset DetectedAt) : BoardRow(Sequence);
public sealed record CaseVerifiedRow(long Sequence, string CaseId, DateTimeOffset VerifiedAt) : BoardRow(Sequence);
public sealed record LeaderRow(long Sequence, string LeaderId, string Name, string Title, string AreaId) : BoardRow(Sequence);
public sealed record CommissionerRow(long Sequence, string CommissionerId, string Name, string RegionId) : BoardRow(Sequence);
/// <summary>A leader's or commissioner's assignment ended: they answer for no area on the boards.</summary>
public sealed record AssignmentEndedRow(long Sequence, string PersonId, bool Commissioner) : BoardRow(Sequence);
public sealed record WarningRow(long Sequence, string WarningId, string RuleId, string RuleKind, string Subject, string SubjectId, string? EnterpriseId, string RegionId,
    string Severity, string Message, DateTimeOffset RaisedAt) : BoardRow(Sequence);
/// <summary>A person a warning has reached, at the stage of the chain of responsibility it reached them.</summary>
public sealed record WarningRecipientRow(long Sequence, string WarningId, string RecipientId, string Role, string Name, int Stage) : BoardRow(Sequence);
public sealed record WarningRepeatedRow(long Sequence, string WarningId, int Count, DateTimeOffset At) : BoardRow(Sequence);
public sealed record WarningAcknowledgedRow(long Sequence, string WarningId, DateTimeOffset At) : BoardRow(Sequence);
public sealed record WarningEscalatedRow(long Sequence, string WarningId, int Stage, DateTimeOffset At) : BoardRow(Sequence);
public sealed record WarningRemindedRow(long Sequence, string WarningId, int Number, DateTimeOffset At) : BoardRow(Sequence);
public sealed record WarningResolvedRow(long Sequence, string WarningId, bool ByRule, DateTimeOffset At) : BoardRow(Sequence);

/// <summary>
/// The pure fold behind the board tables: each event to the rows it implies. Times come from the events
/// (a rebuild gives the same rows). Risk signals are the ones the risk model sees (<see cref="RiskSignals"/>),
/// counted per hour of occurrence, feed, kind and region.
/// </summary>
public static class BoardFold
{
    public static IEnumerable<BoardRow> Fold(long seq, object data)
    {
        if (data is PublicReportReceived stored) data = PublicReportUpcast.From(stored);
        if (RiskSignals.From(data, seq) is { } signal)
            yield return new SignalRow(seq, Hour(signal.OccurredAt), signal.Feed, signal.Kind.ToString(), signal.RegionId);
        switch (data)
        {
            case RegionRegistered r:
                yield return new RegionRow(seq, r.RegionId, r.Name, r.NameZh, r.Kind.ToString(), r.ParentRegionId, r.Longitude, r.Latitude);
                break;
            case EnterpriseRegistered e:
                yield return new EnterpriseRow(seq, e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.Longitude, e.Latitude);
                break;
            case RiskAssessed a:
                yield return new AssessmentRow(seq, a.Subject, a.SubjectId, a.RegionId, a.Score, a.Level.ToString(), a.ModelVersion,
                    a.MainSignalKind?.ToString(), a.MainSignal, a.AssessedAt);
                break;
            case CameraRegistered c:
                yield return new DeviceRow(seq, c.CameraId, "camera", c.SiteId, c.EnterpriseId, c.RegionId, c.RegisteredAt);
                break;
            case MonitorRegistered m:
                yield return new DeviceRow(seq, m.MonitorId, "monitor", m.SiteId, m.EnterpriseId, m.RegionId, m.RegisteredAt);
                break;
            case CameraWentOffline c:
                yield return new DeviceStateRow(seq, c.CameraId, false, c.DetectedAt);
                break;
            case CameraCameOnline c:
                yield return new DeviceStateRow(seq, c.CameraId, true, c.CameOnlineAt);
                break;
            case MonitoringGapDetected g:
                yield return new DeviceStateRow(seq, g.MonitorId, false, g.DetectedAt);
                break;
            case MonitoringResumed r:
                yield return new DeviceStateRow(seq, r.MonitorId, true, r.ResumedAt);
                break;
            case PublicReportFiled p:
                yield return new PublicReportRow(seq, p.ReportId, p.Channel.ToString(), p.RegionId, p.EnterpriseId, p.ReceivedAt);
                break;
            case InspectionFindingRecorded f:
                yield return new FindingRow(seq, f.FindingId, f.EnterpriseId, f.RegionId, f.SiteId, f.Violation, f.Severity.ToString(), f.RectifyBy, f.RecordedAt);
                break;
            case RectificationCaseOpened c:
                yield return new CaseRow(seq, c.CaseId, c.OriginId, c.EnterpriseId, c.RegionId, c.Violation, c.Severity.ToString(), c.Deadline, c.CommissionerIds, c.OpenedAt);
                break;
            case RectificationDeadlineExtended d:
                yield return new CaseDeadlineRow(seq, d.CaseId, d.Deadline);
                break;
            case RectificationOverdue o:
                yield return new CaseOverdueRow(seq, o.CaseId, o.DetectedAt);
                break;
            case RectificationVerified v:
                yield return new CaseVerifiedRow(seq, v.CaseId, v.VerifiedAt);
                break;
            case LeaderAssigned l:
                yield return new LeaderRow(seq, l.LeaderId, l.Name, l.Title, l.AreaId);
                break;
            case CommissionerAssigned c:
                yield return new CommissionerRow(seq, c.CommissionerId, c.Name, c.RegionId);
                break;
            case LeaderReassigned l:
                yield return new LeaderRow(seq, l.LeaderId, l.Name, l.Title, l.AreaId);
                break;
            case CommissionerReassigned c:
                yield return new CommissionerRow(seq, c.CommissionerId, c.Name, c.RegionId);
                break;
            case EnterpriseAmended e:
                yield return new EnterpriseRow(seq, e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.Longitude, e.Latitude);
                break;
            case CameraMoved c:
                yield return new DeviceRow(seq, c.CameraId, "camera", c.SiteId, c.EnterpriseId, c.RegionId, c.MovedAt);
                break;
            case MonitorMoved m:
                yield return new DeviceRow(seq, m.MonitorId, "monitor", m.SiteId, m.EnterpriseId, m.RegionId, m.MovedAt);
                break;
            case LeaderAssignmentEnded l:
                yield return new AssignmentEndedRow(seq, l.LeaderId, false);
                break;
            case CommissionerAssignmentEnded c:
                yield return new AssignmentEndedRow(seq, c.CommissionerId, true);
                break;
            case WarningRaised w:
                yield return new WarningRow(seq, w.WarningId, w.RuleId, w.RuleKind, w.Subject.ToString(), w.SubjectId, w.EnterpriseId, w.RegionId,
                    w.Severity.ToString(), w.Message, w.RaisedAt);
                foreach (var r in w.Recipients) yield return new WarningRecipientRow(seq, w.WarningId, r.RecipientId, r.Role.ToString(), r.Name, 0);
                break;
            case WarningRepeated w:
                yield return new WarningRepeatedRow(seq, w.WarningId, w.Count, w.RepeatedAt);
                break;
            case WarningAcknowledged w:
                yield return new WarningAcknowledgedRow(seq, w.WarningId, w.AcknowledgedAt);
                break;
            case WarningEscalated w:
                yield return new WarningEscalatedRow(seq, w.WarningId, w.Stage, w.EscalatedAt);
                foreach (var r in w.Recipients) yield return new WarningRecipientRow(seq, w.WarningId, r.RecipientId, r.Role.ToString(), r.Name, w.Stage);
                break;
            case WarningReminderSent w:
                yield return new WarningRemindedRow(seq, w.WarningId, w.Number, w.RemindedAt);
                break;
            case WarningResolved w:
                yield return new WarningResolvedRow(seq, w.WarningId, w.ByRule, w.ResolvedAt);
                break;
        }
    }

    static DateTimeOffset Hour(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
