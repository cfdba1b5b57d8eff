using Fusion.Domain.Common;

namespace Fusion.Domain.Risk;

public enum SignalKind { CameraAlarm, AerialFinding, PublicReport, InspectionFinding, FundShortfall, CameraOffline, EmissionExceedance, MonitoringGap, AssessmentIssue }

/// <summary>
/// One thing that says something about risk, extracted from one event. Sequence is the event's
/// position in the store, so a consumer can ignore what it has already applied.
/// OpenUntil is set for findings that stay at full weight until rectified and grow once overdue.
/// Source names an independent observer within the feed (the aerial platform: drone, helicopter and satellite
/// share a feed but corroborate each other); null when the feed is one source. It stands last, with a default,
/// so signals held before it read as they were.
/// </summary>
public sealed record RiskSignal(
    string SignalId, long Sequence, SignalKind Kind, string Feed,
    string RegionId, string? EnterpriseId, string? SiteId,
    Severity Severity, double SourceConfidence, bool InsideProtectedZone, DateOnly? OpenUntil,
    string Summary, DateTimeOffset OccurredAt, string? Source = null);

public enum RiskLevel { Green, Blue, Yellow, Red, Black }

/// <summary>
/// How far a signal is corroborated (after Global Forest Watch's alert confidence): seen once (Nominal); seen again
/// at the same place within the window only by the same source (High); seen there by another, independent source
/// (Highest: another feed, or another aerial platform).
/// </summary>
public enum CorroborationLevel { Nominal, High, Highest }

/// <summary>
/// A signal's share of a score at the as-of time, with the factors that make it. CorroboratedBy names the other
/// sources (a feed, or feed/platform) that saw the same place within the window; Level says how far that goes, and
/// FirstDetectedAt is the earliest time any of the signals agreeing on it was observed.
/// </summary>
public sealed record SignalContribution(
    RiskSignal Signal, double Weight, double Confidence, double Decay, double Contribution,
    IReadOnlyList<string> CorroboratedBy, CorroborationLevel Level = CorroborationLevel.Nominal, DateTimeOffset? FirstDetectedAt = null);

public sealed record RiskScore(
    string SubjectId, double Score, RiskLevel Level, string ModelVersion, DateTimeOffset AsOf,
    bool Blacklisted, IReadOnlyList<SignalContribution> Contributions)
{
    public static RiskScore Nothing(string subjectId, string modelVersion, DateTimeOffset asOf) =>
        new(subjectId, 0, RiskLevel.Green, modelVersion, asOf, false, []);
}

/// <summary>
/// A region's score with what made it: its worst enterprise, how many of its enterprises are at risk
/// (RegionModel.AtRiskLevel or above) and the score of its own region-level signals.
/// </summary>
public sealed record RegionComposition(
    RiskScore Score, string? WorstEnterpriseId, double WorstEnterpriseScore, RiskLevel WorstEnterpriseLevel,
    int Enterprises, int EnterprisesAtRisk, double OwnScore);
