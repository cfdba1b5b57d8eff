using Fusion.Connectors.Ingest;
using Microsoft.AspNetCore.Mvc;

namespace Fusion.Silo.Ingest;

/// <summary>The answer to an ingest call; on 400 the same fields ride in the problem details.</summary>
public sealed record IngestResponse(string Feed, int Accepted, int Duplicates, IReadOnlyList<RejectedRecord> Rejected);

public sealed record RejectedRecord(int Index, string? RecordId, string Reason);

/// <summary>The one place every feed's answer is built: 200 with the counts, or 400 problem details naming each rejected record and why.</summary>
public static class IngestAnswer
{
    /// <param name="noun">What the feed's records are called in the answer: record, frame, notification.</param>
    /// <param name="extensions">Further counts for the answer (the frames an HJ 212 upload held).</param>
    public static IResult From(IngestOutcome outcome, string noun = "record", IReadOnlyDictionary<string, object?>? extensions = null)
    {
        Security.IngestTally.Add(outcome.Accepted, outcome.Duplicates, outcome.Rejected.Count);
        var rejected = outcome.Rejected.Select(r => new RejectedRecord(r.Index, r.RecordId, r.Reason)).ToArray();
        if (rejected.Length == 0)
        {
            if (extensions is null) return Results.Ok(new IngestResponse(outcome.Feed, outcome.Accepted, outcome.Duplicates, rejected));
            var body = new Dictionary<string, object?>(extensions)
            {
                ["feed"] = outcome.Feed, ["accepted"] = outcome.Accepted, ["duplicates"] = outcome.Duplicates, ["rejected"] = rejected,
            };
            return Results.Ok(body);
        }
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = $"{rejected.Length} {noun}(s) rejected",
            Detail = $"{outcome.Accepted} accepted, {outcome.Duplicates} duplicate(s), {rejected.Length} rejected and kept in quarantine. " + Describe(outcome.Rejected, noun),
            Extensions = { ["feed"] = outcome.Feed, ["accepted"] = outcome.Accepted, ["duplicates"] = outcome.Duplicates, ["rejected"] = rejected },
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[key] = value;
        return Results.Problem(problem);
    }

    /// <summary>The first few rejections in plain words: "Record 3 (A-17): camera 'X' is not registered in master data."</summary>
    public static string Describe(IReadOnlyList<Rejection> rejected, string noun = "record") =>
        string.Join(" ", rejected.Take(5).Select(r =>
            r.Index < 0 ? $"{r.Reason}." : $"{char.ToUpperInvariant(noun[0])}{noun[1..]} {r.Index}{(r.RecordId is null ? "" : $" ({r.RecordId})")}: {r.Reason}."));

    /// <summary>Input that could not be read as records at all: 400 naming the problem (it is quarantined whole).</summary>
    public static IResult Unreadable(string title, string reason) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: reason);
}
