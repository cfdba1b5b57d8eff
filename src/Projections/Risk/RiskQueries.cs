using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Risk;

public static class RiskQueries
{
    public static readonly NamedQuery RiskByRegionDaily = new(
        "risk-by-region-daily", "Risk by region over time",
        "Per region and local day: the closing score and level (the last assessment at or before the day's end, carried over days without change), the day's highest score and how many assessments the day had. Days before a region's first assessment are left out.",
        [From, To, Region],
        $"""
        WITH days AS (
            SELECT CAST(d AS DATE) AS day FROM generate_series(CAST($from AS DATE), CAST($to AS DATE), INTERVAL 1 DAY) AS t(d)),
        assessed AS (
            SELECT subject_id AS region_id, timezone('Asia/Shanghai', assessed_at) AS local_at, score, level, sequence
            FROM risk_assessments WHERE subject = 'Region'),
        grid AS (
            SELECT r.region_id, d.day, CAST(d.day + 1 AS TIMESTAMP) AS day_end
            FROM days d CROSS JOIN (SELECT DISTINCT region_id FROM assessed WHERE $region IS NULL OR region_id = $region) r),
        closing AS (
            SELECT g.region_id, g.day, a.score, a.level
            FROM grid g ASOF LEFT JOIN assessed a ON g.region_id = a.region_id AND g.day_end > a.local_at),
        daily AS (
            SELECT region_id, CAST(local_at AS DATE) AS day, max(score) AS max_score, count(*) AS assessments
            FROM assessed GROUP BY ALL)
        SELECT c.day, c.region_id, r.name AS region_name, c.score AS closing_score, c.level AS closing_level,
               coalesce(d.max_score, c.score) AS max_score, coalesce(d.assessments, 0) AS assessments
        FROM closing c
        LEFT JOIN daily d USING (region_id, day)
        LEFT JOIN regions r USING (region_id)
        WHERE c.score IS NOT NULL
        ORDER BY c.day, c.region_id
        """);

    public static readonly NamedQuery TopEnterprises = new(
        "top-enterprises", "Top enterprises by score or by signals",
        "Enterprises ranked by the highest risk score they reached in the period (by=score) or by how many risk signals about them occurred in it (by=signals). Also gives the closing score and level in the period.",
        [
            From, To,
            new QueryParameter("by", ParameterType.Choice, "rank by the period's highest score or by its number of signals", Default: "score", Choices: ["score", "signals"]),
            new QueryParameter("limit", ParameterType.Integer, "how many enterprises", Default: "10", Min: 1, Max: 10000),
            Region,
        ],
        $"""
        WITH scores AS (
            SELECT subject_id AS enterprise_id, max(score) AS max_score,
                   arg_max(score, sequence) AS closing_score, arg_max(level, sequence) AS closing_level
            FROM risk_assessments WHERE subject = 'Enterprise' AND {InPeriod("assessed_at")} GROUP BY ALL),
        signals AS (
            SELECT enterprise_id, count(*) AS signals
            FROM events WHERE signal AND enterprise_id IS NOT NULL AND {InPeriod("occurred_at")} GROUP BY ALL),
        candidates AS (SELECT enterprise_id FROM scores UNION SELECT enterprise_id FROM signals)
        SELECT c.enterprise_id, e.name, e.region_id, s.max_score, s.closing_score, s.closing_level, coalesce(g.signals, 0) AS signals
        FROM candidates c
        LEFT JOIN enterprises e USING (enterprise_id)
        LEFT JOIN scores s USING (enterprise_id)
        LEFT JOIN signals g USING (enterprise_id)
        WHERE $region IS NULL OR e.region_id = $region
        ORDER BY
            CASE WHEN $by = 'signals' THEN CAST(coalesce(g.signals, 0) AS DOUBLE) ELSE coalesce(s.max_score, 0) END DESC,
            CASE WHEN $by = 'signals' THEN coalesce(s.max_score, 0) ELSE CAST(coalesce(g.signals, 0) AS DOUBLE) END DESC,
            c.enterprise_id
        LIMIT $limit
        """);

    public static readonly NamedQuery EnterpriseRiskHistory = new(
        "enterprise-risk-history", "An enterprise's risk history",
        "Every assessment of one enterprise's risk score in the period, oldest first.",
        [Enterprise with { Required = true, Description = "the enterprise (unified social credit code)" }, From, To],
        $"""
        SELECT assessed_at, score, level, signal_count, model_version, up_to_sequence
        FROM risk_assessments
        WHERE subject = 'Enterprise' AND subject_id = $enterprise AND {InPeriod("assessed_at")}
        ORDER BY assessed_at, sequence
        """);
}
