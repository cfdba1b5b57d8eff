using Fusion.Domain.Inspections;
using Fusion.Domain.Rectification;

namespace Fusion.Domain.Blacklist;

/// <summary>
/// Measure 8's criteria as pure functions: which events are evidence, and whether the evidence held at a
/// moment meets a criterion. Early warning's composite rule and the blacklist proposal use the same code.
/// </summary>
public static class BlacklistCriteria
{
    /// <summary>The evidence an event gives, if any.</summary>
    public static IEnumerable<BlacklistEvidence> EvidenceFrom(object @event, BlacklistPolicy policy)
    {
        switch (@event)
        {
            case InspectionFindingRecorded f when f.Severity >= policy.MajorIncidentSeverity:
                yield return new(EvidenceKind.MajorIncident, $"inspection:{f.FindingId}", $"{f.Severity} finding by {f.RecordedBy}: {f.Violation}", f.RecordedAt);
                yield return new(EvidenceKind.SeriousFinding, $"inspection:{f.FindingId}", $"{f.Severity} finding by {f.RecordedBy}: {f.Violation}", f.RecordedAt);
                break;
            case InspectionFindingRecorded f when f.Severity >= policy.SeriousSeverity:
                yield return new(EvidenceKind.SeriousFinding, $"inspection:{f.FindingId}", $"{f.Severity} finding by {f.RecordedBy}: {f.Violation}", f.RecordedAt);
                break;
            case AccountabilityRecorded a:
                yield return new(EvidenceKind.Accountability, $"case:{a.CaseId}", a.Reason, a.RecordedAt);
                break;
        }
    }

    /// <summary>The criteria the evidence meets at 'now', counting only evidence within the window before it.</summary>
    public static IReadOnlyList<CriterionMet> Evaluate(IEnumerable<BlacklistEvidence> evidence, BlacklistPolicy policy, DateTimeOffset now)
    {
        var from = now.AddMonths(-policy.WindowMonths);
        var recent = evidence.Where(e => e.At > from && e.At <= now).OrderBy(e => e.At).ToList();
        var met = new List<CriterionMet>();
        var incidents = recent.Where(e => e.Kind == EvidenceKind.MajorIncident).ToList();
        if (incidents.Count > 0)
            met.Add(new(BlacklistReason.MajorIncident, "a major environmental incident", incidents));
        var serious = recent.Where(e => e.Kind == EvidenceKind.SeriousFinding).ToList();
        if (serious.Count >= policy.SeriousFindings)
            met.Add(new(BlacklistReason.RepeatedViolations, $"{serious.Count} serious violations within {policy.WindowMonths} months (at least {policy.SeriousFindings})", serious));
        var accountable = recent.Where(e => e.Kind == EvidenceKind.Accountability).ToList();
        if (accountable.Count >= policy.Accountabilities)
            met.Add(new(BlacklistReason.ResponsibilityNotImplemented, $"{accountable.Count} rectification(s) overdue and held to account within {policy.WindowMonths} months", accountable));
        return met;
    }
}
