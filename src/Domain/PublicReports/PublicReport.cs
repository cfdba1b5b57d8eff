using Fusion.Domain.Common;

namespace Fusion.Domain.PublicReports;

/// <summary>What a report's stream says about its reporter: sealed or not, revealed to whom, shredded or not.</summary>
public sealed record PublicReport(
    string ReportId, string? ReceiptCode, bool Anonymous, string? SealedReporter, DateTimeOffset ReceivedAt,
    int Reveals, DateTimeOffset? ShreddedAt, string? DuplicateOf = null)
{
    public static PublicReport? Apply(PublicReport? state, object @event) => (state, @event) switch
    {
        (null, PublicReportFiled e) => new(e.ReportId, e.ReceiptCode, e.Anonymous, e.SealedReporter, e.ReceivedAt, 0, null, e.DuplicateOf),
        (null, PublicReportReceived e) => Apply(null, PublicReportUpcast.From(e)),
        ({ } s, ReporterIdentitySealed e) => s with { ReceiptCode = e.ReceiptCode, SealedReporter = e.SealedReporter, Anonymous = false },
        ({ } s, ReporterIdentityRevealed) => s with { Reveals = s.Reveals + 1 },
        ({ } s, ReporterIdentityShredded e) => s with { ShreddedAt = s.ShreddedAt ?? e.ShreddedAt },
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
