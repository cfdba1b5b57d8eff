using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Funds;

public static class FundQueries
{
    public static readonly NamedQuery Compliance = new(
        "fund-compliance", "Environmental-fund compliance per enterprise",
        "Per enterprise and fund period: the obligation (1‰ of the period's sales, as the deposits state it), what was deposited, the shortfall and whether it is met. With a year as 'period', enterprises with no deposit for it are listed too, their obligation 1‰ of their registered annual sales.",
        [new QueryParameter("period", ParameterType.Text, "only this fund period, as deposits name it (e.g. 2026)"), Region],
        """
        WITH ledger AS (
            SELECT enterprise_id, period, max(required_yuan) AS obligation_yuan, sum(amount_yuan) AS deposited_yuan,
                   count(*) AS deposits, max(deposited_at) AS last_deposit_at
            FROM fund_deposits WHERE $period IS NULL OR period = $period
            GROUP BY ALL),
        missing AS (
            SELECT e.enterprise_id, CAST($period AS VARCHAR) AS period, e.annual_sales_revenue_yuan / 1000 AS obligation_yuan,
                   0 AS deposited_yuan, 0 AS deposits, CAST(NULL AS TIMESTAMPTZ) AS last_deposit_at
            FROM enterprises e
            WHERE regexp_full_match(coalesce($period, ''), '[0-9]{4}')
              AND e.enterprise_id NOT IN (SELECT enterprise_id FROM ledger))
        SELECT l.enterprise_id, e.name, e.region_id, l.period,
               CAST(round(l.obligation_yuan, 2) AS DECIMAL(18,2)) AS obligation_yuan,
               CAST(l.deposited_yuan AS DECIMAL(18,2)) AS deposited_yuan,
               CAST(round(greatest(l.obligation_yuan - l.deposited_yuan, 0), 2) AS DECIMAL(18,2)) AS shortfall_yuan,
               l.deposits, l.last_deposit_at, l.deposited_yuan >= round(l.obligation_yuan, 2) AS compliant
        FROM (SELECT * FROM ledger UNION ALL BY NAME SELECT * FROM missing) l
        LEFT JOIN enterprises e USING (enterprise_id)
        WHERE $region IS NULL OR e.region_id = $region
        ORDER BY shortfall_yuan DESC, l.enterprise_id, l.period
        """);
}
