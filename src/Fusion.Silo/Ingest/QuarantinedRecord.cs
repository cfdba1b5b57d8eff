namespace Fusion.Silo.Ingest;

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

    /// <summary>Set when a replay got the record in (accepted, or found already stored).</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? Resolution { get; set; }
}
