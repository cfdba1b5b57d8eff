namespace Fusion.Silo.Parking;

/// <summary>
/// An event one consumer could not apply, with the reason, kept until a retry gets it in. The event itself
/// stays in the store; this names it (by sequence) and says why it is waiting. Id: "{consumer}:{sequence}".
/// </summary>
public sealed class ParkedEvent
{
    public string Id { get; set; } = "";
    public string Consumer { get; set; } = "";
    public long Sequence { get; set; }
    public string StreamKey { get; set; } = "";
    public string EventType { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTimeOffset ParkedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset LastTriedAt { get; set; }

    /// <summary>Set when a retry applied it.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    public static string IdOf(string consumer, long sequence) => $"{consumer}:{sequence}";
}

/// <summary>
/// A consumer whose parked events can be retried: applies one stored event out of its order (later events
/// have moved the consumer's checkpoint past it), or throws as it did when it was parked.
/// </summary>
public interface IParkingConsumer
{
    string Name { get; }
    Task RetryAsync(JasperFx.Events.IEvent e, CancellationToken ct);
}
