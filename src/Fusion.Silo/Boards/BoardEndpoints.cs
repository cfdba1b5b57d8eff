using Fusion.Silo.Security;

namespace Fusion.Silo.Boards;

public sealed record BoardStatusView(long Checkpoint, long Lag);

public static class BoardEndpoints
{
    public static IEndpointRouteBuilder MapBoardEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/boards").WithTags("Boards");
        group.MapGet("/status", async (BoardRebuild boards, CancellationToken ct) => await boards.StatusAsync(ct))
            .WithSummary("The board tables' checkpoint (last event sequence applied) and how far they are behind the store")
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/rebuild", async (BoardRebuild boards, CancellationToken ct) =>
            {
                await boards.RebuildAsync(ct);
                return Results.Accepted("/api/boards/status", await boards.StatusAsync(ct));
            })
            .WithSummary("Empties the board tables and replays the event store into them; follow it at GET /api/boards/status")
            .RequireAuthorization(Policies.Admin);
        return app;
    }
}
