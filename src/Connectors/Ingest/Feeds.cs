using System.Text.Json;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Ingest;

/// <summary>
/// One feed's canonical JSON record: the field holding the source's own id, and how a record becomes
/// events. Translate is pure; it throws RecordRejected with a plain-words reason.
/// </summary>
public interface IFeed
{
    string Name { get; }
    string IdField { get; }
    IngestItem Translate(RecordReader record, MasterDataCatalog catalog, DateTimeOffset receivedAt);
}

/// <summary>
/// A feed whose records carry personal data: rejected input goes to the quarantine only as Redact makes it
/// (the record, or a whole body that could not be read as records).
/// </summary>
public interface IRedactsRawInput
{
    string Redact(JsonElement record);
    string Redact(string raw);
}

public static class Feeds
{
    public static readonly IReadOnlyDictionary<string, IFeed> All = new IFeed[]
    {
        new Cameras.CameraAlarmFeed(),
        new Aerial.AerialFindingFeed(),
        new PublicReports.PublicReportFeed(),
        new Inspections.InspectionFindingFeed(),
        new Funds.FundDepositFeed(),
        new Funds.BankStatementFeed(),
        new Funds.SalesRevenueFeed(),
        new Assessments.RiskAssessmentFeed(),
    }.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The feed for translating outside the host (calibration, simulation checks, bench): public reports are sealed
    /// under keys held in memory only, since no store keeps them there.
    /// </summary>
    public static IFeed Unhosted(string name) =>
        All[name] is PublicReports.PublicReportFeed ? new PublicReports.PublicReportFeed(PublicReports.ReporterKeyring.InMemory()) : All[name];

    public static string Key(string feed, string sourceId) => $"{feed}:{sourceId}";

    /// <summary>Translates every record of a JSON array; each bad record is a rejection, the rest go on.</summary>
    public static TranslatedBatch Translate(IFeed feed, JsonElement body, MasterDataCatalog catalog, DateTimeOffset receivedAt, IngestChecks? checks = null)
    {
        if (body.ValueKind != JsonValueKind.Array)
            throw new RecordRejected($"the body should be a JSON array of {feed.Name} records, not a single {body.ValueKind.ToString().ToLowerInvariant()}");
        return IngestBatch.Translate(feed.Name, Records(body, feed.IdField, feed as IRedactsRawInput), r => [feed.Translate(r, catalog, receivedAt)], checks);
    }

    /// <summary>The array's elements as source records: objects are read by field, anything else is unreadable.</summary>
    public static IEnumerable<SourceRecord<RecordReader>> Records(JsonElement array, string idField, IRedactsRawInput? redacts = null) =>
        array.EnumerateArray().Select((element, index) => element.ValueKind == JsonValueKind.Object
            ? new SourceRecord<RecordReader>(index, new RecordReader(element).TextOrNull(idField), Raw(element, redacts), new RecordReader(element), null)
            : new SourceRecord<RecordReader>(index, null, Raw(element, redacts), default, $"each record should be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}"));

    static Func<string> Raw(JsonElement element, IRedactsRawInput? redacts) =>
        redacts is null ? () => RecordReader.Raw(element) : () => redacts.Redact(element);
}
