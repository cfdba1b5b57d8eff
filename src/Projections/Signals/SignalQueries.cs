using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Signals;

public static class SignalQueries
{
    public static readonly NamedQuery SignalMix = new(
        "signal-mix", "Signal mix by feed",
        "Risk signals per local day, region and feed (camera alarms, aerial findings, public reports, inspection findings, fund shortfalls, emission exceedances, device outages). A signal without a region takes its enterprise's.",
        [From, To, Region],
        $"""
        SELECT {Day("x.occurred_at")} AS day, coalesce(x.region_id, e.region_id) AS region_id, x.feed, count(*) AS signals
        FROM events x LEFT JOIN enterprises e USING (enterprise_id)
        WHERE x.signal AND {InPeriod("x.occurred_at")}
          AND ($region IS NULL OR coalesce(x.region_id, e.region_id) = $region)
        GROUP BY ALL
        ORDER BY day, region_id, feed
        """);
}
