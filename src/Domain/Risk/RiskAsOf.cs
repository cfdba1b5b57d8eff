namespace Fusion.Domain.Risk;

/// <summary>One stored event: its position in the store and its data.</summary>
public readonly record struct StoredEvent(long Sequence, object Data);

/// <summary>
/// An enterprise's risk as it stood at a moment (measure 13: decisions judged by what was known): the events stored up to
/// then folded as the live risk grain folds them (signals and enforcement changes in sequence order), scored at that moment
/// with the model then in force. The live grain prunes faded signals, which never changes a score, so the answer is the one
/// given live then, once the live pass had applied those events.
/// </summary>
public static class RiskAsOf
{
    public static RiskState Fold(string enterpriseId, IEnumerable<StoredEvent> events)
    {
        var state = RiskState.Empty(enterpriseId);
        foreach (var e in events.OrderBy(e => e.Sequence))
        {
            if (RiskSignals.From(e.Data, e.Sequence) is { } signal && signal.EnterpriseId == enterpriseId) state = state.Apply(signal);
            if (RiskStateChanges.From(e.Data, e.Sequence) is { } change && change.EnterpriseId == enterpriseId) state = state.Apply(change);
        }
        return state;
    }

    public static RiskScore Enterprise(string enterpriseId, IEnumerable<StoredEvent> events, RiskModel model, DateTimeOffset asOf)
    {
        var state = Fold(enterpriseId, events);
        return RiskScoring.Score(enterpriseId, RiskSubject.Enterprise, state.Signals, state.Blacklisted, model, asOf);
    }
}
