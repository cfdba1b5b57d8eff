namespace Fusion.Domain.Risk;

/// <summary>
/// A risk grain's score or level moved after it applied new signals. Derived, appended to stream
/// "risk:{SubjectId}" so that history (boards, analytics) can be read without recomputing.
/// UpToSequence is the last source event the assessment covers. MainSignalKind and MainSignal name the signal
/// contributing most at that moment (null when none does, and in assessments recorded before they were carried).
/// </summary>
public sealed record RiskAssessed(
    string SubjectId, RiskSubject Subject, string RegionId,
    double Score, RiskLevel Level, string ModelVersion, int SignalCount, long UpToSequence,
    SignalKind? MainSignalKind, string? MainSignal,
    DateTimeOffset AssessedAt);
