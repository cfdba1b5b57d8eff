using Fusion.Domain.Common;

namespace Fusion.Domain.Suggestions;

public enum SuggestionStatus { Submitted, Assigned, Answered }

/// <summary>The deputies' channel's numbers (configuration section "Suggestions").</summary>
public sealed class SuggestionPolicy
{
    /// <summary>A department answers within this many days of being assigned a suggestion (three months by the congresses' rules).</summary>
    public int ResponseDays { get; set; } = 90;
}

/// <summary>A suggestion, folded from stream "suggestion:{Id}" (kept as a document for lists).</summary>
public sealed record Suggestion(
    string Id, string Title, string Content, string ProposerName, SuggestionGroup Group, string? Delegation, string RegionId, DateOnly ProposedOn,
    SuggestionStatus Status, DateTimeOffset SubmittedAt, string? Department = null, DateOnly? RespondBy = null, DateTimeOffset? AssignedAt = null,
    string? Answer = null, DateTimeOffset? AnsweredAt = null, bool Late = false, DateTimeOffset? DueAt = null)
{
    /// <summary>The moment the response deadline has passed: the midnight after RespondBy in Beijing time.</summary>
    public static DateTimeOffset DeadlinePassesAt(DateOnly respondBy) => new(respondBy.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    public bool OverdueAt(DateTimeOffset now) => Status == SuggestionStatus.Assigned && DueAt is { } due && now >= due;

    public static Suggestion? Fold(IEnumerable<object> events) => events.Aggregate((Suggestion?)null, Apply);

    public static Suggestion? Apply(Suggestion? state, object @event) => (state, @event) switch
    {
        (null, SuggestionSubmitted e) => new(e.SuggestionId, e.Title, e.Content, e.ProposerName, e.Group, e.Delegation, e.RegionId, e.ProposedOn,
            SuggestionStatus.Submitted, e.SubmittedAt),
        ({ } s, SuggestionAssigned e) => s with { Status = SuggestionStatus.Assigned, Department = e.Department, RespondBy = e.RespondBy, AssignedAt = e.AssignedAt,
            DueAt = DeadlinePassesAt(e.RespondBy) },
        ({ } s, SuggestionAnswered e) => s with { Status = SuggestionStatus.Answered, Answer = e.Answer, AnsweredAt = e.AnsweredAt, Late = e.Late },
        _ => state,
    };
}

public abstract record SuggestionCommand(DateTimeOffset Now);

/// <summary>ProposedOn: the day the deputy put it forward (today when not given).</summary>
public sealed record SubmitSuggestion(string SuggestionId, string Title, string Content, string ProposerName, SuggestionGroup Group, string? Delegation,
    string RegionId, DateOnly? ProposedOn, string By, DateTimeOffset Now) : SuggestionCommand(Now);

/// <summary>AssignedOn: the assignment document's day (today when not given); the deadline runs from it.</summary>
public sealed record AssignSuggestion(string Department, DateOnly? AssignedOn, string By, SuggestionPolicy Policy, DateTimeOffset Now) : SuggestionCommand(Now);

public sealed record AnswerSuggestion(string Answer, string By, DateTimeOffset Now) : SuggestionCommand(Now);

/// <summary>
/// The deputies' channel (measure 10) as a pure decision: submitted, assigned to a department with its response deadline
/// (the policy's days from assignment, in Beijing time), answered. A suggestion is assigned once; an answer after the
/// deadline is recorded as late. Invalid commands throw <see cref="DomainRejected"/> (422), refused transitions
/// <see cref="TransitionRefused"/> (409).
/// </summary>
public static class SuggestionDecider
{
    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(Beijing).DateTime);

    public static object[] Decide(SuggestionCommand command, Suggestion? state)
    {
        Validate(command);
        return (command, state) switch
        {
            (SubmitSuggestion c, null) when c.ProposedOn > Today(c.Now) => throw new DomainRejected($"'proposedOn' {c.ProposedOn:yyyy-MM-dd} is in the future."),
            (SubmitSuggestion c, null) => [new SuggestionSubmitted(c.SuggestionId.Trim(), c.Title.Trim(), c.Content.Trim(), c.ProposerName.Trim(), c.Group,
                string.IsNullOrWhiteSpace(c.Delegation) ? null : c.Delegation.Trim(), c.RegionId, c.ProposedOn ?? Today(c.Now), c.By.Trim(), c.Now)],
            (SubmitSuggestion c, { } s) when s.Title == c.Title.Trim() && s.ProposerName == c.ProposerName.Trim() => [],
            (SubmitSuggestion c, _) => throw new TransitionRefused($"Suggestion {c.SuggestionId} was submitted already, with another title or proposer."),
            (_, null) => throw new TransitionRefused("There is no such suggestion."),

            (AssignSuggestion c, { Status: SuggestionStatus.Submitted } s) when (c.AssignedOn ?? Today(c.Now)) is var on && (on > Today(c.Now) || on < s.ProposedOn) =>
                throw new DomainRejected($"'assignedOn' {on:yyyy-MM-dd} should lie between the day the suggestion was put forward ({s.ProposedOn:yyyy-MM-dd}) and today."),
            (AssignSuggestion c, { Status: SuggestionStatus.Submitted } s) => [new SuggestionAssigned(s.Id, c.Department.Trim(), s.RegionId,
                c.AssignedOn ?? Today(c.Now), (c.AssignedOn ?? Today(c.Now)).AddDays(c.Policy.ResponseDays), c.By.Trim(), c.Now)],
            (AssignSuggestion c, { Status: SuggestionStatus.Assigned } s) when s.Department == c.Department.Trim() => [],
            (AssignSuggestion, { } s) => throw new TransitionRefused(
                $"Suggestion {s.Id} was assigned to {s.Department} on {s.AssignedAt:yyyy-MM-dd}{(s.Status == SuggestionStatus.Answered ? " and answered" : "")}; it is not assigned again."),

            (AnswerSuggestion c, { Status: SuggestionStatus.Assigned } s) =>
                [new SuggestionAnswered(s.Id, s.Department!, s.RegionId, c.Answer.Trim(), s.OverdueAt(c.Now), c.By.Trim(), c.Now)],
            (AnswerSuggestion c, { Status: SuggestionStatus.Answered } s) when s.Answer == c.Answer.Trim() => [],
            (AnswerSuggestion, { Status: SuggestionStatus.Answered } s) => throw new TransitionRefused($"Suggestion {s.Id} was answered on {s.AnsweredAt:yyyy-MM-dd}."),
            (AnswerSuggestion, { } s) => throw new TransitionRefused($"Suggestion {s.Id} is not assigned to a department yet: assign it first."),
            _ => throw new DomainRejected($"Unknown command {command.GetType().Name}."),
        };
    }

    static void Validate(SuggestionCommand command)
    {
        (string Field, string? Value)[] required = command switch
        {
            SubmitSuggestion c => [("suggestionId", c.SuggestionId), ("title", c.Title), ("content", c.Content), ("proposerName", c.ProposerName), ("regionId", c.RegionId), ("by", c.By)],
            AssignSuggestion c => [("department", c.Department), ("by", c.By)],
            AnswerSuggestion c => [("answer", c.Answer), ("by", c.By)],
            _ => [],
        };
        foreach (var (field, value) in required)
            if (string.IsNullOrWhiteSpace(value))
                throw new DomainRejected($"'{field}' is required.");
        if (command is SubmitSuggestion s && !Enum.IsDefined(s.Group))
            throw new DomainRejected("'group' should be one of: peoplesCongressDeputy, partyCongressDelegate, cppccMember.");
        if (command is AssignSuggestion { Policy.ResponseDays: < 1 } a)
            throw new DomainRejected($"Suggestions:ResponseDays should be at least 1, not {a.Policy.ResponseDays}.");
    }
}
