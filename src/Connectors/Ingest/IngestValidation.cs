namespace Fusion.Connectors.Ingest;

/// <summary>
/// What the checks need from outside the record: the time it is received, and how long after a device
/// record's own time the device may still resend it (its identity is kept that long, so a resend within
/// the window is recognised as a duplicate; an older one cannot be and is refused). Null: no window.
/// </summary>
public sealed record IngestChecks(DateTimeOffset Now, TimeSpan? ResendWindow)
{
    public DateTimeOffset? OldestResendable => ResendWindow is { } w ? Now - w : null;
}

/// <summary>
/// Checks every feed's records pass, in one place, after the feed has read them and before they are stored:
/// what the store cannot hold is rejected here with the record named, for all feeds alike.
/// </summary>
public static class IngestValidation
{
    /// <summary>
    /// A record's identity (feed + the source's own id) is a primary key in the store; PostgreSQL cannot index
    /// keys much beyond 2,700 bytes, and no source's own ids come near this.
    /// </summary>
    public const int MaxKeyLength = 512;

    /// <summary>Throws RecordRejected when the item cannot be stored as it is.</summary>
    public static void Check(IngestItem item, IngestChecks? checks = null)
    {
        if (item.SourceTime is { } at && checks?.OldestResendable is { } oldest && at < oldest)
            throw new RecordRejected($"its time {at:yyyy-MM-dd HH:mm:ss zzz} is older than the {checks.ResendWindow!.Value.TotalDays:0.##}-day resend window; " +
                                     "records that old are no longer checked for duplicates, so they are not taken");
        if (item.Key.Length > MaxKeyLength)
            throw new RecordRejected($"the record's id is {item.Key.Length} characters long; at most {MaxKeyLength - item.Key.IndexOf(':') - 1} are taken");
        if (item.StreamKey.Length > MaxKeyLength)
            throw new RecordRejected($"the record's subject id is {item.StreamKey.Length} characters long; at most {MaxKeyLength / 2} are taken");
    }
}
