using Fusion.Domain.Common;

namespace Fusion.Domain.Blacklist;

/// <summary>Measure 8's numbers (configuration section "Blacklist").</summary>
public sealed class BlacklistPolicy
{
    /// <summary>Findings of this severity or worse are serious violations.</summary>
    public Severity SeriousSeverity { get; set; } = Severity.High;

    /// <summary>Repeated violations: at least this many serious findings …</summary>
    public int SeriousFindings { get; set; } = 3;

    /// <summary>… within this many months.</summary>
    public int WindowMonths { get; set; } = 12;

    /// <summary>A finding of this severity is a major environmental incident on its own.</summary>
    public Severity MajorIncidentSeverity { get; set; } = Severity.Critical;

    /// <summary>Responsibility not implemented: this many accountability records (overdue rectifications) within the window.</summary>
    public int Accountabilities { get; set; } = 2;

    /// <summary>The ban's length.</summary>
    public int BanYears { get; set; } = 2;
}
