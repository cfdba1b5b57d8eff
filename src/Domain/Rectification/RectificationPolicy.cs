using Fusion.Domain.Common;

namespace Fusion.Domain.Rectification;

/// <summary>Rectification policy numbers (configuration section "Rectification").</summary>
public sealed class RectificationPolicy
{
    /// <summary>Days from the finding to its deadline when the origin sets none, by severity.</summary>
    public Dictionary<Severity, int> DefaultDays { get; set; } = new()
    {
        [Severity.Low] = 90,
        [Severity.Medium] = 60,
        [Severity.High] = 30,
        [Severity.Critical] = 15,
    };

    /// <summary>A deadline is a calendar day where the finding was made; the case falls due at that day's end there.</summary>
    public static DateTimeOffset DueAt(DateOnly deadline, TimeSpan offset) => new(deadline.ToDateTime(TimeOnly.MaxValue), offset);
}
