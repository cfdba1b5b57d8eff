using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Cameras;
using Fusion.Domain.MasterData;
using Fusion.Domain.Monitoring;

namespace Fusion.Connectors.CameraHealth;

/// <summary>
/// Whether cameras are online, as a pure function of (last seen per camera, now, allowed silence). Anything
/// heard from a camera (a keepalive with status OK, an alarm) counts as seen. A camera silent for longer than
/// allowed yields CameraWentOffline on its enterprise's stream, and CameraCameOnline when heard from again.
/// The outage id is the camera plus when it was last seen (to the keepalive slot), so detecting the same outage
/// twice appends nothing.
/// </summary>
public static class CameraOutages
{
    public const string OfflineFeed = "camera-offline";
    public const string OnlineFeed = "camera-online";

    /// <summary>The store keeps one keepalive per camera per this many minutes.</summary>
    public const int KeepaliveSlotMinutes = 5;

    /// <summary>
    /// The camera plus the keepalive slot it was last seen in (UTC). After a restart, last seen is restored from
    /// the slot's stored keepalive, which falls in the same slot, so the outage keeps its id.
    /// </summary>
    public static string OutageId(string cameraId, DateTimeOffset lastSeenAt) => $"{cameraId}:{Slot(lastSeenAt)}";

    public static string Slot(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return $"{utc:yyyyMMddTHH}{utc.Minute / KeepaliveSlotMinutes * KeepaliveSlotMinutes:00}Z";
    }

    /// <summary>Starts watching every registered camera in service as if seen at <paramref name="now"/>.</summary>
    public static Liveness Start(Liveness state, MasterDataCatalog catalog, DateTimeOffset now) =>
        state.Watch(catalog.Cameras.Values.Where(c => !c.RetiredAt(now)).Select(c => c.CameraId), now);

    /// <summary>The camera was heard from; CameraCameOnline when it had been reported offline.</summary>
    public static (Liveness State, IngestItem? Item) Seen(Liveness state, MasterDataCatalog catalog, string cameraId, DateTimeOffset at)
    {
        var (next, silentSince) = state.Seen(cameraId, at);
        if (silentSince is not { } lastSeen || catalog.Cameras.GetValueOrDefault(cameraId) is not { } c) return (next, null);
        var outageId = OutageId(cameraId, lastSeen);
        return (next, new IngestItem(Feeds.Key(OnlineFeed, outageId), Streams.Enterprise(c.EnterpriseId),
            [new CameraCameOnline(outageId, c.CameraId, c.SiteId, c.EnterpriseId, c.RegionId, Math.Round((at - lastSeen).TotalMinutes, 1), lastSeen, at)]));
    }

    /// <summary>
    /// The timer's question: which watched cameras have been silent for longer than allowed? A camera is
    /// watched once heard from, or from <see cref="Start"/> for every registered camera.
    /// </summary>
    public static (Liveness State, IReadOnlyList<IngestItem> Items) Detect(Liveness state, MasterDataCatalog catalog, DateTimeOffset now, TimeSpan allowedSilence)
    {
        var (next, silent) = state.Silence(now, allowedSilence);
        var items = new List<IngestItem>(silent.Count);
        foreach (var (cameraId, lastSeen) in silent)
        {
            // A retired camera's silence is expected, not an outage.
            if (catalog.Cameras.GetValueOrDefault(cameraId) is not { } c || c.RetiredAt(now)) continue;
            var outageId = OutageId(cameraId, lastSeen);
            items.Add(new IngestItem(Feeds.Key(OfflineFeed, outageId), Streams.Enterprise(c.EnterpriseId),
                [new CameraWentOffline(outageId, c.CameraId, c.SiteId, c.EnterpriseId, c.RegionId, allowedSilence.TotalMinutes, lastSeen, now)]));
        }
        return (next, items);
    }
}
