using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Emissions;

public static class EmissionQueries
{
    public static readonly NamedQuery ExceedanceHours = new(
        "emission-exceedance-hours", "Emission exceedance hours per site and pollutant",
        "HJ 212 exceedances in the period per site and pollutant: how many, in how many hours (an hour with several exceedances counts once; a day's mean counts 24), and the worst value as a multiple of its limit. Site and enterprise come from the monitor's registration when the event lacks them.",
        [From, To, Enterprise, Region],
        $"""
        WITH x AS (
            SELECT coalesce(x.site_id, m.site_id) AS site_id, coalesce(x.enterprise_id, m.enterprise_id) AS enterprise_id,
                   coalesce(x.region_id, m.region_id) AS region_id, x.pollutant, x.value, x.limit_value, x.hours,
                   CASE WHEN x.hours <= 1 THEN date_trunc('hour', coalesce(x.period_start, x.occurred_at))
                        ELSE coalesce(x.period_start, x.occurred_at) END AS bucket
            FROM emission_exceedances x LEFT JOIN monitors m USING (monitor_id)
            WHERE {InPeriod("x.occurred_at")}),
        hour_totals AS (
            SELECT site_id, pollutant, sum(bucket_hours) AS total_hours
            FROM (SELECT site_id, pollutant, bucket, max(hours) AS bucket_hours FROM x GROUP BY site_id, pollutant, bucket)
            GROUP BY site_id, pollutant)
        SELECT x.site_id, s.name AS site_name, coalesce(x.enterprise_id, s.enterprise_id) AS enterprise_id, x.pollutant,
               count(*) AS exceedances, any_value(h.total_hours) AS hours, round(max(x.value / nullif(x.limit_value, 0)), 3) AS max_ratio
        FROM x
        LEFT JOIN hour_totals h ON h.site_id IS NOT DISTINCT FROM x.site_id AND h.pollutant = x.pollutant
        LEFT JOIN sites s ON s.site_id = x.site_id
        WHERE ($enterprise IS NULL OR coalesce(x.enterprise_id, s.enterprise_id) = $enterprise)
          AND ($region IS NULL OR coalesce(x.region_id, s.region_id) = $region)
        GROUP BY ALL
        ORDER BY hours DESC, x.site_id, x.pollutant
        """);
}
