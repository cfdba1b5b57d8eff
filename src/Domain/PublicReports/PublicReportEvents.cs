namespace Fusion.Domain.PublicReports;

public enum ReportChannel { Hotline12369, WeChat, Sms, Email }

/// <summary>
/// A member of the public reported a problem. The reporter's contact is kept only for the reward
/// process; projections for analysts never carry it.
/// </summary>
public sealed record PublicReportReceived(
    string ReportId, ReportChannel Channel, string RegionId, string? EnterpriseId, string? SiteId,
    string Content, bool Anonymous, string? ReporterContact,
    DateTimeOffset ReceivedAt);
