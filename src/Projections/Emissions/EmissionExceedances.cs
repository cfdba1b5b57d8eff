using DuckDB.NET.Data;
using Fusion.Domain.Monitoring;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Emissions;

/// <summary>One HJ 212 exceedance: a pollutant above its permitted limit at a monitor for some hours.</summary>
public sealed record EmissionExceedanceRow(long Sequence, string? MonitorId, string? SiteId, string? EnterpriseId, string? RegionId,
    string Pollutant, double? Value, double? LimitValue, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd, double Hours,
    string? Severity, DateTimeOffset OccurredAt) : AnalyticsRow(Sequence);

public static class EmissionExceedances
{
    /// <summary>As RiskSignals.OnlineMonitoringFeed (HJ 212).</summary>
    public const string Feed = "online-monitoring";

    /// <summary>Names of the exceedance event (written by the HJ 212 connector), read by name from its JSON when its type is not known here.</summary>
    public static readonly string[] EventNames = ["EmissionLimitExceeded"];

    public static readonly AnalyticsTable<EmissionExceedanceRow> Table = new("emission_exceedances", """
        sequence BIGINT NOT NULL, monitor_id VARCHAR, site_id VARCHAR, enterprise_id VARCHAR, region_id VARCHAR, pollutant VARCHAR NOT NULL,
        value DOUBLE, limit_value DOUBLE, period_start TIMESTAMPTZ, period_end TIMESTAMPTZ, hours DOUBLE NOT NULL, severity VARCHAR,
        occurred_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.MonitorId).AppendValue(x.SiteId).AppendValue(x.EnterpriseId).AppendValue(x.RegionId)
            .AppendValue(x.Pollutant).AppendValue(x.Value).AppendValue(x.LimitValue).AppendValue(x.PeriodStart).AppendValue(x.PeriodEnd)
            .AppendValue(x.Hours).AppendValue(x.Severity).AppendValue(x.OccurredAt).EndRow());

    /// <summary>
    /// The connector's own exceedance, from its type: the row <see cref="FoldNamed"/> reads from its payload (its period starts and it
    /// occurred when measured; a day's mean stands for 24 hours, anything else for 1), without reading the payload.
    /// </summary>
    public static (EventFacts, AnalyticsRow[]) Fold(long sequence, EmissionLimitExceeded x)
    {
        var row = new EmissionExceedanceRow(sequence, x.MonitorId, x.SiteId, x.EnterpriseId, x.RegionId, x.PollutantCode ?? "unknown", x.Value, x.Limit,
            x.MeasuredAt, null, x.Period == DataPeriod.Day ? 24 : 1, null, x.MeasuredAt);
        return (new EventFacts(Feed, x.EnterpriseId, x.RegionId, x.SiteId, null, true, x.MeasuredAt), [row]);
    }

    /// <summary>
    /// Hours exceeded: the event's own Hours when it carries them, else its period's length, else by its
    /// HJ 212 data period: a day's mean 24, anything else 1 (hour means count their hour; minute and
    /// real-time excursions stand for their hour, and the query counts each hour once).
    /// </summary>
    public static (EventFacts, AnalyticsRow[])? FoldNamed(AnalyticsEvent e, JsonFields f)
    {
        if (!EventNames.Contains(e.EventType)) return null;
        var start = f.Time("PeriodStart", "From", "HourStart", "StartedAt", "DataTime", "MeasuredAt");
        var end = f.Time("PeriodEnd", "To", "HourEnd", "EndedAt");
        var hours = f.Number("Hours", "DurationHours", "ExceedanceHours")
            ?? (start is { } s && end is { } x && x > s ? (x - s).TotalHours : (double?)null)
            ?? (string.Equals(f.String("Period"), "Day", StringComparison.OrdinalIgnoreCase) ? 24 : 1);
        var at = f.Time("OccurredAt", "MeasuredAt", "DetectedAt") ?? start ?? f.FirstTimeEndingInAt() ?? e.Timestamp;
        var severity = f.Severity("Severity");
        var row = new EmissionExceedanceRow(e.Sequence, f.String("MonitorId", "Mn"), f.String("SiteId"), f.String("EnterpriseId"), f.String("RegionId"),
            f.String("Pollutant", "PollutantCode", "Code") ?? "unknown", f.Number("Value", "MeasuredValue", "Average", "Avg"),
            f.Number("Limit", "LimitValue", "PermittedLimit"), start, end, hours, severity, at);
        return (new EventFacts(Feed, row.EnterpriseId, row.RegionId, row.SiteId, severity, true, at), [row]);
    }
}
