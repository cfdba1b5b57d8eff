using System.Collections.Immutable;

namespace Fusion.Domain.MasterData;

/// <summary>
/// One assignment of a leader or commissioner: the area they answered for from From until Until (open while null).
/// From is null for an assignment registered without a date (the seed, and every one before assignments had dates):
/// it holds since records began, as the platform treated it then. Level is the leader's level in it (null for a
/// commissioner). RecordedAt is when the platform learnt of it.
/// </summary>
public sealed record Tenure(string AreaId, LeaderLevel? Level, DateTimeOffset? From, DateTimeOffset? Until, DateTimeOffset RecordedAt)
{
    public bool InForceAt(DateTimeOffset at) => (From is null || From <= at) && (Until is null || at < Until);

    /// <summary>Whether the tenure overlaps [start, end).</summary>
    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => (From is null || From < end) && (Until is null || Until > start);
}

/// <summary>
/// A person's assignments over time, oldest first, never overlapping: an assignment ends where the next begins, so
/// "who answered for this area on that day" has one answer. Apply-side only: the master-data feed refuses dates out
/// of order before they become events; these functions never throw.
/// </summary>
public static class Tenures
{
    /// <summary>A new assignment from a moment: the one open before it ends there.</summary>
    public static ImmutableList<Tenure> Assign(ImmutableList<Tenure> tenures, string areaId, LeaderLevel? level, DateTimeOffset? from, DateTimeOffset recordedAt)
    {
        // An undated assignment after others takes effect when it was recorded.
        var start = from ?? (tenures.Count > 0 ? recordedAt : null);
        if (tenures.Count > 0 && tenures[^1] is { Until: null } open)
            tenures = tenures.SetItem(tenures.Count - 1, open with { Until = NotBefore(start!.Value, open.From) });
        return tenures.Add(new Tenure(areaId, level, start, null, recordedAt));
    }

    /// <summary>The open assignment ends at a moment (not before it began).</summary>
    public static ImmutableList<Tenure> End(ImmutableList<Tenure> tenures, DateTimeOffset until) =>
        tenures.Count > 0 && tenures[^1] is { Until: null } open
            ? tenures.SetItem(tenures.Count - 1, open with { Until = NotBefore(until, open.From) })
            : tenures;

    static DateTimeOffset NotBefore(DateTimeOffset at, DateTimeOffset? from) => from is { } f && at < f ? f : at;

    public static Tenure? At(IReadOnlyList<Tenure> tenures, DateTimeOffset at) => tenures.LastOrDefault(t => t.InForceAt(at));

    /// <summary>A date given in master data (yyyy-MM-dd) takes effect at its first moment in Beijing time.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
}
