using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;

namespace Fusion.Silo.Ingest;

/// <summary>
/// The JSON feeds as this host runs them: aerial findings placed with the configured radius ("AerialAttribution"), fund
/// obligations by the fund policy ("Funds").
/// </summary>
public sealed class HostFeeds(AerialAttribution aerial, Fusion.Domain.Funds.FundPolicy funds)
{
    public IReadOnlyDictionary<string, IFeed> All { get; } = Feeds.All.Values
        .Select(f => f switch
        {
            AerialFindingFeed => new AerialFindingFeed(aerial),
            Fusion.Connectors.Funds.FundDepositFeed => new Fusion.Connectors.Funds.FundDepositFeed(funds),
            Fusion.Connectors.Funds.SalesRevenueFeed => new Fusion.Connectors.Funds.SalesRevenueFeed(funds),
            _ => f,
        })
        .ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The media types a feed's route takes, for the 415 answer.</summary>
    public static IReadOnlyList<string> MediaTypes(string feed) => feed.ToLowerInvariant() switch
    {
        "public-reports" => PublicReports.PublicReportIntake.MediaTypes,
        "aerial-findings" => ["application/json", AerialGeoJson.MediaType],
        "bank-statements" or "sales-revenue" or "inspection-findings" => ["application/json", "text/csv"],
        _ => ["application/json"],
    };

    /// <summary>
    /// A JSON array of records (quarantine replay): GeoJSON features among aerial findings, as the quarantine keeps them,
    /// are read as the records they stand for.
    /// </summary>
    public TranslatedBatch Translate(IFeed feed, JsonElement array, Fusion.Domain.MasterData.MasterDataCatalog catalog, DateTimeOffset now, IngestChecks? checks = null) =>
        feed is AerialFindingFeed && array.ValueKind == JsonValueKind.Array
            ? IngestBatch.Translate(feed.Name, array.EnumerateArray().Select((e, i) => IsFeature(e) ? AerialGeoJson.Features(e).Single() with { Index = i } : Feeds.Records(Wrap(e), feed.IdField).Single() with { Index = i }),
                r => [feed.Translate(r, catalog, now)], checks)
            : Feeds.Translate(feed, array, catalog, now, checks);

    static bool IsFeature(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "Feature";

    static JsonElement Wrap(JsonElement e) => JsonSerializer.SerializeToElement(new[] { e });
}
