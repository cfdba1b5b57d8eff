
namespace Fusion.Connectors.Ingest;

/// <summary>
/// What one accepted source record becomes: its idempotency key (feed + the source's own id), the
/// stream it belongs to and the events to append there. High-volume device records (HJ 212 data,
/// keepalives) carry their own time (SourceTime): their identity is kept for the resend window after it,
/// then dropped (see <see cref="IngestChecks"/>); other records' identities are kept for good.
/// </summary>
public sealed record IngestItem(string Key, string StreamKey, IReadOnlyList<object> Events, DateTimeOffset? SourceTime = null);

/// <summary>A record that could not be accepted: where it was in the batch and why, in plain words.</summary>
public sealed record Rejection(int Index, string? RecordId, string Reason, string RawJson)
{
    /// <summary>
    /// A rejection as it can be answered and kept: its id and reason printable and of bounded length (they may repeat
    /// what was sent), and its raw input as text any store holds — or, when even that could not be read, why.
    /// </summary>
    public static Rejection Of(int index, string? recordId, string reason, Func<string> raw)
    {
        string text;
        try { text = IngestText.Printable(raw()); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            text = $"(the raw input could not be read as text: {e.Message})";
        }
        return new Rejection(index, recordId is null ? null : IngestText.Printable(recordId, 200), IngestText.Printable(reason, 2000), text);
    }
}

public sealed record TranslatedBatch(string Feed, IReadOnlyList<(int Index, IngestItem Item)> Accepted, IReadOnlyList<Rejection> Rejected)
{
    /// <summary>Input that could not even be cut into records (malformed JSON, no frames): one rejection for the whole body.</summary>
    public static TranslatedBatch Unreadable(string feed, string raw, string reason) => new(feed, [], [Rejection.Of(-1, null, reason, () => raw)]);
}

/// <summary>Thrown by a feed's Translate when a record is unusable; Ingest turns it into a Rejection.</summary>
public sealed class RecordRejected(string reason) : Exception(reason);
