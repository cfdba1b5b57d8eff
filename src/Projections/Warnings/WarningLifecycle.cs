using DuckDB.NET.Data;
using Fusion.Domain.Warnings;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Warnings;

public sealed record WarningRow(long Sequence, string WarningId, string? RuleId, string? SubjectId, string? EnterpriseId, string? RegionId,
    string? Level, string? Message, DateTimeOffset RaisedAt) : AnalyticsRow(Sequence);

public sealed record WarningTransitionRow(long Sequence, string WarningId, string Transition, string? By, string? Note, DateTimeOffset At) : AnalyticsRow(Sequence);

/// <summary>Early warnings and their lifecycle (raised → acknowledged → escalated → resolved), folded from the warning events.</summary>
public static class WarningLifecycle
{
    public const string Feed = "warnings";
    public static readonly AnalyticsTable<WarningRow> Table = new("warnings", """
        sequence BIGINT NOT NULL, warning_id VARCHAR NOT NULL, rule_id VARCHAR, subject_id VARCHAR, enterprise_id VARCHAR,
        region_id VARCHAR, level VARCHAR, message VARCHAR, raised_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.WarningId).AppendValue(x.RuleId).AppendValue(x.SubjectId).AppendValue(x.EnterpriseId)
            .AppendValue(x.RegionId).AppendValue(x.Level).AppendValue(x.Message).AppendValue(x.RaisedAt).EndRow());

    public static readonly AnalyticsTable<WarningTransitionRow> TransitionTable = new("warning_transitions", """
        sequence BIGINT NOT NULL, warning_id VARCHAR NOT NULL, transition VARCHAR NOT NULL, actor VARCHAR, note VARCHAR, occurred_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.WarningId).AppendValue(x.Transition).AppendValue(x.By).AppendValue(x.Note)
            .AppendValue(x.At).EndRow());

    /// <summary>One row per warning with the first acknowledgement and resolution.</summary>
    public const string LifecycleView = """
        CREATE OR REPLACE VIEW warning_lifecycle AS
        SELECT w.warning_id, w.rule_id, w.subject_id, w.enterprise_id, w.region_id, w.level, w.message, w.raised_at,
               a.first_at AS acknowledged_at, a.actor AS acknowledged_by, r.first_at AS resolved_at, r.actor AS resolved_by,
               CASE WHEN r.first_at IS NOT NULL THEN 'resolved' WHEN a.first_at IS NOT NULL THEN 'acknowledged' ELSE 'raised' END AS status
        FROM warnings w
        LEFT JOIN (SELECT warning_id, arg_min(occurred_at, sequence) AS first_at, arg_min(actor, sequence) AS actor FROM warning_transitions
                   WHERE transition = 'acknowledged' GROUP BY warning_id) a USING (warning_id)
        LEFT JOIN (SELECT warning_id, arg_min(occurred_at, sequence) AS first_at, arg_min(actor, sequence) AS actor FROM warning_transitions
                   WHERE transition = 'resolved' GROUP BY warning_id) r USING (warning_id)
        """;

    public static (EventFacts, AnalyticsRow[])? Fold(long seq, object e) => e switch
    {
        WarningRaised x => (new EventFacts(Feed, x.EnterpriseId, x.RegionId, x.Subject == WarningSubject.Site ? x.SubjectId : null, x.Severity.ToString(), false, x.RaisedAt),
            [new WarningRow(seq, x.WarningId, x.RuleId, x.SubjectId, x.EnterpriseId, x.RegionId, x.Severity.ToString(), x.Message, x.RaisedAt)]),
        WarningRepeated x => Transition(seq, x.WarningId, "repeated", null, $"{x.Evidence.Count} new evidence, {x.Count} in all", x.RepeatedAt),
        WarningAcknowledged x => Transition(seq, x.WarningId, "acknowledged", x.AcknowledgedBy, x.Note, x.AcknowledgedAt),
        WarningEscalated x => Transition(seq, x.WarningId, "escalated", string.Join(", ", x.Recipients.Select(r => r.RecipientId)), x.Reason, x.EscalatedAt),
        WarningReminderSent x => Transition(seq, x.WarningId, "reminded", string.Join(", ", x.Recipients.Select(r => r.RecipientId)), $"reminder {x.Number}", x.RemindedAt),
        WarningResolved x => Transition(seq, x.WarningId, "resolved", x.ResolvedBy, x.Note, x.ResolvedAt),
        _ => null,
    };

    static (EventFacts, AnalyticsRow[]) Transition(long seq, string warningId, string transition, string? by, string? note, DateTimeOffset at) =>
        (new EventFacts(Feed, null, null, null, null, false, at), [new WarningTransitionRow(seq, warningId, transition, by, note, at)]);
}
