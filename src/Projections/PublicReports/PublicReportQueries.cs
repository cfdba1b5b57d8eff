using Fusion.Projections.Queries;
using static Fusion.Projections.Queries.Params;

namespace Fusion.Projections.PublicReports;

public static class PublicReportQueries
{
    public static readonly NamedQuery ByChannel = new(
        "public-reports-by-channel", "Public reports by channel with verification rate",
        "Public reports received in the period per channel (12369 hotline, WeChat, SMS, e-mail): how many, how many anonymous, how many have been verified since (any verdict), the share verified, " +
        "and how many repeat an earlier complaint (duplicate_of: linked to its first report, no signal of their own).",
        [From, To, Region],
        $"""
        SELECT p.channel, count(*) AS reports, count(*) FILTER (WHERE p.anonymous) AS anonymous,
               count(v.report_id) AS verified, round(count(v.report_id) / count(*), 4) AS verification_rate,
               count(*) FILTER (WHERE p.duplicate_of IS NOT NULL) AS duplicates
        FROM public_reports p
        LEFT JOIN (SELECT DISTINCT report_id FROM public_report_verifications) v USING (report_id)
        WHERE {InPeriod("p.received_at")} AND ($region IS NULL OR p.region_id = $region)
        GROUP BY p.channel
        ORDER BY p.channel
        """);
}
