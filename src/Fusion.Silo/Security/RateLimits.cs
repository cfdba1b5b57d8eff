using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Fusion.Silo.Security;

/// <summary>Section "Fusion:RateLimits": how many requests one client may make on one route (a token bucket per client and route).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a client may make at once on one route before it must wait.</summary>
    public int Burst { get; set; } = 400;
    /// <summary>Requests per second a client gets back on each route.</summary>
    public int PerSecond { get; set; } = 100;
}

/// <summary>
/// ASP.NET Core rate limiting per client (the token's subject, a connector key, else the address) and per route: a
/// client that floods one route is answered 429 with Retry-After while others, and its other routes, go on.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddFusionRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection("Fusion:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (options.Burst < 1 || options.PerSecond < 1)
            throw new InvalidOperationException($"Fusion:RateLimits needs Burst and PerSecond of at least 1, not {options.Burst} and {options.PerSecond}");
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter($"{ClientOf(http)} {RouteOf(http)}", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                // A flood is recorded by its first refusal each minute, not by every one.
                if (http.RequestServices.GetRequiredService<AuditTrail>().FirstWithin($"429 {ClientOf(http)} {RouteOf(http)}", TimeSpan.FromMinutes(1)))
                    http.NoteRefusal(StatusCodes.Status429TooManyRequests, $"more than {options.Burst} requests at once, then {options.PerSecond} a second (recorded once a minute while it lasts)");
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests",
                        Detail = $"{ClientOf(http)} sent more than {options.Burst} requests at once to {RouteOf(http)} " +
                                 $"(then {options.PerSecond} a second); retry after {seconds} s.",
                        Extensions = { ["retryAfterSeconds"] = seconds },
                    },
                });
            };
        });
    }

    static string ClientOf(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true } ? http.User.FindFirst("sub")?.Value ?? http.User.Identity.Name ?? "a client"
        : http.Connection.RemoteIpAddress?.ToString() ?? "an unknown client";

    /// <summary>Paths that match no endpoint share one bucket per client: random paths must not each open a bucket of their own.</summary>
    public const string Unmatched = "paths that match no endpoint";

    static string RouteOf(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint e ? $"{http.Request.Method} /{e.RoutePattern.RawText?.TrimStart('/')}" : Unmatched;
}
