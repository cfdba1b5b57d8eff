using System.Security.Cryptography;
using Fusion.Silo.Hosting;
using Marten;

namespace Fusion.Silo.Security;

/// <summary>
/// One audited act through the API: who (the token's name), with which roles, when, what (method and route, the
/// ids in the route, a sensitive read's kind) and from where. Never the content: no bodies, no answers, no
/// identities read; analytics SQL only as the SHA-256 of the request body, so a reviewer holding a text can match it.
/// Kept as documents that are only ever inserted, apart from the event store, so no consumer of the events
/// (risk, analytics, boards) carries who looked at what.
/// </summary>
public sealed record AuditRecord(
    Guid Id, string Who, string[] Roles, string Method, string Route, string Target, string? Read, string? BodySha256, string? From, DateTimeOffset At);

/// <summary>Marks a read as sensitive (it is audited like a command); HashBody records the SHA-256 of the request body.</summary>
public sealed record SensitiveRead(string What, bool HashBody = false);

public static class Audit
{
    public static TBuilder Sensitive<TBuilder>(this TBuilder builder, string what, bool hashBody = false) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SensitiveRead(what, hashBody));

    /// <summary>
    /// Records every command (any method but GET and HEAD; the data feeds under /api/ingest excepted, whose records carry
    /// their own source) and every sensitive read, once authorized and before it runs: an act that cannot be recorded does not happen.
    /// </summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint() is RouteEndpoint endpoint && endpoint.Metadata.GetMetadata<SensitiveRead>() is var read && (read is not null || IsCommand(http)))
        {
            var bodyHash = read?.HashBody == true ? await BodyHashAsync(http.Request, http.RequestAborted) : null;
            var record = new AuditRecord(
                Guid.CreateVersion7(), http.User.Identity?.Name ?? "anonymous", Security.Roles.All.Where(http.User.IsInRole).ToArray(),
                http.Request.Method, "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/'),
                string.Join("; ", http.Request.RouteValues.Where(v => endpoint.RoutePattern.Parameters.Any(p => p.Name == v.Key)).Select(v => $"{v.Key}={v.Value}")),
                read?.What, bodyHash, http.Connection.RemoteIpAddress?.ToString(), http.RequestServices.GetRequiredService<PlatformClock>().Now);
            await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession();
            session.Insert(record);
            await session.SaveChangesAsync(http.RequestAborted);
        }
        await next(http);
    });

    /// <summary>Bodies beyond this are not hashed (the endpoint's own limit refuses them).</summary>
    const int MaxHashedBody = 1024 * 1024;

    static async Task<string?> BodyHashAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0 && (total += n) <= MaxHashedBody) hash.AppendData(chunk, 0, n);
        request.Body.Position = 0;
        return total > MaxHashedBody ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static bool IsCommand(HttpContext http) =>
        !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
        && !http.Request.Path.StartsWithSegments("/api/ingest");
}
