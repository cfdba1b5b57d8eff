using Fusion.Silo.Hosting;
using Fusion.Silo.Security;

namespace Fusion.Silo.Parking;

public sealed record ParkedPage(IReadOnlyList<ParkedEvent> Items, string? Next);

public static class ParkingEndpoints
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapParkingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/parked").WithTags("Operations").RequireAuthorization(Policies.Admin);

        group.MapGet("", async (ParkingLot parking, string? consumer, bool? open, int? limit, long? before, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, null, 100, MaxPageSize);
                if (refusal is not null) return refusal;
                var size = page.Limit;
                var items = await parking.ListAsync(consumer, open ?? true, size, before, ct);
                var next = items.Count == size
                    ? $"/api/parked?before={items[^1].Sequence}&limit={size}&open={(open ?? true).ToString().ToLowerInvariant()}" + (consumer is null ? "" : $"&consumer={Uri.EscapeDataString(consumer)}")
                    : null;
                return Results.Ok(new ParkedPage(items, next));
            })
            .Produces<ParkedPage>()
            .ProducesProblem(400)
            .WithSummary($"Events a consumer (live-risk, analytics, …) could not apply, with the reason, newest first; open only unless open=false; pages of up to {MaxPageSize} (follow next; a larger limit is refused with 400)");

        group.MapGet("/{id}", async (string id, ParkingLot parking, CancellationToken ct) =>
                await parking.GetAsync(id, ct) is { } p ? Results.Ok(p)
                    : Results.Problem(statusCode: 404, title: "Not parked", detail: $"No consumer parked an event as '{id}'."))
            .WithSummary("One parked event");

        group.MapPost("/{id}/retry", async (string id, ParkingLot parking, CancellationToken ct) =>
            {
                var (outcome, record) = await parking.RetryAsync(id, ct);
                return outcome switch
                {
                    RetryOutcome.Applied or RetryOutcome.AlreadyResolved => Results.Ok(record),
                    RetryOutcome.StillFailing => Results.Problem(statusCode: 422, title: "Still failing",
                        detail: $"{record!.Consumer} still cannot apply event {record.Sequence}: {record.Reason}"),
                    RetryOutcome.UnknownConsumer => Results.Problem(statusCode: 422, title: "No such consumer here",
                        detail: $"No consumer named '{record!.Consumer}' runs in this host to retry it."),
                    _ => Results.Problem(statusCode: 404, title: "Not parked", detail: $"No consumer parked an event as '{id}'."),
                };
            })
            .Produces<ParkedEvent>().ProducesProblem(404).ProducesProblem(422)
            .WithSummary("Applies a parked event again with its consumer, once the cause is fixed: resolved when it goes in, 422 with today's reason when not");
        return app;
    }
}
