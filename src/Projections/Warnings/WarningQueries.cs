using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Warnings;

public static class WarningQueries
{
    public static readonly NamedQuery ResponseTimes = new(
        "warning-response-times", "Warning time to acknowledge and to resolve per rule",
        "Per rule, for warnings raised in the period: how many were raised, acknowledged and resolved, and the mean, median and 90th-percentile minutes from raising to acknowledgement and to resolution.",
        [From, To],
        $"""
        WITH w AS (
            SELECT coalesce(rule_id, '(no rule)') AS rule_id,
                   epoch(acknowledged_at - raised_at) / 60 AS ack_minutes, epoch(resolved_at - raised_at) / 60 AS resolve_minutes,
                   acknowledged_at, resolved_at
            FROM warning_lifecycle WHERE {InPeriod("raised_at")})
        SELECT rule_id, count(*) AS raised, count(acknowledged_at) AS acknowledged, count(resolved_at) AS resolved,
               round(avg(ack_minutes), 1) AS mean_minutes_to_acknowledge,
               round(median(ack_minutes), 1) AS median_minutes_to_acknowledge,
               round(quantile_cont(ack_minutes, 0.9), 1) AS p90_minutes_to_acknowledge,
               round(avg(resolve_minutes), 1) AS mean_minutes_to_resolve,
               round(median(resolve_minutes), 1) AS median_minutes_to_resolve,
               round(quantile_cont(resolve_minutes, 0.9), 1) AS p90_minutes_to_resolve
        FROM w
        GROUP BY rule_id
        ORDER BY rule_id
        """);
}
