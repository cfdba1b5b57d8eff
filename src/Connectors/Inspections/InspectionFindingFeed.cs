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

    /// <summary>The inspectors' spreadsheet: Chinese headings as the inspection form has them, or the canonical names.</summary>
    public static readonly IReadOnlyDictionary<string, string> CsvColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["问题编号"] = "findingId", ["findingId"] = "findingId",
        ["统一社会信用代码"] = "enterpriseId", ["enterpriseId"] = "enterpriseId",
        ["点位编号"] = "siteId", ["siteId"] = "siteId",
        ["问题描述"] = "violation", ["违法行为"] = "violation", ["violation"] = "violation",
        ["问题等级"] = "severity", ["严重程度"] = "severity", ["severity"] = "severity",
        ["整改期限"] = "rectifyBy", ["rectifyBy"] = "rectifyBy",
        ["检查人"] = "recordedBy", ["recordedBy"] = "recordedBy",
        ["检查时间"] = "recordedAt", ["recordedAt"] = "recordedAt",
    };

    public static readonly string[] RequiredColumns = ["findingId", "enterpriseId", "violation", "severity", "rectifyBy", "recordedBy", "recordedAt"];

    /// <summary>
    /// The policy's grades (as in the grading of environmental violations and incidents: 一般, 较大, 重大, 特别重大) onto the
    /// platform's four severities, one for one in order: 一般 general → low, 较大 serious → medium, 重大 major → high,
    /// 特别重大 especially major → critical. The English names are taken as they are.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> PolicyGrades = new Dictionary<string, string>
    {
        ["一般"] = "low", ["较大"] = "medium", ["重大"] = "high", ["特别重大"] = "critical",
    };

    public static readonly CsvRecords.CsvValues CsvValues = new(
        Words: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["severity"] = PolicyGrades }, Dates: ["rectifyBy"], LocalTimes: ["recordedAt"]);

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
