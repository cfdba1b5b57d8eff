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
using Microsoft.AspNetCore.Mvc;

using Fusion.Silo.Hosting;

namespace Fusion.Silo.Ingest;

/// <summary>The answer to an ingest call; on 400 the same fields ride in the problem details.</summary>
public sealed record IngestResponse(string Feed, int Accepted, int Duplicates, IReadOnlyList<RejectedRecord> Rejected);

public sealed record RejectedRecord(int Index, string? RecordId, string Reason);

public static class IngestEndpoints
{
    /// <summary>Bodies above this are refused before parsing (413), so one request can't exhaust memory.</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ingest").WithTags("Ingest");
        Map<CameraAlarmRecord>(group, "camera-alarms", "Camera alarms from AI camera boxes and NVRs");
        Map<AerialFindingRecord>(group, "aerial-findings", "Drone, helicopter and satellite patrol findings");
        Map<PublicReportRecord>(group, "public-reports", "Public reports from the 12369 hotline, WeChat, SMS and e-mail");
        Map<InspectionFindingRecord>(group, "inspection-findings", "Findings of inspectors and commissioners, with rectify-by dates");
        Map<FundDepositRecord>(group, "fund-deposits", "Deposits into enterprises' environmental funds (1‰ of sales revenue)");
        group.MapPost("/{feed}", (string feed) => Results.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Unknown feed",
                detail: $"There is no feed '{feed}'. Feeds: {string.Join(", ", Feeds.All.Keys)}."))
            .ExcludeFromDescription();
        return app;
    }

    static void Map<TRecord>(RouteGroupBuilder group, string feed, string summary) =>
        group.MapPost($"/{feed}", (HttpRequest request, IngestWriter writer, MasterDataCache masterData, PlatformClock clock, CancellationToken ct) =>
                IngestAsync(Feeds.All[feed], request, writer, masterData.Current, clock.Now, ct))
            .Accepts<TRecord[]>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary(summary)
            .WithDescription("Takes a JSON array of records. Valid records are stored in one batch even when others are rejected; " +
                             "rejected records are kept in the quarantine (GET /api/quarantine). A record sent again is a duplicate and appends nothing.");

    static async Task<IResult> IngestAsync(IFeed feed, HttpRequest request, IngestWriter writer, MasterDataCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        var (raw, tooLarge) = await ReadBodyAsync(request, ct);
        if (tooLarge)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Batch too large",
                detail: $"A batch may be at most {MaxBodyBytes / 1024 / 1024} MB; send it in smaller parts.");
        return await TranslateAndWriteAsync(feed.Name, raw, writer, ct, body => Feeds.Translate(feed, body, catalog, now));
    }

    /// <summary>Parses, translates and writes; unreadable input is quarantined whole and answered with 400.</summary>
    public static async Task<IResult> TranslateAndWriteAsync(string feed, byte[] raw, IngestWriter writer, CancellationToken ct, Func<JsonElement, TranslatedBatch> translate)
    {
        TranslatedBatch batch;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            batch = translate(doc.RootElement);
        }
        catch (JsonException e)
        {
            var reason = $"the body is not valid JSON: {e.Message}";
            await writer.QuarantineAsync(feed, Encoding.UTF8.GetString(raw), reason, ct);
            return Results.Problem(statusCode: 400, title: "Malformed JSON", detail: reason);
        }
        catch (RecordRejected e)
        {
            await writer.QuarantineAsync(feed, Encoding.UTF8.GetString(raw), e.Message, ct);
            return Results.Problem(statusCode: 400, title: "Wrong shape", detail: e.Message);
        }
        var outcome = await writer.WriteAsync(batch, feed, ct);
        var rejected = outcome.Rejected.Select(r => new RejectedRecord(r.Index, r.RecordId, r.Reason)).ToArray();
        if (rejected.Length == 0)
            return Results.Ok(new IngestResponse(feed, outcome.Accepted, outcome.Duplicates, rejected));
        var problem = new ProblemDetails
        {
            Status = 400,
            Title = $"{rejected.Length} record(s) rejected",
            Detail = $"{outcome.Accepted} accepted, {outcome.Duplicates} duplicate(s), {rejected.Length} rejected and kept in quarantine. " +
                     string.Join(" ", rejected.Take(5).Select(r => $"Record {r.Index}{(r.RecordId is null ? "" : $" ({r.RecordId})")}: {r.Reason}.")),
            Extensions = { ["feed"] = feed, ["accepted"] = outcome.Accepted, ["duplicates"] = outcome.Duplicates, ["rejected"] = rejected },
        };
        return Results.Problem(problem);
    }

    public static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return ([], true);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return ([], true);
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), false);
    }
}
