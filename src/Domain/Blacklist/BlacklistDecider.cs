using Fusion.Domain.Common;

namespace Fusion.Domain.Blacklist;

public abstract record BlacklistCommand(DateTimeOffset Now);

/// <summary>Issued when the criteria hold (see <see cref="BlacklistCriteria"/>).</summary>
public sealed record ProposeListing(string EnterpriseId, string ProposalId, string EnterpriseName, string RegionId,
    IReadOnlyList<CriterionMet> Criteria, DateTimeOffset Now) : BlacklistCommand(Now);

/// <summary>The authorised decision to list, for the policy's ban.</summary>
public sealed record DecideListing(string DecisionRef, string By, BlacklistPolicy Policy, DateTimeOffset Now) : BlacklistCommand(Now);

public sealed record DismissProposal(string Reason, string By, DateTimeOffset Now) : BlacklistCommand(Now);

/// <summary>Early delisting: a decision with its reason.</summary>
public sealed record Delist(string Reason, string DecisionRef, string By, DateTimeOffset Now) : BlacklistCommand(Now);

/// <summary>Issued by the platform's clock when a ban's term has run out.</summary>
public sealed record ExpireListing(DateTimeOffset Now) : BlacklistCommand(Now);

/// <summary>
/// The blacklist (measure 8) as a pure decision. Invalid commands throw <see cref="DomainRejected"/>
/// (422), transitions the record does not allow <see cref="TransitionRefused"/> (409). A proposal
/// resting only on evidence an earlier proposal used, or made while one is pending or a listing runs,
/// decides nothing.
/// </summary>
public static class BlacklistDecider
{
    /// <summary>Which reason a listing is published under when several criteria hold: the gravest first.</summary>
    static readonly BlacklistReason[] Gravity = [BlacklistReason.MajorIncident, BlacklistReason.ResponsibilityNotImplemented, BlacklistReason.RepeatedViolations];

    public static object[] Decide(BlacklistCommand command, BlacklistRecord? state)
    {
        Validate(command);
        var status = state?.Status ?? ListingStatus.NotListed;
        return (command, status) switch
        {
            (ProposeListing c, ListingStatus.NotListed) when c.Criteria.SelectMany(x => x.Evidence).Any(e => !(state?.UsedEvidence ?? []).Contains(e.SourceId)) =>
                [new BlacklistingProposed(c.EnterpriseId, c.ProposalId, c.EnterpriseName, c.RegionId, c.Criteria, c.Now)],
            (ProposeListing, _) => [],

            (DecideListing c, ListingStatus.Proposed) =>
            [
                new EnterpriseBlacklisted(state!.Id, state.ProposalId!, state.EnterpriseName, state.RegionId,
                    Gravity.First(r => state.Criteria.Any(x => x.Reason == r)), c.Now, c.Now.AddYears(c.Policy.BanYears), c.DecisionRef, c.By, c.Now),
            ],
            (DismissProposal c, ListingStatus.Proposed) => [new BlacklistingProposalDismissed(state!.Id, state.ProposalId!, c.Reason, c.By, c.Now)],
            (DecideListing or DismissProposal, ListingStatus.Listed) => throw new TransitionRefused(
                $"{state!.EnterpriseName} is already listed until {state.Current!.ListedUntil:yyyy-MM-dd}; there is no proposal to decide."),
            (DecideListing or DismissProposal, _) => throw new TransitionRefused("There is no listing proposal for this enterprise to decide on."),

            (Delist c, ListingStatus.Listed) => [new EnterpriseDelisted(state!.Id, state.Current!.ProposalId, state.RegionId, c.Reason, c.DecisionRef, c.By, c.Now)],
            (Delist, _) => throw new TransitionRefused("The enterprise is not on the blacklist."),

            (ExpireListing c, ListingStatus.Listed) when c.Now >= state!.Current!.ListedUntil =>
                [new BlacklistingExpired(state.Id, state.Current.ProposalId, state.RegionId, state.Current.ListedUntil, c.Now)],
            (ExpireListing, ListingStatus.Listed) => throw new TransitionRefused($"The listing runs until {state!.Current!.ListedUntil:yyyy-MM-dd}."),
            (ExpireListing, _) => [],
            _ => throw new TransitionRefused($"Cannot {command.GetType().Name} now."),
        };
    }

    static void Validate(BlacklistCommand command)
    {
        (string Field, string? Value)[] required = command switch
        {
            DecideListing c => [("by", c.By), ("decisionRef", c.DecisionRef)],
            DismissProposal c => [("by", c.By), ("reason", c.Reason)],
            Delist c => [("by", c.By), ("reason", c.Reason), ("decisionRef", c.DecisionRef)],
            _ => [],
        };
        foreach (var (field, value) in required)
            if (string.IsNullOrWhiteSpace(value))
                throw new DomainRejected($"'{field}' is required for a blacklist decision.");
    }
}
