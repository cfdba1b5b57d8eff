using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.Funds;

public static class FundQueries
{
    public static readonly NamedQuery Compliance = new(
        "fund-compliance", "Environmental-fund compliance per enterprise and period, as the fund ledger keeps it",
        "Per enterprise and fund period: the obligation (1‰ of the period's declared sales, from the production start but not before 2018-01-01; " +
        "the latest declaration of a period counts, and the first deposit feed's records declare too), what the deposits settled " +
        "(deposits settle the oldest obligation first), the shortfall and whether it is met; deposits and last_deposit_at are the enterprise's. " +
        "With a year as 'period', enterprises with no obligation for it are listed too, their obligation 1‰ of their registered annual sales.",
        [new QueryParameter("period", ParameterType.Text, "only this fund period (e.g. 2026-10, 2026-Q4 or 2026)"), Region],
        """
        WITH declared AS (
            SELECT enterprise_id, period, period_start, obligation_yuan, sequence FROM fund_declarations
            UNION ALL BY NAME
            SELECT enterprise_id, period, required_yuan AS obligation_yuan, sequence,
                   CASE WHEN regexp_full_match(period, '[0-9]{4}-[0-9]{2}') THEN make_date(CAST(left(period, 4) AS INTEGER), CAST(right(period, 2) AS INTEGER), 1)
                        WHEN regexp_full_match(period, '[0-9]{4}-Q[1-4]') THEN make_date(CAST(left(period, 4) AS INTEGER), (CAST(right(period, 1) AS INTEGER) - 1) * 3 + 1, 1)
                        ELSE make_date(CAST(left(period, 4) AS INTEGER), 1, 1) END AS period_start
            FROM fund_deposits),
        obligations AS (
            SELECT enterprise_id, period, period_start, obligation_yuan FROM declared
            QUALIFY row_number() OVER (PARTITION BY enterprise_id, period ORDER BY sequence DESC) = 1),
        paid AS (
            SELECT enterprise_id, sum(amount_yuan) AS total_yuan, count(*) AS deposits, max(paid_on) AS last_paid_on FROM (
                SELECT enterprise_id, amount_yuan, value_date AS paid_on FROM fund_bank_deposits
                UNION ALL SELECT enterprise_id, amount_yuan, CAST(deposited_at AS DATE) FROM fund_deposits)
            GROUP BY ALL),
        ledger AS (
            SELECT o.enterprise_id, o.period, o.obligation_yuan,
                   coalesce(sum(o.obligation_yuan) OVER (PARTITION BY o.enterprise_id ORDER BY o.period_start ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS owed_before,
                   coalesce(p.total_yuan, 0) AS total_yuan, coalesce(p.deposits, 0) AS deposits, CAST(p.last_paid_on AS TIMESTAMPTZ) AS last_deposit_at
            FROM obligations o LEFT JOIN paid p USING (enterprise_id)),
        settled AS (
            SELECT enterprise_id, period, obligation_yuan, least(greatest(total_yuan - owed_before, 0), obligation_yuan) AS deposited_yuan,
                   deposits, last_deposit_at
            FROM ledger WHERE $period IS NULL OR period = $period),
        missing AS (
            SELECT e.enterprise_id, CAST($period AS VARCHAR) AS period, e.annual_sales_revenue_yuan / 1000 AS obligation_yuan,
                   0 AS deposited_yuan, 0 AS deposits, CAST(NULL AS TIMESTAMPTZ) AS last_deposit_at
            FROM enterprises e
            WHERE regexp_full_match(coalesce($period, ''), '[0-9]{4}')
              AND e.enterprise_id NOT IN (SELECT enterprise_id FROM settled))
        SELECT l.enterprise_id, e.name, e.region_id, l.period,
               CAST(round(l.obligation_yuan, 2) AS DECIMAL(18,2)) AS obligation_yuan,
               CAST(l.deposited_yuan AS DECIMAL(18,2)) AS deposited_yuan,
               CAST(round(greatest(l.obligation_yuan - l.deposited_yuan, 0), 2) AS DECIMAL(18,2)) AS shortfall_yuan,
               l.deposits, l.last_deposit_at, l.deposited_yuan >= round(l.obligation_yuan, 2) AS compliant
        FROM (SELECT * FROM settled UNION ALL BY NAME SELECT * FROM missing) l
        LEFT JOIN enterprises e USING (enterprise_id)
        WHERE $region IS NULL OR e.region_id = $region
        ORDER BY shortfall_yuan DESC, l.enterprise_id, l.period
        """);
}
