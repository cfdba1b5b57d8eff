using Fusion.Domain.Common;

namespace Fusion.Domain.Inspections;

public sealed record InspectionFindingRecorded(
    string FindingId, string EnterpriseId, string RegionId, string? SiteId,
    string Violation, Severity Severity, DateOnly RectifyBy,
    string RecordedBy, DateTimeOffset RecordedAt);
