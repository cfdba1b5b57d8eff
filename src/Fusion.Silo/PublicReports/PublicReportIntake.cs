using System.Text;
using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.PublicReports;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Silo.Ingest;

namespace Fusion.Silo.PublicReports;

/// <summary>A receipt per accepted report (also for a report sent again): the code the reporter asks about the status with.</summary>
public sealed record ReportReceipt(int Index, string ReportId, string Receipt);

/// <summary>
/// Public reports through the one ingest pipeline, with their reporters sealed: the batch's records are read,
/// their seals made or found (apart from the events), then translated, sealed and stored; the answer carries
/// each accepted report's receipt.
/// </summary>
public sealed class PublicReportIntake(IngestPipeline pipeline, ReporterSeals seals)
{
    public async Task<IResult> JsonAsync(byte[] raw, MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        var redactor = new PublicReportFeed();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(raw);
        }
        catch (JsonException e)
        {
            var unreadable = TranslatedBatch.Unreadable(redactor.Name, redactor.Redact(Encoding.UTF8.GetString(raw)), $"the body is not valid JSON: {e.Message}");
            await pipeline.StoreAsync(unreadable, redactor.Name, ct);
            return IngestAnswer.Unreadable("Malformed JSON", unreadable.Rejected[0].Reason);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                var reason = $"the body should be a JSON array of {redactor.Name} records, not a single {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}";
                await pipeline.StoreAsync(TranslatedBatch.Unreadable(redactor.Name, redactor.Redact(Encoding.UTF8.GetString(raw)), reason), redactor.Name, ct);
                return IngestAnswer.Unreadable("Wrong shape", reason);
            }
            return await StoreAsync(await TranslateAsync(doc.RootElement, catalog, now, ct), ct);
        }
    }

    /// <summary>A JSON array of report records, translated with their seals (made or found first).</summary>
    public async Task<TranslatedBatch> TranslateAsync(JsonElement array, MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        var redactor = new PublicReportFeed();
        var records = Feeds.Records(array, redactor.IdField, redactor).ToList();
        var keyring = await seals.EnsureAsync(records.Where(r => r.Problem is null && r.RecordId is { Length: > 0 }).Select(r => r.RecordId!).ToList(), now, ct);
        var feed = new PublicReportFeed(keyring);
        return IngestBatch.Translate(feed.Name, records, r => [feed.Translate(r, catalog, now)]);
    }

    async Task<IResult> StoreAsync(TranslatedBatch batch, CancellationToken ct)
    {
        var outcome = await pipeline.StoreAsync(batch, batch.Feed, ct);
        var receipts = batch.Accepted
            .SelectMany(a => a.Item.Events.OfType<PublicReportFiled>().Select(e => new ReportReceipt(a.Index, e.ReportId, e.ReceiptCode!)))
            .ToList();
        return IngestAnswer.From(outcome, extensions: new Dictionary<string, object?> { ["receipts"] = receipts });
    }
}
