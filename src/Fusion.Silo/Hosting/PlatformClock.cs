namespace Fusion.Silo.Hosting;

/// <summary>
/// The time the platform's own logic reads (risk as-of, received-at, deadlines). Kept apart from the
/// TimeProvider that Marten's daemon and Orleans use for their timers, so tests can fix or move the
/// platform's time without freezing the infrastructure.
/// </summary>
public sealed class PlatformClock(TimeProvider time)
{
    public TimeProvider Time => time;
    public DateTimeOffset Now => time.GetUtcNow();
}
