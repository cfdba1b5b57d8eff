using Microsoft.AspNetCore.Http.Metadata;

namespace Fusion.Silo.Hosting;

public static class RequiredContentType
{
    /// <summary>
    /// A body sent without a Content-Type to an endpoint that declares the types it takes is answered 415 problem details
    /// naming them, rather than guessed at (or routed to a fallback that answers 404).
    /// </summary>
    public static IApplicationBuilder UseRequiredContentType(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (string.IsNullOrEmpty(request.ContentType) && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            && http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts)
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status415UnsupportedMediaType, Title = "Content-Type missing",
                    Detail = $"{request.Method} {request.Path} takes {string.Join(", ", accepts.ContentTypes)}; the request names no Content-Type.",
                    Extensions = { ["accepted"] = accepts.ContentTypes.ToArray() },
                },
            });
            return;
        }
        await next(http);
    });
}
