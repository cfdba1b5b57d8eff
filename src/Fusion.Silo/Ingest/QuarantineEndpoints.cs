using Fusion.Connectors.Ingest;
using Fusion.Connectors.PublicReports;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Marten;

namespace Fusion.Silo.Ingest;

public sealed record QuarantineEntry(
    Guid Id, string Feed, int Index, string? RecordId, string Reason, string Raw, DateTimeOffset ReceivedAt,
    DateTimeOffset? ResolvedAt, string? Resolution);

public sealed record ReplayResult(Guid Id, string Feed, string Resolution, int Accepted, int Duplicates);

public static class QuarantineEndpoints
{
    public static IEndpointRouteBuilder MapQuarantineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/quarantine", async (IQuerySession session, string? feed, bool? open, int? limit, CancellationToken ct) =>
            {
                var query = session.Query<QuarantinedRecord>().AsQueryable();
                if (!string.IsNullOrWhiteSpace(feed)) query = query.Where(q => q.Feed == feed);
                if (open == true) query = query.Where(q => q.ResolvedAt == null);
                var rows = await query.OrderByDescending(q => q.ReceivedAt).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
                return rows.Select(q => new QuarantineEntry(q.Id, q.Feed, q.Index, q.RecordId, q.Reason, q.Raw, q.ReceivedAt, q.ResolvedAt, q.Resolution));
            })
            .WithTags("Ingest")
            .WithSummary("Rejected input, newest first, with its raw content and the reason (filter by feed, open=true for unresolved; limit up to 1000)");

        app.MapPost("/api/quarantine/{id:guid}/replay", ReplayAsync)
            .Produces<ReplayResult>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(422)
            .WithTags("Ingest")
            .WithSummary("Runs a quarantined record through its feed again — after the master data it lacked was registered, say. " +
                         "Accepted (or already stored) marks it resolved; still rejected answers 400 with today's reason and leaves it open.");
        return app;
    }

    static async Task<IResult> ReplayAsync(Guid id, IDocumentStore store, IngestPipeline pipeline, MasterDataCache masterData, PlatformClock clock,
        Fusion.Silo.PublicReports.PublicReportIntake reports, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var record = await session.LoadAsync<QuarantinedRecord>(id, ct);
        if (record is null)
            return Results.Problem(statusCode: 404, title: "Not in quarantine", detail: $"There is no quarantined record {id}.");
        if (record.ResolvedAt is not null)
            return Results.Ok(new ReplayResult(id, record.Feed, record.Resolution!, 0, 0));
        if (!Feeds.All.TryGetValue(record.Feed, out var feed))
            return Results.Problem(statusCode: 422, title: "Cannot replay this feed here",
                detail: $"Records of '{record.Feed}' are not replayed through this endpoint; send the corrected input to the feed's own endpoint.");

        TranslatedBatch batch;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(record.Index >= 0 ? $"[{record.Raw}]" : record.Raw);
            // Public reports are sealed as they are translated, which takes the store (their keys).
            batch = feed is PublicReportFeed && doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
                ? await reports.TranslateAsync(doc.RootElement, masterData.Current, clock.Now, ct)
                : Feeds.Translate(feed, doc.RootElement, masterData.Current, clock.Now);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or RecordRejected)
        {
            return Results.Problem(statusCode: 400, title: "Still not readable", detail: e.Message);
        }
        if (batch.Rejected.Count > 0)
            return Results.Problem(statusCode: 400, title: "Still rejected",
                detail: IngestAnswer.Describe(batch.Rejected));

        var outcome = await pipeline.StoreAsync(batch, $"quarantine-replay:{id}", ct);
        record.ResolvedAt = clock.Now;
        record.Resolution = outcome.Accepted > 0 ? "replayed: accepted" : "replayed: already stored";
        session.Store(record);
        await session.SaveChangesAsync(ct);
        return Results.Ok(new ReplayResult(id, record.Feed, record.Resolution, outcome.Accepted, outcome.Duplicates));
    }
}
