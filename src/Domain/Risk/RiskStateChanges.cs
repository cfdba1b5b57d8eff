using Fusion.Domain.Blacklist;
using Fusion.Domain.Rectification;

namespace Fusion.Domain.Risk;

/// <summary>
/// What an enforcement event changes in an enterprise's risk state other than adding a signal: a
/// finding closed by verified rectification (its signal leaves the score), a listing on or off the blacklist.
/// </summary>
public sealed record RiskStateChange(string EnterpriseId, string RegionId, long Sequence, string? ClosedSignalId, bool? Blacklisted);

public static class RiskStateChanges
{
    /// <summary>The event types <see cref="From"/> turns into changes.</summary>
    public static readonly Type[] EventTypes =
    [
        typeof(RectificationVerified), typeof(Assessments.AssessmentIssueResolved), typeof(EnterpriseBlacklisted), typeof(BlacklistingExpired), typeof(EnterpriseDelisted),
    ];

    /// <summary>The change an event makes, or null when it makes none.</summary>
    public static RiskStateChange? From(object @event, long sequence) => @event switch
    {
        // The finding's signal id as RiskSignals.From gives it for InspectionFindingRecorded.
        RectificationVerified e => new RiskStateChange(e.EnterpriseId, e.RegionId, sequence, $"inspection:{e.FindingId}", null),
        Assessments.AssessmentIssueResolved { EnterpriseId: { } enterpriseId } e =>
            new RiskStateChange(enterpriseId, e.RegionId, sequence, RiskSignals.AssessmentIssueSignalId(e.AssessmentId, e.IssueId), null),
        EnterpriseBlacklisted e => new RiskStateChange(e.EnterpriseId, e.RegionId, sequence, null, true),
        BlacklistingExpired e => new RiskStateChange(e.EnterpriseId, e.RegionId, sequence, null, false),
        EnterpriseDelisted e => new RiskStateChange(e.EnterpriseId, e.RegionId, sequence, null, false),
        _ => null,
    };

    /// <summary>Never throws; applying a change again changes nothing more.</summary>
    public static RiskState Apply(this RiskState state, RiskStateChange change)
    {
        var next = state;
        if (change.ClosedSignalId is { } closed)
            next = next with { Signals = next.Signals.RemoveAll(s => s.SignalId == closed) };
        if (change.Blacklisted is { } listed && listed != next.Blacklisted)
            next = next with { Blacklisted = listed };
        return next;
    }
}
