using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Inspections;

public static class InspectionQueries
{
    public static readonly NamedQuery OverdueRectifications = new(
        "overdue-rectifications", "Overdue rectifications by commissioner",
        "Per commissioner (through the region they oversee): inspection findings recorded by 'as_of' whose rectify-by day has passed and that had no rectification by then. A region with several commissioners is counted for each; one with none shows an empty commissioner.",
        [new QueryParameter("as_of", ParameterType.Date, "the day to judge on (local), 'today' by default", Default: "today"), Region],
        $"""
        WITH overdue AS (
            SELECT f.finding_id, f.region_id, f.rectify_by, CAST($as_of AS DATE) - f.rectify_by AS days_overdue
            FROM inspection_findings f
            WHERE f.rectify_by < CAST($as_of AS DATE)
              AND {Day("f.recorded_at")} <= CAST($as_of AS DATE)
              AND NOT EXISTS (SELECT 1 FROM rectifications r
                              WHERE r.finding_id = f.finding_id AND {Day("r.rectified_at")} <= CAST($as_of AS DATE))
              AND ($region IS NULL OR f.region_id = $region))
        SELECT c.commissioner_id, c.name AS commissioner_name, o.region_id, count(*) AS overdue,
               max(o.days_overdue) AS max_days_overdue, min(o.rectify_by) AS oldest_rectify_by
        FROM overdue o LEFT JOIN commissioners c ON c.region_id = o.region_id
        GROUP BY ALL
        ORDER BY overdue DESC, c.commissioner_id NULLS LAST, o.region_id
        """);
}
