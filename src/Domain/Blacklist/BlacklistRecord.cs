namespace Fusion.Domain.Blacklist;

public enum ListingStatus { NotListed, Proposed, Listed }

/// <summary>One term on the blacklist; EndedAt and EndReason once it expired or was ended early.</summary>
public sealed record ListingPeriod(string ProposalId, BlacklistReason ReasonCategory, DateTimeOffset ListedFrom, DateTimeOffset ListedUntil,
    string DecisionRef, string DecidedBy, DateTimeOffset? EndedAt, string? EndReason);

/// <summary>
/// An enterprise's standing on the blacklist, folded from stream "blacklist:{EnterpriseId}". UsedEvidence
/// holds the evidence earlier proposals rested on, so the same facts do not propose a second listing.
/// </summary>
public sealed record BlacklistRecord(
    string Id, string EnterpriseName, string RegionId, ListingStatus Status, string? ProposalId, IReadOnlyList<CriterionMet> Criteria,
    DateTimeOffset? ProposedAt, IReadOnlyList<string> UsedEvidence, IReadOnlyList<ListingPeriod> Listings)
{
    public ListingPeriod? Current => Status == ListingStatus.Listed ? Listings[^1] : null;

    /// <summary>Listed at that moment: a term that began and had not yet run out or been ended.</summary>
    public bool ListedAt(DateTimeOffset at) =>
        Listings.Any(l => l.ListedFrom <= at && at < (l.EndedAt is { } ended && ended < l.ListedUntil ? ended : l.ListedUntil));

    public static BlacklistRecord? Fold(IEnumerable<object> events) => events.Aggregate((BlacklistRecord?)null, Apply);

    public static BlacklistRecord? Apply(BlacklistRecord? state, object @event) => @event switch
    {
        BlacklistingProposed e => (state ?? new BlacklistRecord(e.EnterpriseId, e.EnterpriseName, e.RegionId, ListingStatus.NotListed, null, [], null, [], [])) with
        {
            Status = ListingStatus.Proposed, ProposalId = e.ProposalId, Criteria = e.Criteria, ProposedAt = e.ProposedAt,
            UsedEvidence = (state?.UsedEvidence ?? []).Union(e.Criteria.SelectMany(c => c.Evidence).Select(x => x.SourceId)).ToArray(),
        },
        EnterpriseBlacklisted e when state is not null => state with
        {
            Status = ListingStatus.Listed,
            Listings = [.. state.Listings, new ListingPeriod(e.ProposalId, e.ReasonCategory, e.ListedFrom, e.ListedUntil, e.DecisionRef, e.DecidedBy, null, null)],
        },
        BlacklistingProposalDismissed when state is not null => state with { Status = ListingStatus.NotListed, ProposalId = null, Criteria = [], ProposedAt = null },
        BlacklistingExpired e when state is not null => Ended(state, e.ExpiredAt, "expired"),
        EnterpriseDelisted e when state is not null => Ended(state, e.DelistedAt, $"delisted early: {e.Reason}"),
        _ => state,
    };

    static BlacklistRecord Ended(BlacklistRecord state, DateTimeOffset at, string reason) => state with
    {
        Status = ListingStatus.NotListed, ProposalId = null, Criteria = [], ProposedAt = null,
        Listings = [.. state.Listings.SkipLast(1), state.Listings[^1] with { EndedAt = at, EndReason = reason }],
    };
}
