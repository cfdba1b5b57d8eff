using Fusion.Connectors.Ingest;
using Fusion.Connectors.PublicReports;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Fusion.Silo.Store;
using Marten;

namespace Fusion.Silo.Ingest;

public sealed record QuarantineEntry(
    Guid Id, string Feed, int Index, string? RecordId, string Reason, string Raw, DateTimeOffset ReceivedAt,
    DateTimeOffset? ResolvedAt, string? Resolution);

public sealed record ReplayResult(Guid Id, string Feed, string Resolution, int Accepted, int Duplicates);

public static class QuarantineEndpoints
{
    public const int MaxPageSize = 200;
    public const int MaxPageRawChars = 4_000_000;

    public static IEndpointRouteBuilder MapQuarantineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/quarantine", async (IQuerySession session, HttpContext http, string? feed, bool? open, int? limit, int? offset, CancellationToken ct) =>
            {
                var (request, refusal) = Page.Read(limit, offset, 100, MaxPageSize);
                if (refusal is not null) return refusal;
                var query = session.Query<QuarantinedRecord>().AsQueryable();
                if (!string.IsNullOrWhiteSpace(feed)) query = query.Where(q => q.Feed == feed);
                if (open == true) query = query.Where(q => q.ResolvedAt == null);
                var total = await query.CountAsync(ct);
                var ids = await query.OrderByDescending(q => q.ReceivedAt).ThenBy(q => q.Id).Skip(request.Offset).Take(request.Limit).Select(q => q.Id).ToListAsync(ct);
                // A page stops once its raw input passes the character budget (one record always fits), so one answer stays
                // small; the lengths are read first, and only the records of the page are loaded, never 200 raw bodies of 16 MB.
                var lengths = ids.Count == 0 ? []
                    : await session.AdvancedSql.QueryAsync<long>(
                        // Documents are stored in camel case (StoreSetup): Raw is 'raw'.
                        "SELECT coalesce(length(d.data ->> 'raw'), 0)::bigint FROM unnest(?::uuid[]) WITH ORDINALITY AS page(id, n) " +
                        $"LEFT JOIN {session.DocumentStore.Options.Schema.For<QuarantinedRecord>()} AS d ON d.id = page.id ORDER BY page.n",
                        ct, ids.ToArray());
                var kept = new List<Guid>();
                long chars = 0;
                foreach (var (id, length) in ids.Zip(lengths))
                {
                    if (kept.Count > 0 && chars + length > MaxPageRawChars) break;
                    chars += length;
                    kept.Add(id);
                }
                var loaded = (await session.LoadManyAsync<QuarantinedRecord>(ct, kept)).ToDictionary(q => q.Id);
                var page = kept.Where(loaded.ContainsKey).Select(id => loaded[id])
                    .Select(q => new QuarantineEntry(q.Id, q.Feed, q.Index, q.RecordId, q.Reason, q.Raw, q.ReceivedAt, q.ResolvedAt, q.Resolution)).ToList();
                request.Describe(http, total, page.Count);
                return Results.Ok(page);
            })
            .Produces<IReadOnlyList<QuarantineEntry>>()
            .ProducesProblem(400)
            .WithTags("Ingest")
            .WithSummary($"Rejected input, newest first, with its raw content and the reason (filter by feed, open=true for unresolved); pages of up to {MaxPageSize} records " +
                         $"and about {MaxPageRawChars / 1_000_000} MB of raw input, the total in X-Total-Count and the next page in the Link header (offset=…)")
            .Sensitive("the quarantine's raw input")
            .RequireAuthorization(Policies.Admin);

        app.MapPost("/api/quarantine/{id:guid}/replay", ReplayAsync)
            .Produces<ReplayResult>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(422)
            .WithTags("Ingest")
            .WithSummary("Runs a quarantined record through its feed again — after the master data it lacked was registered, say. " +
                         "Accepted (or already stored) marks it resolved; still rejected answers 400 with today's reason and leaves it open.")
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    static async Task<IResult> ReplayAsync(Guid id, IDocumentStore store, IngestPipeline pipeline, MasterDataCache masterData, PlatformClock clock, IngestOptions options,
        Fusion.Silo.PublicReports.PublicReportIntake reports, HostFeeds feeds, CancellationToken ct)
    {
        QuarantinedRecord? record;
        await using (var session = store.QuerySession())
            record = await session.LoadAsync<QuarantinedRecord>(id, ct);
        if (record is null)
            return Results.Problem(statusCode: 404, title: "Not in quarantine", detail: $"There is no quarantined record {id}.");
        if (record.ResolvedAt is not null)
            return Results.Ok(new ReplayResult(id, record.Feed, record.Resolution!, 0, 0));
        if (!feeds.All.TryGetValue(record.Feed, out var feed))
            return Results.Problem(statusCode: 422, title: "Cannot replay this feed here",
                detail: $"Records of '{record.Feed}' are not replayed through this endpoint; send the corrected input to the feed's own endpoint.");

        TranslatedBatch batch;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(record.Index >= 0 ? $"[{record.Raw}]" : record.Raw);
            // Public reports are sealed as they are translated, which takes the store (their keys).
            batch = feed is PublicReportFeed && doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
                ? await reports.TranslateAsync(doc.RootElement, masterData.Current, clock.Now, ct)
                : feeds.Translate(feed, doc.RootElement, masterData.Current, clock.Now, options.Checks(clock.Now));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or RecordRejected)
        {
            return Results.Problem(statusCode: 400, title: "Still not readable", detail: e.Message);
        }
        if (batch.Rejected.Count > 0)
            return Results.Problem(statusCode: 400, title: "Still rejected",
                detail: IngestAnswer.Describe(batch.Rejected));

        var outcome = await pipeline.StoreAsync(batch, $"quarantine-replay:{id}", ct);
        // Only its resolution is recorded, over the record as stored now: the reporters' migration may have redacted its raw
        // input meanwhile (the copy read above must not bring a contact back), or another replay resolved it.
        await using var write = store.LightweightSession();
        await WriterLock.TakeAsync<QuarantinedRecord>(write, ct);
        var current = await write.LoadAsync<QuarantinedRecord>(id, ct);
        if (current is null)
            return Results.Problem(statusCode: 404, title: "Not in quarantine", detail: $"Quarantined record {id} was removed while it was replayed.");
        if (current.ResolvedAt is null)
        {
            current.ResolvedAt = clock.Now;
            current.Resolution = outcome.Accepted > 0 ? "replayed: accepted" : "replayed: already stored";
            write.Store(current);
            await write.SaveChangesAsync(ct);
        }
        return Results.Ok(new ReplayResult(id, current.Feed, current.Resolution!, outcome.Accepted, outcome.Duplicates));
    }
}
