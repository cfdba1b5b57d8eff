using System.Collections.Immutable;

namespace Fusion.Domain.Risk;

/// <summary>
/// What a risk grain holds: the signals about its subject and the last event sequence applied.
/// Apply never throws; a signal at or below the last sequence is a redelivery and is ignored, and so
/// is a signal id already held (a defence: ingest never stores the same source record twice). A grain
/// holds one enterprise's or one region's own signals, so the scan stays short.
/// </summary>
public sealed record RiskState(string SubjectId, ImmutableList<RiskSignal> Signals, long LastSequence, bool Blacklisted)
{
    public static RiskState Empty(string subjectId) => new(subjectId, [], 0, false);

    public RiskState Apply(RiskSignal signal) =>
        signal.Sequence <= LastSequence || Signals.Any(s => s.SignalId == signal.SignalId)
            ? this
            : this with { Signals = Signals.Add(signal), LastSequence = signal.Sequence };

    /// <summary>
    /// A signal that was parked (its event could not be applied) and is applied on retry, after later ones
    /// moved LastSequence past it: added unless its id is already held; LastSequence stays.
    /// </summary>
    public RiskState Readmit(RiskSignal signal) =>
        Signals.Any(s => s.SignalId == signal.SignalId) ? this : this with { Signals = Signals.Add(signal) };

    /// <summary>
    /// Applies a batch (sorted by sequence) and records that everything up to lastSequence was seen. <paramref name="held"/>:
    /// the ids of the signals held, when the caller keeps them (else they are gathered from Signals).
    /// </summary>
    public RiskState Apply(IEnumerable<RiskSignal> signals, long lastSequence, IReadOnlySet<string>? held = null)
    {
        // As Apply(signal) one by one, with the ids held looked up once per batch rather than once per signal.
        HashSet<string>? seen = null;
        var added = ImmutableList.CreateBuilder<RiskSignal>();
        var last = LastSequence;
        foreach (var s in signals.OrderBy(s => s.Sequence))
        {
            if (s.Sequence <= last) continue;
            if (held is not null && held.Contains(s.SignalId)) continue;
            seen ??= held is null ? Signals.Select(h => h.SignalId).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
            if (!seen.Add(s.SignalId)) continue;
            added.Add(s);
            last = s.Sequence;
        }
        var state = added.Count == 0 ? this : this with { Signals = Signals.AddRange(added), LastSequence = last };
        return lastSequence > state.LastSequence ? state with { LastSequence = lastSequence } : state;
    }

    /// <summary>
    /// Drops signals whose contribution has faded to nothing; open findings never fade. A faded signal
    /// that still raises the confidence of a signal being kept (another source's, or the same source's where its
    /// kind counts repeats), or keeps a kept signal from expiring as uncorroborated, stays, so pruning never
    /// changes the score.
    /// </summary>
    public RiskState Prune(RiskModel model, DateTimeOffset now)
    {
        var faded = Signals.Where(s => Faded(s, model, now)).Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal);
        if (faded.Count == 0) return this;
        var window = TimeSpan.FromHours(model.CorroborationWindowHours);
        var kept = Signals.Where(s => !faded.Contains(s.SignalId)).ToLookup(RiskScoring.PlaceKey);
        return this with
        {
            Signals = Signals.RemoveAll(s =>
                faded.Contains(s.SignalId)
                && !kept[RiskScoring.PlaceKey(s)].Any(k => (k.OccurredAt - s.OccurredAt).Duration() <= window && Corroborates(s, k, model)))
        };
    }

    /// <summary>Prune's test: the signal's contribution at full confidence has fallen below NegligibleContribution (an open finding never fades).</summary>
    static bool Faded(RiskSignal s, RiskModel model, DateTimeOffset now) =>
        s.OpenUntil is null && RiskScoring.Weight(s, model) * RiskScoring.Decay(s, model, now) < model.NegligibleContribution;

    /// <summary>
    /// A time before which Prune lets none of <paramref name="signals"/> go (a second early); MaxValue when none of them ever
    /// fades. <paramref name="prunedAt"/>: the signals were pruned then, so those faded by then are left out (each is kept for
    /// a signal it corroborates, and can go only once that one fades); without it every signal counts, and one already faded
    /// makes the bound MinValue.
    /// </summary>
    public static DateTimeOffset NoneFadesBefore(IEnumerable<RiskSignal> signals, RiskModel model, DateTimeOffset? prunedAt = null)
    {
        var earliest = DateTimeOffset.MaxValue;
        foreach (var s in signals)
        {
            if (prunedAt is { } at && Faded(s, model, at)) continue;
            if (FadesAt(s, model) is var fades && fades < earliest) earliest = fades;
        }
        return earliest;
    }

    /// <summary>
    /// A time before which the signal is not Faded (a second early), and after which it is: MinValue for one that counts for
    /// nothing even undecayed (whatever its time), MaxValue for one that never fades (an open finding, or a decay that does
    /// not fall: a half-life below zero, or beyond a century).
    /// </summary>
    static DateTimeOffset FadesAt(RiskSignal s, RiskModel model)
    {
        if (s.OpenUntil is not null) return DateTimeOffset.MaxValue;
        var weight = RiskScoring.Weight(s, model);
        if (!(weight >= model.NegligibleContribution)) return DateTimeOffset.MinValue;
        var hours = RiskScoring.HalfLifeHours(s, model) * Math.Log2(weight / model.NegligibleContribution);
        if (!(hours >= 0 && hours < 24 * 365 * 100)) return DateTimeOffset.MaxValue;
        var fades = s.OccurredAt.UtcTicks + TimeSpan.FromHours(hours).Ticks - TimeSpan.TicksPerSecond;
        return fades >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue
            : fades <= DateTimeOffset.MinValue.UtcTicks ? DateTimeOffset.MinValue
            : new DateTimeOffset(fades, TimeSpan.Zero);
    }

    static bool Corroborates(RiskSignal faded, RiskSignal kept, RiskModel model)
    {
        var settings = model.Kinds.GetValueOrDefault(kept.Kind);
        var sameSource = RiskScoring.SourceOf(faded) == RiskScoring.SourceOf(kept);
        return settings?.NominalExpiryHours is not null
               || (kept.SourceConfidence < 1 && (!sameSource || settings?.RepeatBoost > 0));
    }
}
