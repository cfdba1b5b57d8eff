using Fusion.Domain.Common;

namespace Fusion.Domain.Risk;

public enum SignalKind { CameraAlarm, AerialFinding, PublicReport, InspectionFinding, FundShortfall, CameraOffline, EmissionExceedance, MonitoringGap }

/// <summary>
/// One thing that says something about risk, extracted from one event. Sequence is the event's
/// position in the store, so a consumer can ignore what it has already applied.
/// OpenUntil is set for findings that stay at full weight until rectified and grow once overdue.
/// </summary>
public sealed record RiskSignal(
    string SignalId, long Sequence, SignalKind Kind, string Feed,
    string RegionId, string? EnterpriseId, string? SiteId,
    Severity Severity, double SourceConfidence, bool InsideProtectedZone, DateOnly? OpenUntil,
    string Summary, DateTimeOffset OccurredAt);

public enum RiskLevel { Green, Blue, Yellow, Red, Black }

/// <summary>A signal's share of a score at the as-of time, with the factors that make it.</summary>
public sealed record SignalContribution(
    RiskSignal Signal, double Weight, double Confidence, double Decay, double Contribution,
    IReadOnlyList<string> CorroboratedBy);

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
