namespace Fusion.Projections.Projection;

/// <summary>
/// One stored event as the analytics projection sees it, independent of the event store. Sequence is
/// the event's global position; Timestamp is when the store recorded it. Data is the event record, or
/// a JsonElement / JSON string for events whose type this assembly does not know.
/// </summary>
public sealed record AnalyticsEvent(long Sequence, string StreamKey, string EventType, object Data, DateTimeOffset Timestamp);
