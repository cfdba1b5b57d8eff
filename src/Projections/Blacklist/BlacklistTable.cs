using DuckDB.NET.Data;
using Fusion.Domain.Blacklist;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Blacklist;

public sealed record BlacklistRow(long Sequence, string EnterpriseId, string ProposalId, string Step, string? ReasonCategory,
    DateTimeOffset? ListedFrom, DateTimeOffset? ListedUntil, string? Actor, string? Note, DateTimeOffset OccurredAt) : AnalyticsRow(Sequence);

/// <summary>The blacklist (measure 8): every proposal, decision, expiry and early delisting.</summary>
public static class BlacklistTable
{
    const string Feed = "blacklist";

    public static readonly AnalyticsTable<BlacklistRow> Table = new("blacklist", """
        sequence BIGINT NOT NULL, enterprise_id VARCHAR NOT NULL, proposal_id VARCHAR NOT NULL, step VARCHAR NOT NULL, reason_category VARCHAR,
        listed_from TIMESTAMPTZ, listed_until TIMESTAMPTZ, actor VARCHAR, note VARCHAR, occurred_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.EnterpriseId).AppendValue(x.ProposalId).AppendValue(x.Step).AppendValue(x.ReasonCategory)
            .AppendValue(x.ListedFrom).AppendValue(x.ListedUntil).AppendValue(x.Actor).AppendValue(x.Note).AppendValue(x.OccurredAt).EndRow());

    public static (EventFacts, AnalyticsRow[])? Fold(long seq, object data) => data switch
    {
        BlacklistingProposed e => Row(e.EnterpriseId, e.RegionId, new(seq, e.EnterpriseId, e.ProposalId, "proposed",
            string.Join(",", e.Criteria.Select(c => c.Reason)), null, null, null, string.Join("; ", e.Criteria.Select(c => c.Explanation)), e.ProposedAt)),
        EnterpriseBlacklisted e => Row(e.EnterpriseId, e.RegionId, new(seq, e.EnterpriseId, e.ProposalId, "listed", e.ReasonCategory.ToString(),
            e.ListedFrom, e.ListedUntil, e.DecidedBy, e.DecisionRef, e.DecidedAt)),
        BlacklistingProposalDismissed e => Row(e.EnterpriseId, null, new(seq, e.EnterpriseId, e.ProposalId, "dismissed", null, null, null, e.DecidedBy, e.Reason, e.DecidedAt)),
        BlacklistingExpired e => Row(e.EnterpriseId, e.RegionId, new(seq, e.EnterpriseId, e.ProposalId, "expired", null, null, e.ListedUntil, null, null, e.ExpiredAt)),
        EnterpriseDelisted e => Row(e.EnterpriseId, e.RegionId, new(seq, e.EnterpriseId, e.ProposalId, "delisted", null, null, null, e.DecidedBy,
            $"{e.DecisionRef}: {e.Reason}", e.DelistedAt)),
        _ => null,
    };

    static (EventFacts, AnalyticsRow[]) Row(string enterpriseId, string? regionId, BlacklistRow row) =>
        (new EventFacts(Feed, enterpriseId, regionId, null, null, false, row.OccurredAt), [row]);
}
