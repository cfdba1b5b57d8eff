using System.Collections.Immutable;

namespace Fusion.Domain.Monitoring;

/// <summary>When a watched device (camera, monitor) was last heard from, and whether it was reported silent.</summary>
public sealed record Presence(DateTimeOffset LastSeenAt, bool Silent);

/// <summary>
/// Who has been heard from, and who has been silent too long: a pure fold over "seen" and the clock.
/// The clock is a parameter; a timer in the host calls Silence, the ingest path calls Seen.
/// </summary>
public sealed record Liveness(ImmutableDictionary<string, Presence> Devices)
{
    public static readonly Liveness Empty = new(ImmutableDictionary<string, Presence>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>
    /// Starts watching devices not yet watched as if last seen at <paramref name="since"/>, so one never heard
    /// from is reported silent one period after watching began.
    /// </summary>
    public Liveness Watch(IEnumerable<string> deviceIds, DateTimeOffset since)
    {
        var builder = Devices.ToBuilder();
        foreach (var id in deviceIds)
            if (!builder.ContainsKey(id)) builder[id] = new Presence(since, false);
        return builder.Count == Devices.Count ? this : this with { Devices = builder.ToImmutable() };
    }

    /// <summary>Restores what the event store says about one device (after a restart).</summary>
    public Liveness Restore(string deviceId, DateTimeOffset lastSeenAt, bool silent) =>
        this with { Devices = Devices.SetItem(deviceId, new Presence(lastSeenAt, silent)) };

    /// <summary>
    /// The device was heard from at <paramref name="at"/>. When it had been reported silent, Returned holds
    /// the last time it was seen before the silence. An older "seen" than the last one changes nothing.
    /// </summary>
    public (Liveness State, DateTimeOffset? ReturnedAfterSilenceSince) Seen(string deviceId, DateTimeOffset at)
    {
        if (Devices.TryGetValue(deviceId, out var p))
        {
            if (at < p.LastSeenAt) return (this, null);
            if (p.Silent) return (this with { Devices = Devices.SetItem(deviceId, new Presence(at, false)) }, p.LastSeenAt);
            if (at == p.LastSeenAt) return (this, null);
        }
        return (this with { Devices = Devices.SetItem(deviceId, new Presence(at, false)) }, null);
    }

    /// <summary>Devices silent for longer than allowed and not yet reported, with when each was last seen; they are now marked silent.</summary>
    public (Liveness State, IReadOnlyList<(string DeviceId, DateTimeOffset LastSeenAt)> NewlySilent) Silence(DateTimeOffset now, TimeSpan allowedSilence)
    {
        List<(string, DateTimeOffset)>? silent = null;
        foreach (var (id, p) in Devices)
            if (!p.Silent && now - p.LastSeenAt > allowedSilence)
                (silent ??= []).Add((id, p.LastSeenAt));
        if (silent is null) return (this, []);
        silent.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        var builder = Devices.ToBuilder();
        foreach (var (id, lastSeen) in silent) builder[id] = new Presence(lastSeen, true);
        return (this with { Devices = builder.ToImmutable() }, silent);
    }
}
