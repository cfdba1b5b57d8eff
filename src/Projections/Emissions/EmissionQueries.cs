using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Emissions;

public static class EmissionQueries
{
    public static readonly NamedQuery ExceedanceHours = new(
        "emission-exceedance-hours", "Emission exceedance hours per site and pollutant",
        "HJ 212 exceedances in the period per site and pollutant: how many, how many hours, and the worst value as a multiple of its limit. Site and enterprise come from the monitor's registration when the event lacks them.",
        [From, To, Enterprise, Region],
        $"""
        SELECT coalesce(x.site_id, m.site_id) AS site_id, s.name AS site_name,
               coalesce(x.enterprise_id, m.enterprise_id, s.enterprise_id) AS enterprise_id, x.pollutant,
               count(*) AS exceedances, sum(x.hours) AS hours, round(max(x.value / nullif(x.limit_value, 0)), 3) AS max_ratio
        FROM emission_exceedances x
        LEFT JOIN monitors m USING (monitor_id)
        LEFT JOIN sites s ON s.site_id = coalesce(x.site_id, m.site_id)
        WHERE {InPeriod("x.occurred_at")}
          AND ($enterprise IS NULL OR coalesce(x.enterprise_id, m.enterprise_id, s.enterprise_id) = $enterprise)
          AND ($region IS NULL OR coalesce(x.region_id, m.region_id, s.region_id) = $region)
        GROUP BY ALL
        ORDER BY hours DESC, site_id, pollutant
        """);
}
