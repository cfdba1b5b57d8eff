using Fusion.Domain.Common;

namespace Fusion.Domain.PublicReports;

/// <summary>
/// What a report's stream says: its reporter (sealed or not, revealed to whom, shredded or not), where it was placed and
/// its verification, once made.
/// </summary>
public sealed record PublicReport(
    string ReportId, string? ReceiptCode, bool Anonymous, string? SealedReporter, DateTimeOffset ReceivedAt,
    int Reveals, DateTimeOffset? ShreddedAt, string? DuplicateOf = null,
    ReportChannel Channel = ReportChannel.Hotline12369, string RegionId = "", string? EnterpriseId = null, string? SiteId = null,
    PublicReportVerified? Verification = null)
{
    public static PublicReport? Apply(PublicReport? state, object @event) => (state, @event) switch
    {
        (null, PublicReportFiled e) => new(e.ReportId, e.ReceiptCode, e.Anonymous, e.SealedReporter, e.ReceivedAt, 0, null, e.DuplicateOf,
            e.Channel, e.RegionId, e.EnterpriseId, e.SiteId),
        (null, PublicReportReceived e) => Apply(null, PublicReportUpcast.From(e)),
        ({ } s, ReporterIdentitySealed e) => s with { ReceiptCode = e.ReceiptCode, SealedReporter = e.SealedReporter, Anonymous = false },
        ({ } s, ReporterIdentityRevealed) => s with { Reveals = s.Reveals + 1 },
        ({ } s, ReporterIdentityShredded e) => s with { ShreddedAt = s.ShreddedAt ?? e.ShreddedAt },
        ({ } s, PublicReportVerified e) => s with { Verification = e },
        _ => state,
    };

    public static PublicReport? Fold(IEnumerable<object> events) => events.Aggregate((PublicReport?)null, Apply);
}

public abstract record ReporterCommand(string By, string Reason, DateTimeOffset Now);

/// <summary>Reveal the reporter's identity to <c>By</c>, for <c>Reason</c>.</summary>
public sealed record RevealReporter(string By, string Reason, DateTimeOffset Now) : ReporterCommand(By, Reason, Now);

/// <summary>Destroy the report's key, so its identity can never be read again.</summary>
public sealed record ShredReporter(string By, string Reason, DateTimeOffset Now) : ReporterCommand(By, Reason, Now);

/// <summary>
/// Revealing and destroying a reporter's identity: each a deliberate act by a named person with a stated
/// reason, recorded on the report's stream. Destroying twice decides nothing.
/// </summary>
public static class ReporterDecider
{
    public static object[] Decide(ReporterCommand command, PublicReport? state)
    {
        if (string.IsNullOrWhiteSpace(command.By)) throw new DomainRejected("Say who is asking ('by').");
        if (string.IsNullOrWhiteSpace(command.Reason)) throw new DomainRejected("Say why ('reason'): an identity is revealed or destroyed only for a stated reason.");
        return (command, state) switch
        {
            (_, null) => throw new TransitionRefused("There is no such report."),
            (ShredReporter, { ShreddedAt: not null }) => [],
            (_, { ShreddedAt: { } at }) => throw new TransitionRefused($"The reporter's identity of report {state.ReportId} was destroyed on {at:yyyy-MM-dd}; it cannot be revealed."),
            (_, { SealedReporter: null }) => throw new TransitionRefused($"Report {state.ReportId} was made anonymously: there is no identity to {(command is RevealReporter ? "reveal" : "destroy")}."),
            (RevealReporter c, _) => [new ReporterIdentityRevealed(state.ReportId, c.By.Trim(), c.Reason.Trim(), c.Now)],
            (ShredReporter c, _) => [new ReporterIdentityShredded(state.ReportId, c.By.Trim(), c.Reason.Trim(), c.Now)],
            _ => throw new DomainRejected($"Unknown command {command.GetType().Name}."),
        };
    }
}

/// <summary>
/// The report's content checked (on site, or against the record): true, partly true or false, and how serious the
/// violation it revealed is. Made once: the same verdict again decides nothing, another one is refused. A report that
/// repeats an earlier complaint is verified through that complaint's first report.
/// </summary>
public sealed record VerifyReport(ReportVerdict Verdict, Severity Severity, string? Note, string By, DateTimeOffset Now);

public static class VerificationDecider
{
    public static object[] Decide(VerifyReport command, PublicReport? state)
    {
        if (string.IsNullOrWhiteSpace(command.By)) throw new DomainRejected("Say who verified the report ('by').");
        if (!Enum.IsDefined(command.Verdict)) throw new DomainRejected("'verdict' should be one of: true, partlyTrue, false.");
        if (!Enum.IsDefined(command.Severity)) throw new DomainRejected("'severity' should be one of: low, medium, high, critical.");
        return state switch
        {
            null => throw new TransitionRefused("There is no such report."),
            { DuplicateOf: { } first } => throw new TransitionRefused(
                $"Report {state.ReportId} repeats the complaint first reported as {first}: verify that report, which stands for the whole complaint."),
            { Verification: { } v } when v.Verdict == command.Verdict && v.Severity == command.Severity => [],
            { Verification: { } v } => throw new TransitionRefused(
                $"Report {state.ReportId} was verified on {v.VerifiedAt:yyyy-MM-dd} by {v.VerifiedBy} as {v.Verdict} ({v.Severity}); a verification is not made twice."),
            _ => [new PublicReportVerified(state.ReportId, command.Verdict, command.Severity, state.RegionId, state.EnterpriseId, state.SiteId,
                string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(), command.By.Trim(), command.Now)],
        };
    }
}
