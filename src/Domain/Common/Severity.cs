namespace Fusion.Domain.Common;

/// <summary>How serious a finding is, as the recording officer or device judged it.</summary>
public enum Severity
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
