using System.Text;
using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.Inspections;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.PublicReports;

namespace Fusion.Silo.Ingest;

/// <summary>
/// One body of one feed, in any of the formats the feed takes, through the one ingest pipeline: the same for a POST
/// to /api/ingest/{feed} and for a file dropped into the feed's inbox folder. The answer is the HTTP answer (200 with
/// the counts, 400 naming each rejected record, 413, 415 naming the accepted types).
/// </summary>
public sealed class FeedIntake(IngestPipeline pipeline, HostFeeds feeds, PublicReportIntake reports, MasterDataCache masterData, IngestOptions options, PlatformClock clock)
{
    /// <summary>The feeds that also take a spreadsheet's CSV export, with its columns.</summary>
    static readonly Dictionary<string, (IReadOnlyDictionary<string, string> Columns, IReadOnlyList<string> Required, CsvRecords.CsvValues? Values)> CsvFeeds =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["inspection-findings"] = (InspectionFindingFeed.CsvColumns, InspectionFindingFeed.RequiredColumns, InspectionFindingFeed.CsvValues),
            ["bank-statements"] = (BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns, null),
            ["sales-revenue"] = (SalesRevenueFeed.CsvColumns, SalesRevenueFeed.RequiredColumns, null),
        };

    public static bool Takes(string feed) => Feeds.All.ContainsKey(feed);

    public async Task<IResult> IngestAsync(string feed, string? contentType, byte[] raw, CancellationToken ct)
    {
        if (feed.Equals("public-reports", StringComparison.OrdinalIgnoreCase))
            return await reports.IngestAsync(contentType, raw, masterData.Current, clock.Now, ct);
        var f = feeds.All[feed];
        var (type, charset) = IngestEndpoints.MediaType(contentType);
        var accepted = HostFeeds.MediaTypes(f.Name);
        // No Content-Type at all is taken as JSON, as the feeds always did.
        if (type is not null && !accepted.Contains(type)) return IngestEndpoints.UnsupportedMediaType(type, accepted);
        var (catalog, now) = (masterData.Current, clock.Now);
        if (type == AerialGeoJson.MediaType) return await GeoJsonAsync(f, raw, catalog, now, ct);
        if (type == "text/csv" && CsvFeeds.TryGetValue(f.Name, out var csv)) return await CsvAsync(f, raw, charset, csv, catalog, now, ct);
        return await IngestEndpoints.JsonAsync(f.Name, raw, pipeline, ct, body => feeds.Translate(f, body, catalog, now, options.Checks(now)), options.MaxBatchRecords);
    }

    async Task<IResult> CsvAsync(IFeed feed, byte[] raw, string? charset,
        (IReadOnlyDictionary<string, string> Columns, IReadOnlyList<string> Required, CsvRecords.CsvValues? Values) csv,
        Fusion.Domain.MasterData.MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        TranslatedBatch batch;
        try
        {
            var rows = CsvRecords.Read(CsvRecords.Decode(raw, charset), csv.Columns, csv.Required, feed.IdField, csv.Values).ToList();
            if (rows.Count > options.MaxBatchRecords) return IngestEndpoints.TooManyRecords(rows.Count, options.MaxBatchRecords);
            batch = IngestBatch.Translate(feed.Name, rows, r => [feed.Translate(r, catalog, now)], options.Checks(now));
        }
        catch (RecordRejected e)
        {
            await pipeline.StoreAsync(TranslatedBatch.Unreadable(feed.Name, Encoding.UTF8.GetString(raw), e.Message), feed.Name, ct);
            return IngestAnswer.Unreadable("Wrong shape", e.Message);
        }
        return IngestAnswer.From(await pipeline.StoreAsync(batch, feed.Name, ct));
    }

    async Task<IResult> GeoJsonAsync(IFeed feed, byte[] raw, Fusion.Domain.MasterData.MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        List<SourceRecord<RecordReader>>? features = null;
        var result = await IngestEndpoints.JsonAsync(feed.Name, raw, pipeline, ct, body =>
        {
            features = AerialGeoJson.Features(body).ToList();
            return features.Count > options.MaxBatchRecords
                ? new TranslatedBatch(feed.Name, [], [])
                : IngestBatch.Translate(feed.Name, features, r => [feed.Translate(r, catalog, now)], options.Checks(now));
        });
        return features?.Count > options.MaxBatchRecords ? IngestEndpoints.TooManyRecords(features.Count, options.MaxBatchRecords) : result;
    }
}
