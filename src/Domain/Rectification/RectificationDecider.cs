using Fusion.Domain.Common;

namespace Fusion.Domain.Rectification;

public abstract record CaseCommand(DateTimeOffset Now);

/// <summary>Opens the case for a finding. RectifyBy null takes the policy's default for the severity.</summary>
public sealed record OpenCase(
    string CaseId, CaseOrigin Origin, string OriginId, string EnterpriseId, string RegionId, string? SiteId,
    string Violation, Severity Severity, DateOnly? RectifyBy, DateTimeOffset FoundAt, IReadOnlyList<string> CommissionerIds,
    RectificationPolicy Policy, DateTimeOffset Now) : CaseCommand(Now);

public sealed record SubmitPlan(string Plan, string By, DateTimeOffset Now) : CaseCommand(Now);
public sealed record AcceptPlan(string? Note, string By, DateTimeOffset Now) : CaseCommand(Now);
public sealed record ReturnPlan(string Reason, string By, DateTimeOffset Now) : CaseCommand(Now);
public sealed record ReportComplete(string Report, string By, DateTimeOffset Now) : CaseCommand(Now);
public sealed record VerifyCompletion(string? Note, string By, DateTimeOffset Now) : CaseCommand(Now);
public sealed record RejectCompletion(string Reason, string By, DateTimeOffset Now) : CaseCommand(Now);
public sealed record ExtendDeadline(DateOnly Deadline, string Reason, string By, DateTimeOffset Now) : CaseCommand(Now);

/// <summary>Issued by the platform's clock, not by a person: the case is past its deadline.</summary>
public sealed record DeclareOverdue(DateTimeOffset Now) : CaseCommand(Now);

/// <summary>
/// Rectification cases as a pure decision: command + state → events. An invalid command throws
/// <see cref="DomainRejected"/>; a transition the case's state does not allow throws
/// <see cref="TransitionRefused"/>. Repeating what already happened (opening an open case, declaring
/// an overdue case overdue, verifying a verified one) decides nothing and is no error.
/// </summary>
public static class RectificationDecider
{
    public static object[] Decide(CaseCommand command, RectificationCase? state)
    {
        Validate(command);
        return (command, state) switch
        {
            (OpenCase c, null) => [Open(c)],
            (OpenCase, _) => [],
            (_, null) => throw new TransitionRefused("There is no such case."),
            (VerifyCompletion, { Status: CaseStatus.Verified }) => [],
            (DeclareOverdue, { Overdue: true }) => [],
            (_, { Status: CaseStatus.Verified } s) => throw Refused(command, s, "it was verified and is closed"),

            (SubmitPlan c, { Status: CaseStatus.AwaitingPlan or CaseStatus.PlanReturned } s) =>
                [new RectificationPlanSubmitted(s.Id, s.FindingId, c.Plan, c.By, c.Now)],
            (AcceptPlan c, { Status: CaseStatus.PlanSubmitted } s) => [new RectificationPlanAccepted(s.Id, s.FindingId, c.Note, c.By, c.Now)],
            (ReturnPlan c, { Status: CaseStatus.PlanSubmitted } s) => [new RectificationPlanReturned(s.Id, s.FindingId, c.Reason, c.By, c.Now)],
            (ReportComplete c, { Status: CaseStatus.InProgress } s) => [new RectificationReportedComplete(s.Id, s.FindingId, c.Report, c.By, c.Now)],
            (VerifyCompletion c, { Status: CaseStatus.AwaitingVerification } s) =>
                [new RectificationVerified(s.Id, s.FindingId, s.EnterpriseId, s.RegionId, c.Note, c.By, c.Now)],
            (RejectCompletion c, { Status: CaseStatus.AwaitingVerification } s) => [new RectificationRejected(s.Id, s.FindingId, c.Reason, c.By, c.Now)],

            (ExtendDeadline, { Overdue: true } s) => throw Refused(command, s, $"it went overdue on {s.Deadline:yyyy-MM-dd} and was escalated"),
            (ExtendDeadline c, _) when c.Deadline <= state.Deadline =>
                throw new DomainRejected($"The new deadline {c.Deadline:yyyy-MM-dd} must be after the current one, {state.Deadline:yyyy-MM-dd}."),
            (ExtendDeadline c, var s) =>
                [new RectificationDeadlineExtended(s.Id, s.FindingId, s.Deadline, c.Deadline, RectificationPolicy.DueAt(c.Deadline, s.DueAt.Offset), c.Reason, c.By, c.Now)],

            (DeclareOverdue c, var s) when c.Now <= s.DueAt => throw Refused(command, s, $"its deadline {s.Deadline:yyyy-MM-dd} has not passed"),
            (DeclareOverdue c, var s) =>
            [
                new RectificationOverdue(s.Id, s.FindingId, s.EnterpriseId, s.RegionId, s.Deadline, s.CommissionerIds, c.Now),
                new AccountabilityRecorded(s.Id, s.FindingId, s.EnterpriseId, s.RegionId,
                    $"Rectification of '{s.Violation}' not verified by its deadline {s.Deadline:yyyy-MM-dd}", c.Now),
            ],

            (_, var s) => throw Refused(command, s, $"it is {Words(s.Status)}"),
        };
    }

    public static RectificationCaseOpened Open(OpenCase c)
    {
        var deadline = c.RectifyBy ?? DateOnly.FromDateTime(c.FoundAt.Date).AddDays(c.Policy.DefaultDays[c.Severity]);
        return new RectificationCaseOpened(c.CaseId, c.Origin, c.OriginId, c.EnterpriseId, c.RegionId, c.SiteId, c.Violation, c.Severity,
            deadline, RectificationPolicy.DueAt(deadline, c.FoundAt.Offset), c.RectifyBy is null, c.CommissionerIds, c.Now);
    }

    static void Validate(CaseCommand command)
    {
        (string Field, string? Value)[] required = command switch
        {
            SubmitPlan c => [("by", c.By), ("plan", c.Plan)],
            AcceptPlan c => [("by", c.By)],
            ReturnPlan c => [("by", c.By), ("reason", c.Reason)],
            ReportComplete c => [("by", c.By), ("report", c.Report)],
            VerifyCompletion c => [("by", c.By)],
            RejectCompletion c => [("by", c.By), ("reason", c.Reason)],
            ExtendDeadline c => [("by", c.By), ("reason", c.Reason)],
            _ => [],
        };
        foreach (var (field, value) in required)
            if (string.IsNullOrWhiteSpace(value))
                throw new DomainRejected($"'{field}' is required to {Words(command)}.");
    }

    static TransitionRefused Refused(CaseCommand command, RectificationCase s, string because) =>
        new($"Cannot {Words(command)} for case {s.Id}: {because}.");

    static string Words(CaseCommand command) => command switch
    {
        SubmitPlan => "submit a plan",
        AcceptPlan => "accept the plan",
        ReturnPlan => "send the plan back",
        ReportComplete => "report the work complete",
        VerifyCompletion => "verify completion",
        RejectCompletion => "reject the reported completion",
        ExtendDeadline => "extend the deadline",
        DeclareOverdue => "declare the case overdue",
        _ => "open the case",
    };

    static string Words(CaseStatus status) => status switch
    {
        CaseStatus.AwaitingPlan => "awaiting a rectification plan",
        CaseStatus.PlanSubmitted => "waiting for its plan to be accepted or sent back",
        CaseStatus.PlanReturned => "waiting for a revised plan",
        CaseStatus.InProgress => "in progress (plan accepted, work not reported complete)",
        CaseStatus.AwaitingVerification => "awaiting verification on site",
        _ => "verified",
    };
}
