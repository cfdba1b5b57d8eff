using System.Text;
using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Cameras;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.Inspections;
using Fusion.Connectors.PublicReports;
using Fusion.Domain.MasterData;
using Fusion.Silo.MasterData;

using Fusion.Silo.Hosting;
using Fusion.Silo.Security;

namespace Fusion.Silo.Ingest;

public static class IngestEndpoints
{
    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ingest").WithTags("Ingest");
        Map<CameraAlarmRecord>(group, "camera-alarms", Policies.Connector, "Camera alarms from AI camera boxes and NVRs");
        Map<AerialFindingRecord>(group, "aerial-findings", Policies.Connector, "Drone, helicopter and satellite patrol findings");
        group.MapPost("/public-reports", async (HttpRequest request, PublicReports.PublicReportIntake reports, MasterDataCache masterData, BodyLimits limits, PlatformClock clock, CancellationToken ct) =>
            {
                var (raw, refusal) = await BodyLimits.ReadAsync(request, limits.Ingest, nameof(BodyLimits.Ingest), ct);
                return refusal ?? await reports.IngestAsync(request.ContentType, raw!, masterData.Current, clock.Now, ct);
            })
            .Accepts<PublicReportRecord[]>("application/json", "text/csv", "message/rfc822")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Public reports from the 12369 hotline, WeChat, SMS and e-mail")
            .WithDescription("Takes a JSON array of records (canonical ones, SMS messages {messageId?, sender, text, time} or WeChat messages " +
                             "{MsgId, FromUserName, CreateTime, Content, Location_X?, Location_Y?}), the 12369 platform's CSV export (text/csv; " +
                             "举报编号, 受理时间 in Beijing time, 举报方式, 举报内容, 被举报对象, 经度, 纬度, 所属区县, 举报人, 联系电话; charset UTF-8, GB2312, GBK or GB18030) " +
                             "or one e-mail (message/rfc822: Message-ID, Date, From, subject and text, attachments listed). A report is placed by its site, " +
                             "enterprise, position, the enterprise or region its text names, or its region. The reporter's name, phone, e-mail and WeChat id are sealed under the report's own key and " +
                             "contacts in the text masked; each accepted report is answered with its receipt code (receipts). " +
                             "Rejected records are kept in the quarantine without the reporter. A record sent again is a duplicate and appends nothing.")
            .RequireAuthorization(Policies.ReportsIntake);
        Map<InspectionFindingRecord>(group, "inspection-findings", Policies.FindingsIntake, "Findings of inspectors and commissioners, with rectify-by dates");
        Map<FundDepositRecord>(group, "fund-deposits", Policies.Connector, "Deposits into enterprises' environmental funds (1‰ of sales revenue)");
        // A known feed lands here when routing found its endpoint does not accept the body's Content-Type.
        group.MapPost("/{feed}", (string feed, HttpRequest request) => Feeds.All.ContainsKey(feed) || DeviceFeedTypes.ContainsKey(feed)
                ? UnsupportedMediaType(MediaType(request.ContentType).Type ?? "(none)",
                    feed.Equals("public-reports", StringComparison.OrdinalIgnoreCase) ? PublicReports.PublicReportIntake.MediaTypes
                    : DeviceFeedTypes.GetValueOrDefault(feed) ?? ["application/json"])
                : Results.Problem(
                    statusCode: StatusCodes.Status404NotFound, title: "Unknown feed",
                    detail: $"There is no feed '{feed}'. Feeds: {string.Join(", ", Feeds.All.Keys)}."))
            .ExcludeFromDescription()
            .RequireAuthorization(Policies.Connector);
        return app;
    }

    /// <summary>The device feeds' own endpoints and the types they take (a body of another type lands on /{feed}).</summary>
    static readonly Dictionary<string, string[]> DeviceFeedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hj212"] = ["text/plain", "application/octet-stream", "multipart/form-data"],
        ["gb28181"] = ["application/xml", "text/xml", "application/MANSCDP+xml"],
    };

    static void Map<TRecord>(RouteGroupBuilder group, string feed, string policy, string summary) =>
        group.MapPost($"/{feed}", (HttpRequest request, IngestPipeline pipeline, MasterDataCache masterData, IngestOptions options, BodyLimits limits, PlatformClock clock, CancellationToken ct) =>
                IngestAsync(Feeds.All[feed], request, pipeline, masterData.Current, options, limits, clock.Now, ct))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .Accepts<TRecord[]>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary(summary)
            .WithDescription("Takes a JSON array of records. Valid records are stored in one batch even when others are rejected; " +
                             "rejected records are kept in the quarantine (GET /api/quarantine). A record sent again is a duplicate and appends nothing.")
            .RequireAuthorization(policy);

    static async Task<IResult> IngestAsync(IFeed feed, HttpRequest request, IngestPipeline pipeline, MasterDataCatalog catalog, IngestOptions options, BodyLimits limits, DateTimeOffset now, CancellationToken ct)
    {
        if (MediaType(request.ContentType).Type is { } type && type != "application/json")
            return UnsupportedMediaType(type, ["application/json"]);
        var (raw, refusal) = await BodyLimits.ReadAsync(request, limits.Ingest, nameof(BodyLimits.Ingest), ct);
        if (refusal is not null) return refusal;
        return await JsonAsync(feed.Name, raw!, pipeline, ct, body => Feeds.Translate(feed, body, catalog, now, options.Checks(now)), options.MaxBatchRecords);
    }

    /// <summary>The media type of a Content-Type header, lower case, and its charset; nulls when there is none.</summary>
    public static (string? Type, string? Charset) MediaType(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            ? (parsed.MediaType.Value?.ToLowerInvariant(), parsed.Charset.HasValue ? parsed.Charset.Value.Trim('"') : null)
            : (null, null);

    /// <summary>415 naming the types the route takes.</summary>
    public static IResult UnsupportedMediaType(string type, IReadOnlyList<string> accepted) =>
        Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
            detail: $"This feed does not take '{type}'. Send one of: {string.Join(", ", accepted)}.",
            extensions: new Dictionary<string, object?> { ["accepted"] = accepted });

    /// <summary>
    /// 413 for a batch of more records than one batch may hold: each batch is one transaction whose events live risk
    /// takes in turn, so one huge batch would hold back everyone else's; nothing of it is stored.
    /// </summary>
    public static IResult TooManyRecords(int count, int max) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Batch too large",
            detail: $"The batch holds {count} records; at most {max} are taken in one batch (Fusion:Ingest:MaxBatchRecords). Nothing was stored — send it in parts.",
            extensions: new Dictionary<string, object?> { ["records"] = count, ["maxRecords"] = max, ["setting"] = "Fusion:Ingest:MaxBatchRecords" });

    /// <summary>A JSON body through the pipeline; a body that is not JSON, or not the shape the feed takes, is quarantined whole and answered with 400.</summary>
    public static async Task<IResult> JsonAsync(string feed, byte[] raw, IngestPipeline pipeline, CancellationToken ct, Func<JsonElement, TranslatedBatch> translate, int? maxRecords = null)
    {
        TranslatedBatch batch;
        string? title = null;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (maxRecords is { } max && doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > max)
                return TooManyRecords(doc.RootElement.GetArrayLength(), max);
            batch = translate(doc.RootElement);
        }
        catch (JsonException e)
        {
            (title, batch) = ("Malformed JSON", TranslatedBatch.Unreadable(feed, Encoding.UTF8.GetString(raw), $"the body is not valid JSON: {e.Message}"));
        }
        catch (RecordRejected e)
        {
            (title, batch) = ("Wrong shape", TranslatedBatch.Unreadable(feed, Encoding.UTF8.GetString(raw), e.Message));
        }
        var outcome = await pipeline.StoreAsync(batch, feed, ct);
        return title is null ? IngestAnswer.From(outcome) : IngestAnswer.Unreadable(title, batch.Rejected[0].Reason);
    }

}
