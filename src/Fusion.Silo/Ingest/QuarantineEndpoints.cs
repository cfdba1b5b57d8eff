using Marten;

namespace Fusion.Silo.Ingest;

public sealed record QuarantineEntry(Guid Id, string Feed, int Index, string? RecordId, string Reason, string Raw, DateTimeOffset ReceivedAt);

public static class QuarantineEndpoints
{
    public static IEndpointRouteBuilder MapQuarantineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/quarantine", async (IQuerySession session, string? feed, int? limit, CancellationToken ct) =>
            {
                var query = session.Query<QuarantinedRecord>().AsQueryable();
                if (!string.IsNullOrWhiteSpace(feed)) query = query.Where(q => q.Feed == feed);
                var rows = await query.OrderByDescending(q => q.ReceivedAt).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
                return rows.Select(q => new QuarantineEntry(q.Id, q.Feed, q.Index, q.RecordId, q.Reason, q.Raw, q.ReceivedAt));
            })
            .WithTags("Ingest")
            .WithSummary("Rejected input, newest first, with its raw content and the reason (filter by feed; limit up to 1000)");
        return app;
    }
}
