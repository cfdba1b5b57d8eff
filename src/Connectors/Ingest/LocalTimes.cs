namespace Fusion.Connectors.Ingest;

/// <summary>Local times as the feeds that send them without an offset mean them (Beijing time, UTC+8).</summary>
public static class LocalTimes
{
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>
    /// The local time at the offset, or null when it lies outside what DateTimeOffset holds in UTC (the first hours
    /// of year 1 east of Greenwich, the last of year 9999 west of it): a time no feed means, refused rather than thrown.
    /// </summary>
    public static DateTimeOffset? At(DateTime local, TimeSpan offset)
    {
        var utcTicks = local.Ticks - offset.Ticks;
        return utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks
            ? null
            : new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset);
    }

    /// <summary>Unix seconds as a time at the offset, or null when out of range.</summary>
    public static DateTimeOffset? FromUnixSeconds(long seconds, TimeSpan offset) =>
        seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 86_400
            ? null
            : DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(offset);
}
