using System.Collections.Immutable;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Warnings;

public sealed record WarningHistoryEntry(string Transition, string? By, string? Note, int? Stage, IReadOnlyList<WarningRecipient> Recipients, DateTimeOffset At);

/// <summary>
/// A warning as the API shows it, folded from its own stream's events: status (raised, acknowledged,
/// escalated, resolved), evidence, the risk explanation at raising, who it is with, and its history.
/// </summary>
public sealed record WarningView(
    string Id, string RuleId, string RuleKind, WarningSubject Subject, string SubjectId, string? EnterpriseId, string RegionId,
    Severity Severity, string Message, string Status, int Count, int Stage, bool Acknowledged,
    IReadOnlyList<WarningEvidence> Evidence, double? RiskScore, RiskLevel? RiskLevel, IReadOnlyList<ExplanationLine> RiskExplanation,
    IReadOnlyList<WarningRecipient> Recipients, IReadOnlyList<WarningHistoryEntry> History,
    DateTimeOffset RaisedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? ResolvedAt, DateTimeOffset UpdatedAt)
{
    public static WarningView? Fold(IEnumerable<object> events) =>
        events.Aggregate((WarningView?)null, (view, e) => Apply(view, e));

    public static WarningView? Apply(WarningView? view, object @event) => (view, @event) switch
    {
        (null, WarningRaised e) => new WarningView(e.WarningId, e.RuleId, e.RuleKind, e.Subject, e.SubjectId, e.EnterpriseId, e.RegionId,
            e.Severity, e.Message, "raised", 1, 0, false, e.Evidence, e.RiskScore, e.RiskLevel, e.RiskExplanation, e.Recipients,
            [new WarningHistoryEntry("raised", null, null, 0, e.Recipients, e.RaisedAt)], e.RaisedAt, null, null, e.RaisedAt),
        (null, _) => null,
        (_, WarningRepeated e) => view with
        {
            Count = e.Count, Evidence = [.. view.Evidence, .. e.Evidence], UpdatedAt = e.RepeatedAt,
            History = [.. view.History, new WarningHistoryEntry("repeated", null, $"{e.Evidence.Count} new evidence", null, [], e.RepeatedAt)],
        },
        (_, WarningAcknowledged e) => view with
        {
            Acknowledged = true, Status = view.Status == "resolved" ? view.Status : "acknowledged", AcknowledgedAt = view.AcknowledgedAt ?? e.AcknowledgedAt,
            UpdatedAt = e.AcknowledgedAt, History = [.. view.History, new WarningHistoryEntry("acknowledged", e.AcknowledgedBy, e.Note, null, [], e.AcknowledgedAt)],
        },
        (_, WarningEscalated e) => view with
        {
            Stage = e.Stage, Recipients = e.Recipients, Status = view.Status == "raised" ? "escalated" : view.Status, UpdatedAt = e.EscalatedAt,
            History = [.. view.History, new WarningHistoryEntry("escalated", null, e.Reason, e.Stage, e.Recipients, e.EscalatedAt)],
        },
        (_, WarningReminderSent e) => view with
        {
            UpdatedAt = e.RemindedAt,
            History = [.. view.History, new WarningHistoryEntry("reminded", null, $"reminder {e.Number}", null, e.Recipients, e.RemindedAt)],
        },
        (_, WarningResolved e) => view with
        {
            Status = "resolved", ResolvedAt = e.ResolvedAt, UpdatedAt = e.ResolvedAt,
            History = [.. view.History, new WarningHistoryEntry("resolved", e.ResolvedBy, e.Note, null, [], e.ResolvedAt)],
        },
        _ => view,
    };
}
