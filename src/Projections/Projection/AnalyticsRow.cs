namespace Fusion.Projections.Projection;

/// <summary>A row the fold produces for one analytics table. Sequence is the event it came from.</summary>
public abstract record AnalyticsRow(long Sequence);

/// <summary>What the fold needs to say about any event for the generic events table.</summary>
public sealed record EventFacts(
    string? Feed, string? EnterpriseId, string? RegionId, string? SiteId, string? Severity,
    bool Signal, DateTimeOffset? OccurredAt)
{
    public static readonly EventFacts None = new(null, null, null, null, null, false, null);
}
