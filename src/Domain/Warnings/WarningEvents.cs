using Fusion.Domain.Common;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Warnings;

public enum WarningSubject { Enterprise, Site, Region }

public enum RecipientRole { EnterpriseLeader, RegionLeader, Commissioner, PrefectureLeader }

/// <summary>One event that made a rule fire: its id, what it says, and when it happened.</summary>
public sealed record WarningEvidence(string EventId, long Sequence, string Kind, string Summary, DateTimeOffset OccurredAt);

/// <summary>One signal of the subject's risk explanation at the moment the warning was raised.</summary>
public sealed record ExplanationLine(string SignalId, string Summary, double Contribution);

/// <summary>Who a warning goes to at one stage of the chain of responsibility. Email is the official's work address.</summary>
public sealed record WarningRecipient(string RecipientId, RecipientRole Role, string Name, string? Email);

/// <summary>
/// A rule fired for a subject. Appended to stream "warning:{WarningId}". Evidence holds the events that
/// made it fire; RiskScore, RiskLevel and RiskExplanation the subject's risk at that moment (when it has
/// one). Recipients are stage 0 of the chain of responsibility (the area's leaders).
/// </summary>
public sealed record WarningRaised(
    string WarningId, string RuleId, string RuleKind, WarningSubject Subject, string SubjectId, string? EnterpriseId, string RegionId,
    Severity Severity, string Message, IReadOnlyList<WarningEvidence> Evidence,
    double? RiskScore, RiskLevel? RiskLevel, IReadOnlyList<ExplanationLine> RiskExplanation,
    IReadOnlyList<WarningRecipient> Recipients,
    DateTimeOffset RaisedAt);

/// <summary>The condition of an open warning held again: more evidence, one warning (as Alertmanager groups).</summary>
public sealed record WarningRepeated(
    string WarningId, IReadOnlyList<WarningEvidence> Evidence, int Count,
    DateTimeOffset RepeatedAt);

public sealed record WarningAcknowledged(
    string WarningId, string? Note,
    string AcknowledgedBy, DateTimeOffset AcknowledgedAt);

/// <summary>Nobody acknowledged within the rule's period: the warning goes up one stage of the chain.</summary>
public sealed record WarningEscalated(
    string WarningId, int Stage, IReadOnlyList<WarningRecipient> Recipients, string Reason,
    DateTimeOffset EscalatedAt);

public sealed record WarningReminderSent(
    string WarningId, int Number, IReadOnlyList<WarningRecipient> Recipients,
    DateTimeOffset RemindedAt);

/// <summary>Resolved by a person (By, Note), or by its rule when the condition cleared (ByRule, By = the rule id).</summary>
public sealed record WarningResolved(
    string WarningId, string? Note, bool ByRule,
    string ResolvedBy, DateTimeOffset ResolvedAt);

public static class WarningEvents
{
    public static readonly Type[] Types =
        [typeof(WarningRaised), typeof(WarningRepeated), typeof(WarningAcknowledged), typeof(WarningEscalated), typeof(WarningReminderSent), typeof(WarningResolved)];

    public static string? WarningIdOf(object e) => e switch
    {
        WarningRaised x => x.WarningId,
        WarningRepeated x => x.WarningId,
        WarningAcknowledged x => x.WarningId,
        WarningEscalated x => x.WarningId,
        WarningReminderSent x => x.WarningId,
        WarningResolved x => x.WarningId,
        _ => null,
    };
}
