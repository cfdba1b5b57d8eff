namespace Fusion.Domain.Risk;

public enum RiskSubject { Enterprise, Region }

/// <summary>The risk model as pure functions: weight, confidence, decay, score, level, explanation.</summary>
public static class RiskScoring
{
    public static RiskScore Score(
        string subjectId, RiskSubject subject, IReadOnlyCollection<RiskSignal> signals, bool blacklisted,
        RiskModel model, DateTimeOffset now)
    {
        var contributions = Contributions(signals, model, now);
        var sum = contributions.Sum(c => c.Contribution);
        var scale = subject == RiskSubject.Enterprise ? model.EnterpriseScale : model.RegionScale;
        var score = Math.Round(100 * (1 - Math.Exp(-sum / scale)), 1);
        return new RiskScore(subjectId, score, blacklisted ? RiskLevel.Black : LevelOf(score, model), model.Version, now, blacklisted, contributions);
    }

    /// <summary>
    /// A region's score. Each enterprise counts with its saturated sum
    /// (EnterpriseScale·(1 − e^(−sum/EnterpriseScale)), so one enterprise can add at most
    /// EnterpriseScale however many alarms it raises) divided by its rank among the region's
    /// enterprises: the riskiest weighs most, and a hundred quiet ones do not add up to a crisis.
    /// The region-level signals that no enterprise can be blamed for count as one more member.
    /// Each signal's contribution in the explanation is its share after that weighting, so the
    /// contributions add up to the region's sum.
    /// </summary>
    public static RiskScore ScoreRegion(
        string regionId, IReadOnlyCollection<RiskSignal> regionSignals, IEnumerable<IReadOnlyCollection<RiskSignal>> enterprises,
        RiskModel model, DateTimeOffset now)
    {
        var ranked = enterprises.Prepend(regionSignals)
            .Select(signals => Contributions(signals, model, now))
            .Where(c => c.Count > 0)
            .Select(c => (Contributions: c, Sum: c.Sum(x => x.Contribution)))
            .OrderByDescending(e => e.Sum)
            .ToList();
        var contributions = new List<SignalContribution>();
        for (var rank = 1; rank <= ranked.Count; rank++)
        {
            var (enterprise, sum) = ranked[rank - 1];
            var factor = model.EnterpriseScale * (1 - Math.Exp(-sum / model.EnterpriseScale)) / sum / rank;
            contributions.AddRange(enterprise.Select(c => c with { Contribution = Math.Round(c.Contribution * factor, 4) }));
        }
        contributions = contributions
            .Where(c => c.Contribution >= model.NegligibleContribution)
            .OrderByDescending(c => c.Signal.OccurredAt).ThenByDescending(c => c.Signal.Sequence)
            .ToList();
        var score = Math.Round(100 * (1 - Math.Exp(-contributions.Sum(c => c.Contribution) / model.RegionScale)), 1);
        return new RiskScore(regionId, score, LevelOf(score, model), model.Version, now, false, contributions);
    }

    public static RiskLevel LevelOf(double score, RiskModel model)
    {
        var level = RiskLevel.Green;
        for (var i = 0; i < model.LevelBands.Length && i < 4; i++)
            if (score >= model.LevelBands[i]) level = (RiskLevel)(i + 1);
        return level;
    }

    /// <summary>Each signal's current contribution, newest first; negligible ones left out.</summary>
    public static IReadOnlyList<SignalContribution> Contributions(IReadOnlyCollection<RiskSignal> signals, RiskModel model, DateTimeOffset now)
    {
        var window = TimeSpan.FromHours(model.CorroborationWindowHours);
        var byPlace = signals.ToLookup(PlaceKey);
        var result = new List<SignalContribution>(signals.Count);
        foreach (var s in signals)
        {
            var corroboratedBy = byPlace[PlaceKey(s)]
                .Where(o => o.Feed != s.Feed && (o.OccurredAt - s.OccurredAt).Duration() <= window)
                .Select(o => o.Feed).Distinct().Order(StringComparer.Ordinal).ToArray();
            var weight = Weight(s, model);
            var confidence = Math.Min(1, s.SourceConfidence + model.CorroborationBoostPerFeed * corroboratedBy.Length);
            var decay = Decay(s, model, now);
            var contribution = weight * confidence * decay;
            if (contribution >= model.NegligibleContribution)
                result.Add(new SignalContribution(s, weight, Math.Round(confidence, 4), Math.Round(decay, 4), Math.Round(contribution, 4), corroboratedBy));
        }
        return result
            .OrderByDescending(c => c.Signal.OccurredAt)
            .ThenByDescending(c => c.Signal.Sequence)
            .ToList();
    }

    public static double Weight(RiskSignal s, RiskModel model)
    {
        var kind = model.Kinds.TryGetValue(s.Kind, out var k) ? k.Weight : 0;
        var severity = model.SeverityMultipliers[Math.Clamp((int)s.Severity - 1, 0, model.SeverityMultipliers.Length - 1)];
        return kind * severity * (s.InsideProtectedZone ? model.ProtectedZoneMultiplier : 1);
    }

    /// <summary>
    /// Halves every half-life; an open finding holds at 1 until its rectify-by date and then grows
    /// with each day overdue, up to the cap.
    /// </summary>
    public static double Decay(RiskSignal s, RiskModel model, DateTimeOffset now)
    {
        if (s.OpenUntil is { } due)
        {
            // A rectify-by date is a calendar day where the finding was recorded (the feed checks it
            // against recordedAt's own date), so it ends at midnight in that offset, not in UTC.
            // In ticks, not as a DateTimeOffset: the last day of year 9999 ends after DateTimeOffset's
            // range in any offset west of UTC, and a score must never throw.
            var dueUtcTicks = due.ToDateTime(TimeOnly.MaxValue).Ticks - s.OccurredAt.Offset.Ticks;
            if (now.UtcTicks <= dueUtcTicks) return 1;
            var daysOverdue = TimeSpan.FromTicks(now.UtcTicks - dueUtcTicks).TotalDays;
            return Math.Min(model.OverdueGrowthCap, 1 + model.OverdueGrowthPerDay * daysOverdue);
        }
        var halfLife = model.Kinds.TryGetValue(s.Kind, out var k) ? k.HalfLifeHours : 24;
        var ageHours = Math.Max(0, (now - s.OccurredAt).TotalHours);
        return Math.Pow(0.5, ageHours / halfLife);
    }

    /// <summary>Signals with the same key are about the same place and can corroborate each other.</summary>
    internal static string PlaceKey(RiskSignal s) => s.SiteId ?? s.EnterpriseId ?? $"region:{s.RegionId}";
}
