namespace Fusion.Domain.Suggestions;

/// <summary>Who makes a suggestion: a people's congress deputy (人大代表), a party congress delegate (党代表) or a CPPCC member (政协委员).</summary>
public enum SuggestionGroup { PeoplesCongressDeputy, PartyCongressDelegate, CppccMember }

/// <summary>
/// A deputy's, delegate's or CPPCC member's suggestion (measure 10) about a region's environment, with their group and
/// their delegation or sector; ProposedOn the day they put it forward (a congress session's suggestions are registered
/// afterwards). Stream "suggestion:{SuggestionId}".
/// </summary>
public sealed record SuggestionSubmitted(
    string SuggestionId, string Title, string Content, string ProposerName, SuggestionGroup Group, string? Delegation, string RegionId, DateOnly ProposedOn,
    string SubmittedBy, DateTimeOffset SubmittedAt);

/// <summary>
/// Assigned to a department on AssignedOn (the assignment document's day), to be answered by RespondBy (Beijing time): the
/// response deadline the policy sets from that day.
/// </summary>
public sealed record SuggestionAssigned(
    string SuggestionId, string Department, string RegionId, DateOnly AssignedOn, DateOnly RespondBy,
    string AssignedBy, DateTimeOffset AssignedAt);

/// <summary>The department's answer; Late when it came after the deadline had passed.</summary>
public sealed record SuggestionAnswered(
    string SuggestionId, string Department, string RegionId, string Answer, bool Late,
    string AnsweredBy, DateTimeOffset AnsweredAt);
