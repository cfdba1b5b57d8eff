using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;

namespace Fusion.Connectors.PublicReports;

/// <summary>
/// A report from the 12369 hotline, WeChat, SMS or e-mail. It must say where: an enterprise, a
/// site, a region or a position. No reporterContact means anonymous.
/// </summary>
public sealed record PublicReportRecord(
    string ReportId, string Channel, string Content, DateTimeOffset ReceivedAt,
    string? EnterpriseId = null, string? SiteId = null, string? RegionId = null,
    double? Longitude = null, double? Latitude = null, string? ReporterContact = null);

public sealed class PublicReportFeed : IFeed
{
    public const double AttributionRadiusMetres = 500;

    public static readonly IReadOnlyDictionary<string, ReportChannel> Channels = new Dictionary<string, ReportChannel>
    {
        ["hotline-12369"] = ReportChannel.Hotline12369, ["wechat"] = ReportChannel.WeChat, ["sms"] = ReportChannel.Sms, ["email"] = ReportChannel.Email,
    };

    public string Name => "public-reports";
    public string IdField => "reportId";

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var reportId = r.String("reportId");
        var channel = r.Choice("channel", Channels);
        var content = r.String("content");
        var at = r.Time("receivedAt");
        var position = Positions.ReadOptional(r);
        var (enterprise, site) = Attribution.Resolve(r, catalog, position, AttributionRadiusMetres);
        var regionId = r.OptionalString("regionId");
        if (regionId is not null && !catalog.Regions.ContainsKey(regionId))
            throw new RecordRejected($"region '{regionId}' is not registered in master data");
        var region = enterprise?.RegionId ?? regionId ?? (position is null ? null : catalog.NearestRegion(position)?.RegionId)
            ?? throw new RecordRejected("the report does not say where: give enterpriseId, siteId, regionId or longitude and latitude");
        // A blank contact is no contact: the report is anonymous and there is no one to reward.
        var contact = r.OptionalString("reporterContact") is { Length: > 0 } c ? c : null;
        return new IngestItem(Feeds.Key(Name, reportId), Streams.PublicReport(reportId),
            [new PublicReportReceived(reportId, channel, region, enterprise?.EnterpriseId, site?.SiteId, content, contact is null, contact, at)]);
    }
}
