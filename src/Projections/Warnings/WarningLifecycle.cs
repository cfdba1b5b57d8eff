using DuckDB.NET.Data;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Warnings;

public sealed record WarningRow(long Sequence, string WarningId, string? RuleId, string? SubjectId, string? EnterpriseId, string? RegionId,
    string? Level, string? Message, DateTimeOffset RaisedAt) : AnalyticsRow(Sequence);

public sealed record WarningTransitionRow(long Sequence, string WarningId, string Transition, string? By, string? Note, DateTimeOffset At) : AnalyticsRow(Sequence);

/// <summary>
/// Early warnings and their lifecycle (raised → acknowledged → resolved). The rules that raise them
/// live in the grains; their events are read by name until the types exist in Fusion.Domain.
/// </summary>
public static class WarningLifecycle
{
    public const string Feed = "warnings";
    public const string RaisedEvent = "WarningRaised";

    public static readonly IReadOnlyDictionary<string, string> Transitions = new Dictionary<string, string>
    {
        ["WarningAcknowledged"] = "acknowledged",
        ["WarningResolved"] = "resolved",
        ["WarningEscalated"] = "escalated",
        ["WarningReminderSent"] = "reminded",
    };

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

    public static (EventFacts, AnalyticsRow[])? FoldNamed(AnalyticsEvent e, JsonFields f)
    {
        var isRaised = e.EventType == RaisedEvent;
        if (!isRaised && !Transitions.ContainsKey(e.EventType)) return null;
        var warningId = f.String("WarningId") ?? NamedEvent.IdFromStream(e.StreamKey, "warning");
        if (warningId is null) return null;
        var enterpriseId = f.String("EnterpriseId");
        var regionId = f.String("RegionId");
        var level = f.Severity("Level", "Severity");
        if (isRaised)
        {
            var at = f.Time("RaisedAt", "OccurredAt") ?? f.FirstTimeEndingInAt() ?? e.Timestamp;
            return (new EventFacts(Feed, enterpriseId, regionId, f.String("SiteId"), level, false, at),
                [new WarningRow(e.Sequence, warningId, f.String("RuleId", "Rule", "RuleName"), f.String("SubjectId", "Subject"),
                    enterpriseId, regionId, level, f.String("Message", "Explanation", "Summary", "Title"), at)]);
        }
        var transition = Transitions[e.EventType];
        var when = f.FirstTimeEndingInAt() ?? e.Timestamp;
        return (new EventFacts(Feed, enterpriseId, regionId, f.String("SiteId"), level, false, when),
            [new WarningTransitionRow(e.Sequence, warningId, transition,
                f.String("AcknowledgedBy", "ResolvedBy", "EscalatedTo", "By"), f.String("Note", "Resolution", "Comment", "Reason"), when)]);
    }
}
