namespace Fusion.Domain.Risk;

/// <summary>Per kind of signal: its base weight and how fast it fades.</summary>
public sealed class SignalKindSettings
{
    public double Weight { get; set; }
    public double HalfLifeHours { get; set; }

    /// <summary>
    /// A source's own confidence below this says nothing; above it, it is stretched to 0–1
    /// ((c − floor)/(1 − floor)). AI cameras report 0.4 for a shadow: their scale starts higher than 0.
    /// Corroboration by other feeds is added after.
    /// </summary>
    public double ConfidenceFloor { get; set; }

    /// <summary>
    /// Confidence added when the same source saw the same place again within the corroboration window (a repeat
    /// sighting: level High). 0 for kinds whose repeats are not new evidence (a camera re-alarming, a report resent).
    /// </summary>
    public double RepeatBoost { get; set; }

    /// <summary>A signal nobody corroborates (level Nominal) stops counting this many hours after it; null: never.</summary>
    public double? NominalExpiryHours { get; set; }
}

/// <summary>
/// The risk model's numbers. Configuration, versioned: a change of any number is a new Version, and
/// applying it means replaying history.
/// </summary>
public sealed class RiskModel
{
    public string Version { get; set; } = "2026.12-4";

    public Dictionary<SignalKind, SignalKindSettings> Kinds { get; set; } = new()
    {
        [SignalKind.CameraAlarm] = new() { Weight = 6, HalfLifeHours = 168, ConfidenceFloor = 0.5 },
        [SignalKind.AerialFinding] = new() { Weight = 10, HalfLifeHours = 240, RepeatBoost = 0.1, NominalExpiryHours = 336 },
        [SignalKind.PublicReport] = new() { Weight = 5, HalfLifeHours = 168 },
        [SignalKind.InspectionFinding] = new() { Weight = 12, HalfLifeHours = 720 },
        [SignalKind.FundShortfall] = new() { Weight = 8, HalfLifeHours = 2160 },
        [SignalKind.CameraOffline] = new() { Weight = 4, HalfLifeHours = 48 },
        [SignalKind.EmissionExceedance] = new() { Weight = 5, HalfLifeHours = 72 },
        [SignalKind.MonitoringGap] = new() { Weight = 3, HalfLifeHours = 48 },
        // Like an inspection finding's, as measure 3 asks; a park's or zone's issue fades with this half-life.
        [SignalKind.AssessmentIssue] = new() { Weight = 12, HalfLifeHours = 720 },
    };

    /// <summary>Multiplier by severity: Low, Medium, High, Critical.</summary>
    public double[] SeverityMultipliers { get; set; } = [0.5, 1, 2, 4];

    /// <summary>Findings inside a protected zone (nature reserve) weigh this much more.</summary>
    public double ProtectedZoneMultiplier { get; set; } = 2;

    /// <summary>Signals from other feeds about the same site (or enterprise) within this window corroborate.</summary>
    public double CorroborationWindowHours { get; set; } = 72;

    /// <summary>Confidence added per other corroborating source (a feed, or an aerial platform), capped at 1.</summary>
    public double CorroborationBoostPerFeed { get; set; } = 0.25;

    /// <summary>An overdue open finding grows by this fraction per day overdue …</summary>
    public double OverdueGrowthPerDay { get; set; } = 0.05;

    /// <summary>… up to this multiple of its weight.</summary>
    public double OverdueGrowthCap { get; set; } = 3;

    /// <summary>
    /// Score = 100·(1 − e^(−sum/scale)). RegionScale scores a region's own signals (those no
    /// enterprise can be blamed for); the region's score composes that with its enterprises' scores (Region).
    /// </summary>
    public double EnterpriseScale { get; set; } = 50;
    public double RegionScale { get; set; } = 60;

    /// <summary>How a region's level follows from its enterprises' and its own signals (RiskScoring.ComposeRegion).</summary>
    public RegionModel Region { get; set; } = new();

    /// <summary>Lower bounds of blue, yellow, red and black.</summary>
    public double[] LevelBands { get; set; } = [20, 40, 60, 80];

    /// <summary>Contributions below this are dropped from state and explanations.</summary>
    public double NegligibleContribution { get; set; } = 0.01;
}

/// <summary>
/// A region's members are its enterprises (its parks' included) and its own region-level signals,
/// scored as one more member. The region's level is at most its worst member's (so size alone never
/// raises it); within that level, the next riskiest members and the share of enterprises at risk
/// order the regions.
/// </summary>
public sealed class RegionModel
{
    /// <summary>How many members after the worst add to the region's score …</summary>
    public int Followers { get; set; } = 2;

    /// <summary>… each pressing with this fraction of its own score.</summary>
    public double FollowerWeight { get; set; } = 0.3;

    /// <summary>An enterprise at this level or above counts as at risk.</summary>
    public RiskLevel AtRiskLevel { get; set; } = RiskLevel.Yellow;

    /// <summary>The share of enterprises at risk presses with this weight (a region all at risk: this fraction of the way to the next level).</summary>
    public double ShareAtRiskWeight { get; set; } = 0.5;

    /// <summary>A region is black only when at least this many members are red or black; otherwise one black enterprise makes it red.</summary>
    public int MembersAtRedForBlack { get; set; } = 2;
}
