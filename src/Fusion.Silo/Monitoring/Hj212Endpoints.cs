using System.Buffers;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Microsoft.AspNetCore.Mvc;

namespace Fusion.Silo.Monitoring;

/// <summary>The answer to an HJ 212 upload: frames read; records stored (each frame's data and each exceedance) or already stored; frames rejected.</summary>
public sealed record Hj212IngestResponse(int Frames, int Accepted, int Duplicates, IReadOnlyList<RejectedRecord> Rejected);

public static class Hj212Endpoints
{
    public static IEndpointRouteBuilder MapHj212Endpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ingest/hj212", async (HttpRequest request, Hj212Intake intake, Hj212Options options, PlatformClock clock, CancellationToken ct) =>
                await IngestAsync(await ReadAsync(request, ct), intake, options, clock.Now, ct))
            .Accepts<string>("text/plain", "application/octet-stream", "multipart/form-data")
            .Produces<Hj212IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithTags("Ingest")
            .WithSummary("HJ 212 frames as text: a request body or a captured frame log uploaded as a file")
            .WithDescription("Frames as sent over TCP (##, length, data segment, CRC, CR LF), one after another; a file whose lines end in LF alone is read too. " +
                             "Upload a log as the body or as the form field 'file'. Frames with a bad CRC or length, an unknown MN or an unusable command are kept in the quarantine. " +
                             "The same frame (MN, QN, CN) sent again appends nothing.");
        return app;
    }

    static async Task<IResult> IngestAsync((byte[]? Body, IResult? Refusal) read, Hj212Intake intake, Hj212Options options, DateTimeOffset now, CancellationToken ct)
    {
        if (read.Refusal is not null) return read.Refusal;
        var frames = Hj212Session.ReadAll(new ReadOnlySequence<byte>(WithCrLf(read.Body!)), now);
        if (frames.Count == 0)
            return Results.Problem(statusCode: 400, title: "No frames", detail: "The body holds no HJ 212 frame (##, 4-digit length, data segment, CRC, CR LF).");
        // A long log goes in transactions of at most MaxBatchFrames frames, as the TCP intake writes them.
        int accepted = 0, duplicates = 0;
        var rejectedList = new List<RejectedRecord>();
        for (var from = 0; from < frames.Count; from += options.MaxBatchFrames)
        {
            var outcome = await intake.WriteAsync(frames.GetRange(from, Math.Min(options.MaxBatchFrames, frames.Count - from)), "hj212-http", ct);
            accepted += outcome.Accepted;
            duplicates += outcome.Duplicates;
            rejectedList.AddRange(outcome.Rejected.Select(r => new RejectedRecord(from + r.Index, r.RecordId, r.Reason)));
        }
        var rejected = rejectedList.ToArray();
        if (rejected.Length == 0) return Results.Ok(new Hj212IngestResponse(frames.Count, accepted, duplicates, rejected));
        return Results.Problem(new ProblemDetails
        {
            Status = 400,
            Title = $"{rejected.Length} of {frames.Count} frame(s) rejected",
            Detail = $"{rejected.Length} frame(s) rejected and kept in quarantine. " +
                     string.Join(" ", rejected.Take(5).Select(r => $"Frame {r.Index}: {r.Reason}.")),
            Extensions = { ["frames"] = frames.Count, ["accepted"] = accepted, ["duplicates"] = duplicates, ["rejected"] = rejected },
        });
    }

    /// <summary>The body, or the first uploaded file of a form; too large is 413.</summary>
    internal static async Task<(byte[]? Body, IResult? Refusal)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
            if (file is null) return (null, Results.Problem(statusCode: 400, title: "No file", detail: "The form has no file; send the log as the field 'file'."));
            if (file.Length > IngestEndpoints.MaxBodyBytes) return (null, TooLarge());
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            return (buffer.ToArray(), null);
        }
        var (body, tooLarge) = await IngestEndpoints.ReadBodyAsync(request, ct);
        return tooLarge ? (null, TooLarge()) : (body, null);
    }

    static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large",
        detail: $"At most {IngestEndpoints.MaxBodyBytes / 1024 / 1024} MB at a time; split the log.");

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
