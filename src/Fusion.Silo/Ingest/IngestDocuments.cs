namespace Fusion.Silo.Ingest;

/// <summary>
/// The identity of one accepted source record (feed + the source's own id). Stored in the same
/// transaction as its events, so the same record sent again appends nothing.
/// </summary>
public sealed class IngestKey
{
    public string Id { get; set; } = "";
    public string StreamKey { get; set; } = "";
    public DateTimeOffset AcceptedAt { get; set; }
}

/// <summary>A record that could not be accepted, kept raw so it can be inspected, corrected and replayed.</summary>
public sealed class QuarantinedRecord
{
    public Guid Id { get; set; }
    public string Feed { get; set; } = "";
    public int Index { get; set; }
    public string? RecordId { get; set; }
    public string Reason { get; set; } = "";
    public string Raw { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public string? CorrelationId { get; set; }
}
