using DuckDB.NET.Data;
using Fusion.Domain.Credit;
using Fusion.Projections.Projection;
using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Credit;

public sealed record CreditGradeRow(long Sequence, string EnterpriseId, string RegionId, double Score, string Grade, string SchemeVersion,
    int DeductionsInForce, DateTimeOffset AssessedAt) : AnalyticsRow(Sequence);

/// <summary>Environmental credit grades as they moved: one row per assessment that changed an enterprise's score or grade.</summary>
public static class CreditGrades
{
    public static readonly AnalyticsTable<CreditGradeRow> Table = new("credit_grades", """
        sequence BIGINT NOT NULL, enterprise_id VARCHAR NOT NULL, region_id VARCHAR NOT NULL, score DOUBLE NOT NULL, grade VARCHAR NOT NULL,
        scheme_version VARCHAR NOT NULL, deductions_in_force INTEGER NOT NULL, assessed_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.EnterpriseId).AppendValue(x.RegionId).AppendValue(x.Score).AppendValue(x.Grade)
            .AppendValue(x.SchemeVersion).AppendValue(x.DeductionsInForce).AppendValue(x.AssessedAt).EndRow());

    public static (EventFacts, AnalyticsRow[])? Fold(long seq, object data) => data is CreditGradeAssessed e
        ? (new EventFacts("credit", e.EnterpriseId, e.RegionId, null, null, false, e.AssessedAt),
            [new CreditGradeRow(seq, e.EnterpriseId, e.RegionId, e.Score, e.Grade, e.SchemeVersion, e.DeductionsInForce, e.AssessedAt)])
        : null;

    public static readonly NamedQuery ByRegion = new(
        "credit-grades-by-region", "Credit grades by region",
        "Per region and grade: how many enterprises held that grade on 'as_of' (each enterprise's latest assessment by that day) and their mean score.",
        [new QueryParameter("as_of", ParameterType.Date, "the day to judge on (local), 'today' by default", Default: "today"), Region],
        $"""
        WITH latest AS (
            SELECT enterprise_id, arg_max(region_id, sequence) AS region_id, arg_max(grade, sequence) AS grade, arg_max(score, sequence) AS score
            FROM credit_grades
            WHERE {Day("assessed_at")} <= CAST($as_of AS DATE)
            GROUP BY enterprise_id)
        SELECT l.region_id, r.name AS region_name, l.grade, count(*) AS enterprises, round(avg(l.score), 2) AS mean_score, min(l.score) AS min_score
        FROM latest l LEFT JOIN regions r ON r.region_id = l.region_id
        WHERE ($region IS NULL OR l.region_id = $region)
        GROUP BY ALL
        ORDER BY l.region_id, mean_score DESC
        """);
}
