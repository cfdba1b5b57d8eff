namespace Fusion.Domain.Risk;

/// <summary>Per kind of signal: its base weight and how fast it fades.</summary>
public sealed class SignalKindSettings
{
    public double Weight { get; set; }
    public double HalfLifeHours { get; set; }
}

/// <summary>
/// The risk model's numbers. Configuration, versioned: a change of any number is a new Version, and
/// applying it means replaying history.
/// </summary>
public sealed class RiskModel
{
    public string Version { get; set; } = "2026.11-1";

    public Dictionary<SignalKind, SignalKindSettings> Kinds { get; set; } = new()
    {
        [SignalKind.CameraAlarm] = new() { Weight = 6, HalfLifeHours = 72 },
        [SignalKind.AerialFinding] = new() { Weight = 10, HalfLifeHours = 240 },
        [SignalKind.PublicReport] = new() { Weight = 5, HalfLifeHours = 168 },
        [SignalKind.InspectionFinding] = new() { Weight = 12, HalfLifeHours = 720 },
        [SignalKind.FundShortfall] = new() { Weight = 4, HalfLifeHours = 2160 },
        [SignalKind.CameraOffline] = new() { Weight = 4, HalfLifeHours = 48 },
        [SignalKind.EmissionExceedance] = new() { Weight = 5, HalfLifeHours = 72 },
        [SignalKind.MonitoringGap] = new() { Weight = 3, HalfLifeHours = 48 },
    };

    /// <summary>Multiplier by severity: Low, Medium, High, Critical.</summary>
    public double[] SeverityMultipliers { get; set; } = [0.5, 1, 2, 4];

    /// <summary>Findings inside a protected zone (nature reserve) weigh this much more.</summary>
    public double ProtectedZoneMultiplier { get; set; } = 2;

    /// <summary>Signals from other feeds about the same site (or enterprise) within this window corroborate.</summary>
    public double CorroborationWindowHours { get; set; } = 72;

    /// <summary>Confidence added per other corroborating feed, capped at 1.</summary>
    public double CorroborationBoostPerFeed { get; set; } = 0.25;

    /// <summary>An overdue open finding grows by this fraction per day overdue …</summary>
    public double OverdueGrowthPerDay { get; set; } = 0.05;

    /// <summary>… up to this multiple of its weight.</summary>
    public double OverdueGrowthCap { get; set; } = 3;

    /// <summary>
    /// Score = 100·(1 − e^(−sum/scale)). A region's sum weighs each enterprise by 1/rank
    /// (RiskScoring.ScoreRegion), so its scale is a little larger.
    /// </summary>
    public double EnterpriseScale { get; set; } = 40;
    public double RegionScale { get; set; } = 60;

    /// <summary>Lower bounds of blue, yellow, red and black.</summary>
    public double[] LevelBands { get; set; } = [20, 40, 60, 80];

    /// <summary>Contributions below this are dropped from state and explanations.</summary>
    public double NegligibleContribution { get; set; } = 0.01;
}
