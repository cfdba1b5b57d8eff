using DuckDB.NET.Data;
using Fusion.Domain.Risk;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Risk;

public sealed record RiskAssessmentRow(long Sequence, string SubjectId, string Subject, string RegionId, double Score, string Level,
    string ModelVersion, int SignalCount, long UpToSequence, DateTimeOffset AssessedAt) : AnalyticsRow(Sequence);

/// <summary>Every change of an enterprise's or region's risk score or level.</summary>
public static class RiskHistory
{
    public const string Feed = "risk";

    public static readonly AnalyticsTable<RiskAssessmentRow> Table = new("risk_assessments", """
        sequence BIGINT NOT NULL, subject_id VARCHAR NOT NULL, subject VARCHAR NOT NULL, region_id VARCHAR NOT NULL,
        score DOUBLE NOT NULL, level VARCHAR NOT NULL, model_version VARCHAR NOT NULL, signal_count INTEGER NOT NULL,
        up_to_sequence BIGINT NOT NULL, assessed_at TIMESTAMPTZ NOT NULL
        """,
        (r, x) => r.AppendValue(x.Sequence).AppendValue(x.SubjectId).AppendValue(x.Subject).AppendValue(x.RegionId).AppendValue(x.Score)
            .AppendValue(x.Level).AppendValue(x.ModelVersion).AppendValue(x.SignalCount).AppendValue(x.UpToSequence).AppendValue(x.AssessedAt).EndRow());

    public static (EventFacts, AnalyticsRow[]) Fold(long seq, RiskAssessed e) =>
        (new EventFacts(Feed, e.Subject == RiskSubject.Enterprise ? e.SubjectId : null, e.RegionId, null, null, false, e.AssessedAt),
            [new RiskAssessmentRow(seq, e.SubjectId, e.Subject.ToString(), e.RegionId, e.Score, e.Level.ToString(), e.ModelVersion,
                e.SignalCount, e.UpToSequence, e.AssessedAt)]);
}
