namespace Fusion.Connectors.Ingest;

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
    public static void Check(IngestItem item)
    {
        if (item.Key.Length > MaxKeyLength)
            throw new RecordRejected($"the record's id is {item.Key.Length} characters long; at most {MaxKeyLength - item.Key.IndexOf(':') - 1} are taken");
        if (item.StreamKey.Length > MaxKeyLength)
            throw new RecordRejected($"the record's subject id is {item.StreamKey.Length} characters long; at most {MaxKeyLength / 2} are taken");
    }
}
