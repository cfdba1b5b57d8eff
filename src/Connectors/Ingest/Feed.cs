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

public static class Feeds
{
    public static readonly IReadOnlyDictionary<string, IFeed> All = new IFeed[]
    {
        new Cameras.CameraAlarmFeed(),
        new Aerial.AerialFindingFeed(),
        new PublicReports.PublicReportFeed(),
        new Inspections.InspectionFindingFeed(),
        new Funds.FundDepositFeed(),
    }.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static string Key(string feed, string sourceId) => $"{feed}:{sourceId}";

    /// <summary>Translates every record of a JSON array; each bad record is a rejection, the rest go on.</summary>
    public static TranslatedBatch Translate(IFeed feed, JsonElement body, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        if (body.ValueKind != JsonValueKind.Array)
            throw new RecordRejected($"the body should be a JSON array of {feed.Name} records, not a single {body.ValueKind.ToString().ToLowerInvariant()}");
        var accepted = new List<(int, IngestItem)>();
        var rejected = new List<Rejection>();
        var index = 0;
        foreach (var element in body.EnumerateArray())
        {
            string? id = null;
            try
            {
                if (element.ValueKind != JsonValueKind.Object)
                    throw new RecordRejected($"each record should be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}");
                var reader = new RecordReader(element);
                id = SafeId(reader, feed.IdField);
                accepted.Add((index, feed.Translate(reader, catalog, receivedAt)));
            }
            catch (RecordRejected e)
            {
                rejected.Add(new Rejection(index, id, e.Message, element.GetRawText()));
            }
            index++;
        }
        return new TranslatedBatch(feed.Name, accepted, rejected);
    }

    static string? SafeId(RecordReader r, string field)
    {
        try { return r.OptionalString(field); }
        catch (RecordRejected) { return null; }
    }
}
