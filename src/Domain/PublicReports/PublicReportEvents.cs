namespace Fusion.Domain.PublicReports;

/// <summary>How a report came in; Online: a post of a monitored online account (网络大V, 舆情员).</summary>
public enum ReportChannel { Hotline12369, WeChat, Sms, Email, Online }

/// <summary>What checking a report found: all it said was so, part of it, or nothing.</summary>
public enum ReportVerdict { True, PartlyTrue, False }

/// <summary>
/// A member of the public reported a problem: the first shape, which carried the reporter's contact in plain
/// text. No longer emitted (see <see cref="PublicReportFiled"/>); kept so stored events still read. Stored ones
/// have had the contact sealed (<see cref="ReporterIdentitySealed"/>) and masked by the sealed-reporters migration;
/// readers take them through <see cref="PublicReportUpcast.From"/>.
/// </summary>
public sealed record PublicReportReceived(
    string ReportId, ReportChannel Channel, string RegionId, string? EnterpriseId, string? SiteId,
    string Content, bool Anonymous, string? ReporterContact,
    DateTimeOffset ReceivedAt);

/// <summary>
/// A member of the public reported a problem. The content has contacts inside it masked; the reporter's
/// identity (name, phone, e-mail, WeChat id) is sealed with AES-GCM under the report's own key, which is kept
/// apart from the events (null when anonymous). The receipt code lets the reporter ask for the status.
/// DuplicateOf is the first report of the same complaint when this one repeats it (same site within the window, similar
/// text; DuplicateSimilarity how similar): it is part of that case, not a signal of its own. Both stand last, with
/// defaults, so reports stored before them read as they were.
/// </summary>
public sealed record PublicReportFiled(
    string ReportId, ReportChannel Channel, string RegionId, string? EnterpriseId, string? SiteId,
    string Content, bool Anonymous, string? ReceiptCode, string? SealedReporter,
    DateTimeOffset ReceivedAt,
    string? DuplicateOf = null, double? DuplicateSimilarity = null);

/// <summary>A report stored before identities were sealed had its plain contact sealed under a new key of its own.</summary>
public sealed record ReporterIdentitySealed(string ReportId, string ReceiptCode, string SealedReporter, string SealedBy, DateTimeOffset SealedAt);

/// <summary>Someone had a reporter's identity revealed to them, and said why (the deliberate, recorded act).</summary>
public sealed record ReporterIdentityRevealed(string ReportId, string RevealedTo, string Reason, DateTimeOffset RevealedAt);

/// <summary>The report's key was destroyed: its sealed identity can never be read again (crypto-shredding).</summary>
public sealed record ReporterIdentityShredded(string ReportId, string ShreddedBy, string Reason, DateTimeOffset ShreddedAt);

/// <summary>
/// A report was checked: its verdict and the severity of the violation it revealed (Severity), by whom. Carries the report's
/// place, so readers (rewards, analytics) need not fold the report again.
/// </summary>
public sealed record PublicReportVerified(
    string ReportId, ReportVerdict Verdict, Fusion.Domain.Common.Severity Severity, string RegionId, string? EnterpriseId, string? SiteId,
    string? Note, string VerifiedBy, DateTimeOffset VerifiedAt);

/// <summary>The old shape read as the new one: one place says how, for every reader of stored reports.</summary>
public static class PublicReportUpcast
{
    /// <summary>The plain contact is not carried over: stored ones are sealed and masked by the migration.</summary>
    public static PublicReportFiled From(PublicReportReceived e) =>
        new(e.ReportId, e.Channel, e.RegionId, e.EnterpriseId, e.SiteId, ContactMasking.Mask(e.Content), e.Anonymous, null, null, e.ReceivedAt);
}
