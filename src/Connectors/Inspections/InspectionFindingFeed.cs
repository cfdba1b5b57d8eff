using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Inspections;

/// <summary>A violation an inspector or commissioner found on site, with the date it must be rectified by.</summary>
public sealed record InspectionFindingRecord(
    string FindingId, string EnterpriseId, string Violation, string Severity, DateOnly RectifyBy,
    string RecordedBy, DateTimeOffset RecordedAt, string? SiteId = null);

public sealed class InspectionFindingFeed : IFeed
{
    public string Name => "inspection-findings";
    public string IdField => "findingId";

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var findingId = r.String("findingId");
        r.String("enterpriseId");
        var (enterprise, site) = Attribution.Resolve(r, catalog, null, 0);
        var violation = r.String("violation");
        var severity = r.Choice("severity", Severities.Names);
        var rectifyBy = r.Date("rectifyBy");
        var recordedBy = r.String("recordedBy");
        var recordedAt = r.Time("recordedAt");
        if (rectifyBy < DateOnly.FromDateTime(recordedAt.Date))
            throw new RecordRejected($"'rectifyBy' {rectifyBy:yyyy-MM-dd} is before the finding was recorded ({recordedAt:yyyy-MM-dd})");
        return new IngestItem(Feeds.Key(Name, findingId), Streams.InspectionFinding(findingId),
            [new InspectionFindingRecorded(findingId, enterprise!.EnterpriseId, enterprise.RegionId, site?.SiteId, violation, severity, rectifyBy, recordedBy, recordedAt)]);
    }
}
