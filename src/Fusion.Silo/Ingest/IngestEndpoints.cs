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
        group.MapPost("/aerial-findings", (HttpRequest request, FeedIntake intake, BodyLimits limits, CancellationToken ct) => IngestAsync("aerial-findings", request, intake, limits, ct))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .Accepts<AerialFindingRecord[]>("application/json", AerialGeoJson.MediaType)
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Drone, helicopter and satellite patrol findings")
            .WithDescription("Takes a JSON array of records, or an RFC 7946 FeatureCollection (application/geo+json) of Point and Polygon features: " +
                             "Feature.id or properties.findingId is the finding id; properties platform (drone, helicopter, satellite), findingType, severity, " +
                             "observedAt, missionId, confidence (0–1), imageUrl, description, enterpriseId?, siteId?. A finding within the configured distance " +
                             "of a site goes to its enterprise; one inside a protected zone carries the zone; otherwise it goes to the region containing it. " +
                             "The geometry is kept on the event and in aerial_findings. Rejected features are kept in the quarantine.")
            .RequireAuthorization(Policies.Connector);
        group.MapPost("/public-reports", (HttpRequest request, FeedIntake intake, BodyLimits limits, CancellationToken ct) => IngestAsync("public-reports", request, intake, limits, ct))
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
        MapCsv<InspectionFindingRecord>(group, "inspection-findings",
            "Findings of inspectors and commissioners, with rectify-by dates",
            "Takes a JSON array of records or the inspectors' spreadsheet as CSV (问题编号, 统一社会信用代码, 点位编号?, 问题描述, 问题等级, 整改期限, 检查人, " +
            "检查时间 in Beijing time; or the canonical names). 问题等级 一般/较大/重大/特别重大 are low/medium/high/critical.",
            Policies.FindingsIntake);
        Map<FundDepositRecord>(group, "fund-deposits", Policies.Connector, "Deposits into enterprises' environmental funds (1‰ of sales revenue)");
        Map<Fusion.Connectors.Assessments.RiskAssessmentRecord>(group, "risk-assessments", Policies.FindingsIntake,
            "Third-party environmental risk pre-assessments (measure 3) of enterprises, industrial parks and protected zones: open issues weigh like findings");
        MapCsv<BankStatementLine>(group, "bank-statements",
            "Bank statements of enterprises' dedicated fund accounts: each credit is a deposit of the account's enterprise",
            "Takes the bank's CSV export (text/csv: 交易流水号, 账号, 起息日, 贷方发生额, 摘要, or accountNumber, valueDate, amountYuan, reference, depositId) " +
            "or a JSON array of lines. The account must be registered in master data (enterprises[].fundAccounts). Deposits settle the oldest obligation first " +
            "(GET /api/enterprises/{id}/fund).");
        MapCsv<SalesRevenueRecord>(group, "sales-revenue",
            "Declared sales revenue per fund period: the 1‰ obligation of measure 6",
            "Takes a JSON array or CSV (统一社会信用代码, 所属期, 销售收入, 申报时间?, 申报编号?, or enterpriseId, period, salesRevenueYuan, declaredAt?, declarationId?). " +
            "A period is a month 2026-10, a quarter 2026-Q4 or a year 2026; the obligation runs from the production start (master data " +
            "enterprises[].productionStartedOn), not before 2018-01-01, prorated by days. A later declaration of a period replaces the earlier one.");
        // A known feed lands here when routing found its endpoint does not accept the body's Content-Type.
        group.MapPost("/{feed}", (string feed, HttpRequest request) => Feeds.All.ContainsKey(feed) || DeviceFeedTypes.ContainsKey(feed)
                ? UnsupportedMediaType(MediaType(request.ContentType).Type ?? "(none)", DeviceFeedTypes.GetValueOrDefault(feed) ?? HostFeeds.MediaTypes(feed))
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
        group.MapPost($"/{feed}", (HttpRequest request, FeedIntake intake, BodyLimits limits, CancellationToken ct) => IngestAsync(feed, request, intake, limits, ct))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .Accepts<TRecord[]>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary(summary)
            .WithDescription("Takes a JSON array of records. Valid records are stored in one batch even when others are rejected; " +
                             "rejected records are kept in the quarantine (GET /api/quarantine). A record sent again is a duplicate and appends nothing.")
            .RequireAuthorization(policy);

    /// <summary>A feed that takes a spreadsheet's CSV export as well as JSON: the rows are read into its canonical records.</summary>
    static void MapCsv<TRecord>(RouteGroupBuilder group, string feed, string summary, string description, string policy = Policies.Connector) =>
        group.MapPost($"/{feed}", (HttpRequest request, FeedIntake intake, BodyLimits limits, CancellationToken ct) => IngestAsync(feed, request, intake, limits, ct))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .Accepts<TRecord[]>("application/json", "text/csv")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary(summary)
            .WithDescription(description + " Rejected rows are kept in the quarantine as records; a row sent again appends nothing.")
            .RequireAuthorization(policy);

    /// <summary>
    /// The body, refused with 415 before it is read when the feed does not take its type, else through the feed's intake.
    /// </summary>
    static async Task<IResult> IngestAsync(string feed, HttpRequest request, FeedIntake intake, BodyLimits limits, CancellationToken ct)
    {
        var accepted = HostFeeds.MediaTypes(feed);
        if (MediaType(request.ContentType).Type is { } type && !accepted.Contains(type)) return UnsupportedMediaType(type, accepted);
        var (raw, refusal) = await BodyLimits.ReadAsync(request, limits.Ingest, nameof(BodyLimits.Ingest), ct);
        return refusal ?? await intake.IngestAsync(feed, request.ContentType, raw!, ct);
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
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
        {
            // System.Text.Json checks a string's UTF-8 only when it is read as text: a shape read outside a record's reader.
            (title, batch) = ("Malformed JSON", TranslatedBatch.Unreadable(feed, Encoding.UTF8.GetString(raw), "the body holds text that is not valid UTF-8"));
        }
        var outcome = await pipeline.StoreAsync(batch, feed, ct);
        return title is null ? IngestAnswer.From(outcome) : IngestAnswer.Unreadable(title, batch.Rejected[0].Reason);
    }

}
