using System.Text;
using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.PublicReports;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Silo.Ingest;
using Marten;

namespace Fusion.Silo.PublicReports;

/// <summary>A receipt per accepted report (also for a report sent again): the code the reporter asks about the status with.</summary>
public sealed record ReportReceipt(int Index, string ReportId, string Receipt);

/// <summary>
/// Public reports through the one ingest pipeline, in every format they come in, with their reporters sealed:
/// the body is read into canonical records (JSON, SMS and WeChat messages; the 12369 CSV export; an e-mail),
/// their seals made or found (apart from the events), then translated, sealed and stored; the answer carries
/// each accepted report's receipt.
/// </summary>
public sealed class PublicReportIntake(IngestPipeline pipeline, ReporterSeals seals, IngestOptions options, IDocumentStore store, DuplicatePolicy duplicates)
{
    public const string Json = "application/json", CsvType = "text/csv", Email = "message/rfc822";
    public static readonly string[] MediaTypes = [Json, CsvType, Email];

    static readonly PublicReportFeed Redactor = new();

    public async Task<IResult> IngestAsync(string? contentType, byte[] raw, MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        var (mediaType, charset) = IngestEndpoints.MediaType(contentType);
        try
        {
            var records = Read(mediaType, charset, raw);
            if (records is null) return IngestEndpoints.UnsupportedMediaType(mediaType!, MediaTypes);
            if (records.Count > options.MaxBatchRecords) return IngestEndpoints.TooManyRecords(records.Count, options.MaxBatchRecords);
            return await StoreAsync(await TranslateAsync(records, catalog, now, ct), ct);
        }
        catch (JsonException e)
        {
            return await UnreadableAsync("Malformed JSON", $"the body is not valid JSON: {e.Message}", Redactor.Redact(Encoding.UTF8.GetString(raw)), ct);
        }
        catch (RecordRejected e)
        {
            return await UnreadableAsync("Wrong shape", e.Message, Unreadable(mediaType, charset, raw), ct);
        }
    }

    /// <summary>The body's records in the canonical shape; null for a type public reports do not come in.</summary>
    static List<SourceRecord<RecordReader>>? Read(string? mediaType, string? charset, byte[] raw)
    {
        try
        {
            return (mediaType ?? Json) switch
            {
                Json => JsonRecords(raw),
                CsvType => PublicReportFormats.FromCsv(Decode(raw, charset), Redactor).ToList(),
                Email => [PublicReportFormats.FromEmail(raw, Redactor)],
                _ => null,
            };
        }
        catch (InvalidOperationException e)
        {
            // Text .NET cannot read (invalid UTF-8 or a lone surrogate inside a JSON string).
            throw new RecordRejected($"the body holds text that is not valid Unicode: {e.Message}");
        }
    }

    /// <summary>
    /// What may be kept of a body that is not readable as records: only JSON keeps its readable parts; an unreadable
    /// CSV keeps its heading line, contacts masked (in UTF-8 when its charset is the unknown one it was refused for);
    /// an e-mail nothing but its size (its first lines are headers, From among them, naming the reporter).
    /// </summary>
    static string Unreadable(string? mediaType, string? charset, byte[] raw)
    {
        if (mediaType is null or Json) return Redactor.Redact(Encoding.UTF8.GetString(raw));
        if (mediaType == Email) return $"(an e-mail of {raw.Length} bytes, withheld: it may name the reporter)";
        string text;
        try { text = Decode(raw, charset); }
        catch (RecordRejected) { text = Encoding.UTF8.GetString(raw); }
        return ContactMasking.Mask(text.Split('\n')[0]) + $" … ({raw.Length} bytes; the rest withheld, it may name the reporter)";
    }

    /// <summary>
    /// A body as it may be kept outside the store (the inbox's done/ and rejected/ folders): its records as the quarantine
    /// keeps them — reporter fields removed, contacts in the text masked — as a JSON array; a body not readable as
    /// records as the quarantine keeps it.
    /// </summary>
    public static string Redacted(string? contentType, byte[] raw)
    {
        var (mediaType, charset) = IngestEndpoints.MediaType(contentType);
        try
        {
            if (Read(mediaType, charset, raw) is { } records) return "[\n" + string.Join(",\n", records.Select(r => r.Raw())) + "\n]\n";
        }
        catch (Exception e) when (e is JsonException or RecordRejected) { }
        return Unreadable(mediaType, charset, raw);
    }

    async Task<IResult> UnreadableAsync(string title, string reason, string kept, CancellationToken ct)
    {
        await pipeline.StoreAsync(TranslatedBatch.Unreadable(Redactor.Name, kept, reason), Redactor.Name, ct);
        return IngestAnswer.Unreadable(title, reason);
    }

    static List<SourceRecord<RecordReader>> JsonRecords(byte[] raw)
    {
        using var doc = JsonDocument.Parse(raw);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new RecordRejected($"the body should be a JSON array of {Redactor.Name} records, not a single {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
        var canonical = JsonSerializer.SerializeToElement(doc.RootElement.EnumerateArray().Select(PublicReportFormats.Canonical).ToList());
        return Feeds.Records(canonical, Redactor.IdField, Redactor).ToList();
    }

    static string Decode(byte[] raw, string? charset) => CsvRecords.Decode(raw, charset);

    /// <summary>A JSON array of report records, translated with their seals (quarantine replay).</summary>
    public Task<TranslatedBatch> TranslateAsync(JsonElement array, MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct) =>
        TranslateAsync(Feeds.Records(JsonSerializer.SerializeToElement(array.EnumerateArray().Select(PublicReportFormats.Canonical).ToList()), Redactor.IdField, Redactor).ToList(),
            catalog, now, ct);

    /// <summary>Records read from any format, translated with their seals (made or found first).</summary>
    async Task<TranslatedBatch> TranslateAsync(List<SourceRecord<RecordReader>> records, MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        var keyring = await seals.EnsureAsync(records.Where(r => r.Problem is null && r.RecordId is { Length: > 0 }).Select(r => r.RecordId!).ToList(), now, ct);
        var feed = new PublicReportFeed(keyring);
        return await LinkDuplicatesAsync(IngestBatch.Translate(feed.Name, records, r => [feed.Translate(r, catalog, now)], options.Checks(now)), ct);
    }

    /// <summary>
    /// Each accepted report that repeats an earlier complaint (stored, or earlier in this batch) is filed as its duplicate.
    /// The earlier reports are those about the same enterprises within the window.
    /// </summary>
    async Task<TranslatedBatch> LinkDuplicatesAsync(TranslatedBatch batch, CancellationToken ct)
    {
        var filed = batch.Accepted.SelectMany(a => a.Item.Events.OfType<PublicReportFiled>()).ToList();
        if (filed.Count == 0) return batch;
        var window = TimeSpan.FromHours(duplicates.WindowHours);
        var (from, to) = (filed.Min(f => f.ReceivedAt) - window, filed.Max(f => f.ReceivedAt) + window);
        var enterprises = filed.Select(f => f.EnterpriseId).OfType<string>().Distinct().ToArray();
        var earlier = new List<EarlierReport>();
        if (enterprises.Length > 0)
        {
            await using var session = store.QuerySession();
            var stored = await session.Events.QueryRawEventDataOnly<PublicReportFiled>()
                .Where(e => e.ReceivedAt >= from && e.ReceivedAt <= to && e.EnterpriseId.IsOneOf(enterprises))
                .ToListAsync(ct);
            earlier.AddRange(stored.Select(e => new EarlierReport(e.ReportId, e.SiteId, e.EnterpriseId, e.Content, e.ReceivedAt, e.DuplicateOf)));
            // Reports stored before reporters were sealed are the first of their complaint just the same (read as they are filed now).
            var legacy = await session.Events.QueryRawEventDataOnly<PublicReportReceived>()
                .Where(e => e.ReceivedAt >= from && e.ReceivedAt <= to && e.EnterpriseId.IsOneOf(enterprises))
                .ToListAsync(ct);
            earlier.AddRange(legacy.Select(PublicReportUpcast.From).Select(e => new EarlierReport(e.ReportId, e.SiteId, e.EnterpriseId, e.Content, e.ReceivedAt, null)));
        }
        var accepted = new List<(int, IngestItem)>();
        foreach (var (index, item) in batch.Accepted)
        {
            var events = item.Events.Select(e =>
            {
                if (e is not PublicReportFiled report) return e;
                if (earlier.Any(x => x.ReportId == report.ReportId)) return e;   // sent again: the stored one stands
                var linked = DuplicateComplaints.OriginalOf(report, earlier, duplicates) is { } original
                    ? report with { DuplicateOf = original.OriginalId, DuplicateSimilarity = original.Similarity }
                    : report;
                earlier.Add(new EarlierReport(linked.ReportId, linked.SiteId, linked.EnterpriseId, linked.Content, linked.ReceivedAt, linked.DuplicateOf));
                return linked;
            }).ToList();
            accepted.Add((index, item with { Events = events }));
        }
        return batch with { Accepted = accepted };
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
