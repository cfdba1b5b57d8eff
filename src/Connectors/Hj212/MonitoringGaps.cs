using System.Collections.Immutable;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.MasterData;
using Fusion.Domain.Monitoring;

namespace Fusion.Connectors.Hj212;

/// <summary>A run of flagged (not measuring) periods at one monitor, open until a normal period arrives.</summary>
public sealed record FlaggedGap(string GapId, GapReason Reason, IReadOnlyList<string> PollutantCodes, DateTimeOffset Since, bool Reported);

/// <summary>Per monitor: when data was last received, and any open run of flagged periods.</summary>
public sealed record MonitorWatch(Liveness Received, ImmutableDictionary<string, FlaggedGap> Flagged)
{
    public static readonly MonitorWatch Empty = new(Liveness.Empty, ImmutableDictionary<string, FlaggedGap>.Empty);
}

/// <summary>
/// Monitoring gaps as a pure fold. Two kinds: a monitor silent for longer than allowed (NoData, judged by the
/// platform's clock from when data was last received) and a monitor whose data flags say it was not
/// measuring (F, M, D, C, B) for longer than allowed (judged by the data's own periods). Only pollutants
/// with a permitted limit count, unless the monitor has none. A gap reported as MonitoringGapDetected is
/// closed by MonitoringResumed; a short gap that closes in time is no risk and appends nothing.
/// Gap ids come from the monitor, reason and start, so detecting the same gap again appends nothing.
/// </summary>
public static class MonitoringGaps
{
    public const string GapFeed = "monitoring-gap";
    public const string ResumedFeed = "monitoring-resumed";

    public static string GapId(string monitorId, GapReason reason, DateTimeOffset since) =>
        $"{monitorId}:{reason}:{Hj212Frames.DataTime(since)}";

    /// <summary>Starts watching every registered monitor in service as if data had arrived at <paramref name="now"/>.</summary>
    public static MonitorWatch Start(MonitorWatch watch, MasterDataCatalog catalog, DateTimeOffset now) =>
        watch with { Received = watch.Received.Watch(catalog.Monitors.Values.Where(m => !m.RetiredAt(now)).Select(m => m.MonitorId), now) };

    /// <summary>Data arrived: closes a reported silence, opens, extends, reports or closes a run of flagged periods.</summary>
    public static (MonitorWatch State, IReadOnlyList<IngestItem> Items) Observe(
        MonitorWatch watch, MonitoringDataReported e, MasterDataCatalog catalog, TimeSpan allowedGap)
    {
        var items = new List<IngestItem>();
        var (received, silentSince) = watch.Received.Seen(e.MonitorId, e.ReceivedAt);
        watch = watch with { Received = received };
        if (silentSince is { } lastSeen)
            items.Add(Resumed(e, GapId(e.MonitorId, GapReason.NoData, lastSeen), GapReason.NoData, lastSeen, e.ReceivedAt));

        var limits = catalog.Monitors.GetValueOrDefault(e.MonitorId)?.Limits;
        GapReason? reason = null;
        List<string>? codes = null;
        foreach (var r in e.Readings)
        {
            if (limits is { Count: > 0 } && !limits.ContainsKey(r.Code)) continue;
            if (Hj212Feed.GapOf(r.Flag) is not { } gap) continue;
            reason ??= gap;
            (codes ??= []).Add(r.Code);
        }

        var open = watch.Flagged.GetValueOrDefault(e.MonitorId);
        if (reason is null)
        {
            if (open is not null && e.MeasuredAt > open.Since)
            {
                if (open.Reported) items.Add(Resumed(e, open.GapId, open.Reason, open.Since, e.MeasuredAt));
                watch = watch with { Flagged = watch.Flagged.Remove(e.MonitorId) };
            }
            return (watch, items);
        }

        open ??= new FlaggedGap(GapId(e.MonitorId, reason.Value, e.MeasuredAt), reason.Value, codes!, e.MeasuredAt, false);
        var coveredUntil = e.MeasuredAt + Hj212Feed.LengthOf(e.Period);
        if (!open.Reported && coveredUntil - open.Since >= allowedGap)
        {
            open = open with { Reported = true };
            items.Add(new IngestItem(Feeds.Key(GapFeed, open.GapId), Streams.Enterprise(e.EnterpriseId),
                [new MonitoringGapDetected(open.GapId, e.MonitorId, e.SiteId, e.EnterpriseId, e.RegionId, open.Reason, open.PollutantCodes, open.Since, e.ReceivedAt)]));
        }
        return (watch with { Flagged = watch.Flagged.SetItem(e.MonitorId, open) }, items);
    }

    /// <summary>
    /// Data from the monitor was stored at <paramref name="receivedAt"/> through another silo: it was heard from then, and a
    /// silence reported here is over (MonitoringResumed, under the same gap id as where the data arrived, so once only).
    /// Flagged periods are judged where the data arrives.
    /// </summary>
    public static (MonitorWatch State, IngestItem? Item) Heard(MonitorWatch watch, string monitorId, DateTimeOffset receivedAt, MasterDataCatalog catalog)
    {
        var (received, silentSince) = watch.Received.Seen(monitorId, receivedAt);
        watch = watch with { Received = received };
        if (silentSince is not { } lastSeen || catalog.Monitors.GetValueOrDefault(monitorId) is not { } m) return (watch, null);
        var gapId = GapId(monitorId, GapReason.NoData, lastSeen);
        return (watch, new IngestItem(Feeds.Key(ResumedFeed, gapId), Streams.Enterprise(m.EnterpriseId),
            [new MonitoringResumed(gapId, m.MonitorId, m.SiteId, m.EnterpriseId, m.RegionId, GapReason.NoData, Math.Round((receivedAt - lastSeen).TotalHours, 2), lastSeen, receivedAt)]));
    }

    /// <summary>
    /// The timer's question: which watched monitors have sent nothing for longer than allowed? A monitor is
    /// watched once it has sent data, or from <see cref="Start"/> for every registered monitor.
    /// </summary>
    public static (MonitorWatch State, IReadOnlyList<IngestItem> Items) Detect(
        MonitorWatch watch, MasterDataCatalog catalog, DateTimeOffset now, TimeSpan allowedSilence)
    {
        var (received, silent) = watch.Received.Silence(now, allowedSilence);
        var items = new List<IngestItem>(silent.Count);
        foreach (var (monitorId, lastSeen) in silent)
        {
            // A retired monitor's silence is expected, not a gap.
            if (catalog.Monitors.GetValueOrDefault(monitorId) is not { } m || m.RetiredAt(now)) continue;
            var gapId = GapId(monitorId, GapReason.NoData, lastSeen);
            items.Add(new IngestItem(Feeds.Key(GapFeed, gapId), Streams.Enterprise(m.EnterpriseId),
                [new MonitoringGapDetected(gapId, m.MonitorId, m.SiteId, m.EnterpriseId, m.RegionId, GapReason.NoData, m.Limits.Keys.Order(StringComparer.Ordinal).ToArray(), lastSeen, now)]));
        }
        return (watch with { Received = received }, items);
    }

    static IngestItem Resumed(MonitoringDataReported e, string gapId, GapReason reason, DateTimeOffset since, DateTimeOffset resumedAt) =>
        new(Feeds.Key(ResumedFeed, gapId), Streams.Enterprise(e.EnterpriseId),
            [new MonitoringResumed(gapId, e.MonitorId, e.SiteId, e.EnterpriseId, e.RegionId, reason, Math.Round((resumedAt - since).TotalHours, 2), since, resumedAt)]);
}
