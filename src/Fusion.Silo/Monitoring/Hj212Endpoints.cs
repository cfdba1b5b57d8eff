using System.Buffers;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.Security;

namespace Fusion.Silo.Monitoring;

public static class Hj212Endpoints
{
    public static IEndpointRouteBuilder MapHj212Endpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ingest/hj212", async (HttpRequest request, Hj212Intake intake, Hj212Options options, IngestOptions ingest, BodyLimits limits, PlatformClock clock, CancellationToken ct) =>
                await IngestAsync(await ReadAsync(request, limits.Hj212Upload, nameof(BodyLimits.Hj212Upload), ct), intake, options, ingest.MaxBatchRecords, clock.Now, ct))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .Accepts<string>("text/plain", "application/octet-stream", "multipart/form-data")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithTags("Ingest")
            .WithSummary("HJ 212 frames as text: a request body or a captured frame log uploaded as a file (at most Fusion:Ingest:MaxBatchRecords frames, else 413)")
            .WithDescription("Frames as sent over TCP (##, length, data segment, CRC, CR LF), one after another; a file whose lines end in LF alone is read too. " +
                             "Upload a log as the body or as the form field 'file'. Frames with a bad CRC or length, an unknown MN or an unusable command are kept in the quarantine. " +
                             "The same frame (MN, QN, CN) sent again appends nothing.")
            .RequireAuthorization(Policies.Connector);
        return app;
    }

    static async Task<IResult> IngestAsync((byte[]? Body, IResult? Refusal) read, Hj212Intake intake, Hj212Options options, int maxFrames, DateTimeOffset now, CancellationToken ct)
    {
        if (read.Refusal is not null) return read.Refusal;
        var frames = Hj212Session.ReadAll(new ReadOnlySequence<byte>(WithCrLf(read.Body!)), now);
        if (frames.Count == 0)
            return Results.Problem(statusCode: 400, title: "No frames", detail: "The body holds no HJ 212 frame (##, 4-digit length, data segment, CRC, CR LF).");
        // As many frames as one batch of any feed holds: a longer log would hold back live risk for everyone while it is stored.
        if (frames.Count > maxFrames) return IngestEndpoints.TooManyRecords(frames.Count, maxFrames);
        // A long log goes in transactions of at most MaxBatchFrames frames, as the TCP intake writes them.
        var parts = new List<IngestOutcome>();
        for (var from = 0; from < frames.Count; from += options.MaxBatchFrames)
        {
            var part = await intake.WriteAsync(frames.GetRange(from, Math.Min(options.MaxBatchFrames, frames.Count - from)), "hj212-http", ct);
            parts.Add(part with { Rejected = part.Rejected.Select(r => r with { Index = from + r.Index }).ToList() });
        }
        return IngestAnswer.From(IngestOutcome.Sum(Hj212Feed.Name, parts), "frame", new Dictionary<string, object?> { ["frames"] = frames.Count });
    }

    /// <summary>The body, or the first uploaded file of a form; larger than the limit is 413 naming it.</summary>
    internal static async Task<(byte[]? Body, IResult? Refusal)> ReadAsync(HttpRequest request, long limit, string setting, CancellationToken ct)
    {
        if (!request.HasFormContentType) return await BodyLimits.ReadAsync(request, limit, setting, ct);
        if (request.ContentLength > limit) return (null, BodyLimits.TooLarge(limit, setting));
        BodyLimits.Apply(request, limit);
        IFormCollection form;
        try { form = await request.ReadFormAsync(ct); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return (null, BodyLimits.TooLarge(limit, setting)); }
        catch (InvalidDataException e)
        {
            return (null, Results.Problem(statusCode: 400, title: "Malformed form", detail: $"The upload is not a readable form ({e.Message}); send the log as the field 'file' of a multipart form, or the frames as text/plain."));
        }
        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
        if (file is null) return (null, Results.Problem(statusCode: 400, title: "No file", detail: "The form has no file; send the log as the field 'file'."));
        if (file.Length > limit) return (null, BodyLimits.TooLarge(limit, setting));
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return (buffer.ToArray(), null);
    }

    /// <summary>Captured logs saved on Unix lose the CR before each LF; the trailer needs it back.</summary>
    static byte[] WithCrLf(byte[] body)
    {
        var bare = 0;
        for (var i = 0; i < body.Length; i++) if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) bare++;
        if (bare == 0) return body;
        var fixedUp = new byte[body.Length + bare];
        var j = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) fixedUp[j++] = (byte)'\r';
            fixedUp[j++] = body[i];
        }
        return fixedUp;
    }
}
