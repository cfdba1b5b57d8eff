namespace Fusion.Silo.Hosting;

/// <summary>
/// Reads as of a moment (measure 13): answers from the events stored up to asOf, as they were answered then. A moment
/// after now is refused, not guessed at.
/// </summary>
public static class AsOf
{
    public static IResult? Refusal(DateTimeOffset asOf, PlatformClock clock) =>
        asOf > clock.Now.AddSeconds(1)
            ? Results.Problem(statusCode: 400, title: "asOf in the future",
                detail: $"asOf is {asOf:yyyy-MM-dd HH:mm:ss zzz}, after now ({clock.Now:yyyy-MM-dd HH:mm:ss zzz}): a read as of a moment answers what was known then.")
            : null;
}
