using Microsoft.AspNetCore.Http.Features;

namespace Fusion.Silo.Ingest;

/// <summary>
/// The largest request body each kind of endpoint takes, section "Fusion:BodyLimits" (bytes). A larger body is
/// refused with 413 naming the limit and the setting before it is parsed, so one request cannot exhaust memory;
/// nothing of it is stored, the sender splits it and sends the parts.
/// </summary>
public sealed class BodyLimits
{
    /// <summary>The JSON feeds, public reports (JSON, CSV, e-mail) and GB/T 28181 notifications.</summary>
    public long Ingest { get; set; } = 16 * 1024 * 1024;
    /// <summary>An HJ 212 frame log (body or uploaded file) of at most Fusion:Ingest:MaxBatchRecords frames; it is stored in transactions of Fusion:Hj212:MaxBatchFrames.</summary>
    public long Hj212Upload { get; set; } = 64 * 1024 * 1024;
    public long MasterData { get; set; } = 16 * 1024 * 1024;
    /// <summary>Analyst SQL (the statement, as text or JSON).</summary>
    public long Sql { get; set; } = 64 * 1024;

    /// <summary>
    /// The whole body, or the 413 refusal when it is larger than <paramref name="limit"/> (named by its
    /// <paramref name="setting"/>): at once when Content-Length says so, else as soon as the bytes read pass it.
    /// </summary>
    public static async Task<(byte[]? Body, IResult? Refusal)> ReadAsync(HttpRequest request, long limit, string setting, CancellationToken ct)
    {
        if (request.ContentLength > limit) return (null, TooLarge(limit, setting));
        Apply(request, limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) return (null, TooLarge(limit, setting));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit, setting));
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>The server's own body limit for this request set to the endpoint's (it may be above the server-wide default).</summary>
    public static void Apply(HttpRequest request, long limit)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
    }

    public static IResult TooLarge(long limit, string setting) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
            detail: $"This endpoint takes at most {Describe(limit)} per request (Fusion:BodyLimits:{setting}); nothing was stored — send the data in smaller parts.",
            extensions: new Dictionary<string, object?> { ["limitBytes"] = limit, ["setting"] = $"Fusion:BodyLimits:{setting}" });

    static string Describe(long bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / 1024 / 1024} MB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KB"
        : $"{bytes:N0} bytes";
}
