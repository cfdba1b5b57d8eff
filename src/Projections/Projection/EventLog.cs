using DuckDB.NET.Data;

namespace Fusion.Projections.Projection;

/// <summary>Every event ever recorded, with the common fields flattened and the payload as JSON.</summary>
public sealed record EventRow(
    long Sequence, string Stream, string Kind, string? Feed,
    string? EnterpriseId, string? RegionId, string? SiteId, string? Severity, bool Signal,
    DateTimeOffset? OccurredAt, DateTimeOffset RecordedAt, string Payload) : AnalyticsRow(Sequence);

public static class EventLog
{
    public static readonly AnalyticsTable<EventRow> Table = new("events", """
        sequence BIGINT NOT NULL,
        stream VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        feed VARCHAR,
        enterprise_id VARCHAR,
        region_id VARCHAR,
        site_id VARCHAR,
        severity VARCHAR,
        signal BOOLEAN NOT NULL,
        occurred_at TIMESTAMPTZ,
        recorded_at TIMESTAMPTZ NOT NULL,
        payload JSON NOT NULL
        """,
        (r, e) => r.AppendValue(e.Sequence).AppendValue(e.Stream).AppendValue(e.Kind).AppendValue(e.Feed)
            .AppendValue(e.EnterpriseId).AppendValue(e.RegionId).AppendValue(e.SiteId).AppendValue(e.Severity).AppendValue(e.Signal)
            .AppendValue(e.OccurredAt).AppendValue(e.RecordedAt).AppendValue(e.Payload).EndRow());

    public static EventRow Row(AnalyticsEvent e, EventFacts facts, string payload) =>
        new(e.Sequence, e.StreamKey, e.EventType, facts.Feed, facts.EnterpriseId, facts.RegionId, facts.SiteId,
            facts.Severity, facts.Signal, facts.OccurredAt, e.Timestamp, payload);
}
