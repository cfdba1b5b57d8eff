namespace Fusion.Domain.Risk;

public enum RiskSubject { Enterprise, Region }

/// <summary>The risk model as pure functions: weight, confidence, decay, score, level, explanation.</summary>
public static class RiskScoring
{
    public static RiskScore Score(
        string subjectId, RiskSubject subject, IReadOnlyCollection<RiskSignal> signals, bool blacklisted,
        RiskModel model, DateTimeOffset now)
    {
        var contributions = Contributions(signals, model, now, out var sum);
        return Scored(subjectId, subject, sum, blacklisted, model, now, contributions);
    }

    /// <summary>
    /// The same score and level as <see cref="Score"/> without the explanation (no contributions), and the signal that
    /// contributes most (of equals, the one the explanation lists first): what a stored assessment and a region's overview
    /// need, without a contribution made for every signal held and put in order.
    /// </summary>
    public static (RiskScore Score, RiskSignal? Main) Summarize(
        string subjectId, RiskSubject subject, IReadOnlyCollection<RiskSignal> signals, bool blacklisted,
        RiskModel model, DateTimeOffset now)
    {
        var all = signals.ToArray();
        var (sum, main) = Walk(all, model, now, null);
        return (Scored(subjectId, subject, sum, blacklisted, model, now, []), main < 0 ? null : all[main]);
    }

    static RiskScore Scored(string subjectId, RiskSubject subject, double sum, bool blacklisted, RiskModel model, DateTimeOffset now,
        IReadOnlyList<SignalContribution> contributions)
    {
        var scale = subject == RiskSubject.Enterprise ? model.EnterpriseScale : model.RegionScale;
        var score = Math.Round(100 * (1 - Math.Exp(-sum / scale)), 1);
        return new RiskScore(subjectId, score, blacklisted ? RiskLevel.Black : LevelOf(score, model), model.Version, now, blacklisted, contributions);
    }

    /// <summary>A region's score and level (ComposeRegion), from its own signals and its enterprises' scores.</summary>
    public static RiskScore ScoreRegion(
        string regionId, IReadOnlyCollection<RiskSignal> regionSignals, IReadOnlyCollection<RiskScore> enterprises,
        RiskModel model, DateTimeOffset now) =>
        ComposeRegion(regionId, regionSignals, enterprises, model, now).Score;

    /// <summary>
    /// A region's members are its enterprises and its own region-level signals (scored on RegionScale as
    /// one more member). The region starts from its worst member's score; the next Followers members and
    /// the share of enterprises at risk press it towards 100: U = s₁ + (100 − s₁)·g with
    /// g = 1 − (1 − ShareAtRiskWeight·share)·Π(1 − FollowerWeight·sᵢ/100). Its level is at most its worst
    /// member's (black only with MembersAtRedForBlack members at red or above, else red); a U beyond that
    /// level is squeezed into the top point of the level's band (never below the worst member's score), so
    /// the ranking still follows U.
    /// A hundred green enterprises make a green region; one red enterprise a red one.
    /// The explanation lists the signals of the members that shape the score (own, worst, followers,
    /// enterprises at risk), each with its contribution to its own member's score.
    /// </summary>
    public static RegionComposition ComposeRegion(
        string regionId, IReadOnlyCollection<RiskSignal> regionSignals, IReadOnlyCollection<RiskScore> enterprises,
        RiskModel model, DateTimeOffset now)
    {
        var settings = model.Region;
        var own = Score(regionId, RiskSubject.Region, regionSignals, false, model, now);
        var members = Members(own, enterprises, model);
        var worstEnterprise = members.FirstOrDefault(m => !m.Own);
        var atRisk = enterprises.Count(e => e.Level >= settings.AtRiskLevel);
        if (members.Count == 0)
            return new RegionComposition(RiskScore.Nothing(regionId, model.Version, now), null, 0, RiskLevel.Green, enterprises.Count, 0, 0);

        var share = enterprises.Count == 0 ? 0 : (double)atRisk / enterprises.Count;
        var calm = (1 - settings.ShareAtRiskWeight * share)
            * members.Skip(1).Take(settings.Followers).Aggregate(1.0, (p, m) => p * (1 - settings.FollowerWeight * m.Effective / 100));
        var worst = members[0].Effective;
        var uncapped = Math.Min(100, worst + (100 - worst) * (1 - calm));

        var worstLevel = members.Max(m => m.Score.Level);
        var cap = worstLevel == RiskLevel.Black && members.Count(m => m.Score.Level >= RiskLevel.Red) < settings.MembersAtRedForBlack
            ? RiskLevel.Red
            : worstLevel;
        double score;
        if (cap == RiskLevel.Black) score = Math.Round(uncapped, 1);
        else
        {
            var top = model.LevelBands[(int)cap] - 0.1;
            var squeezeFrom = Math.Max(Math.Min(worst, top), top - 0.9);
            score = Math.Min(top, uncapped <= top
                ? Math.Round(uncapped, 1)
                : Math.Round(squeezeFrom + (top - squeezeFrom) * (uncapped - top) / (100 - top), 1));
        }

        var shaping = members.Take(1 + settings.Followers).Select(m => m.Score)
            .Concat(enterprises.Where(e => e.Level >= settings.AtRiskLevel))
            .Append(own)
            .DistinctBy(s => s.SubjectId)
            .SelectMany(s => s.Contributions)
            .OrderByDescending(c => c.Signal.OccurredAt).ThenByDescending(c => c.Signal.Sequence)
            .ToList();
        return new RegionComposition(
            new RiskScore(regionId, score, LevelOf(score, model), model.Version, now, false, shaping),
            worstEnterprise.Score?.SubjectId, worstEnterprise.Score?.Score ?? 0, worstEnterprise.Score?.Level ?? RiskLevel.Green,
            enterprises.Count, atRisk, own.Score);
    }

    /// <summary>
    /// The enterprises whose signals ComposeRegion lists in a region's explanation (the worst members and those at
    /// risk), decided from scores and levels alone. Composing from every enterprise's score and level, with the
    /// contributions of these enterprises only, gives the same score and explanation as from every enterprise's
    /// full score, so a caller need not fetch every enterprise's signals to explain a region.
    /// </summary>
    public static IReadOnlySet<string> ExplainingEnterprises(
        string regionId, IReadOnlyCollection<RiskSignal> regionSignals, IReadOnlyCollection<RiskScore> enterprises,
        RiskModel model, DateTimeOffset now)
    {
        var own = Score(regionId, RiskSubject.Region, regionSignals, false, model, now);
        return Members(own, enterprises, model).Take(1 + model.Region.Followers).Where(m => !m.Own).Select(m => m.Score.SubjectId)
            .Concat(enterprises.Where(e => e.Level >= model.Region.AtRiskLevel).Select(e => e.SubjectId))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A region's members that count (its enterprises and its own signals as one more), worst first.</summary>
    static List<(RiskScore Score, double Effective, bool Own)> Members(RiskScore own, IReadOnlyCollection<RiskScore> enterprises, RiskModel model) =>
        enterprises
            .Select(e => (Score: e, Effective: Math.Max(e.Score, Floor(e.Level, model)), Own: false))
            .Append((Score: own, Effective: own.Score, Own: true))
            .Where(m => m.Effective > 0 || m.Score.Level > RiskLevel.Green)
            .OrderByDescending(m => m.Effective).ThenByDescending(m => m.Score.Level)
            .ToList();

    /// <summary>The lowest score of a level's band (a blacklisted enterprise counts at least as black's).</summary>
    static double Floor(RiskLevel level, RiskModel model) => level == RiskLevel.Green ? 0 : model.LevelBands[(int)level - 1];

    public static RiskLevel LevelOf(double score, RiskModel model)
    {
        var level = RiskLevel.Green;
        for (var i = 0; i < model.LevelBands.Length && i < 4; i++)
            if (score >= model.LevelBands[i]) level = (RiskLevel)(i + 1);
        return level;
    }

    /// <summary>
    /// Each signal's current contribution, newest first; negligible ones left out. Signals about the same place within
    /// the corroboration window corroborate: each other independent source adds CorroborationBoostPerFeed to the
    /// confidence (level Highest), a repeat by the same source adds its kind's RepeatBoost (level High); a signal
    /// nobody corroborates (Nominal) stops counting after its kind's NominalExpiryHours.
    /// </summary>
    public static IReadOnlyList<SignalContribution> Contributions(IReadOnlyCollection<RiskSignal> signals, RiskModel model, DateTimeOffset now) =>
        Contributions(signals, model, now, out _);

    /// <summary><see cref="Contributions(IReadOnlyCollection{RiskSignal}, RiskModel, DateTimeOffset)"/> and their sum, added up as <see cref="Summarize"/> adds it.</summary>
    static IReadOnlyList<SignalContribution> Contributions(IReadOnlyCollection<RiskSignal> signals, RiskModel model, DateTimeOffset now, out double sum)
    {
        // An array: a grain's ImmutableList walks its tree on every index.
        var all = signals.ToArray();
        var found = new SignalContribution?[all.Length];
        (sum, _) = Walk(all, model, now, found);
        // Newest first (then the later sequence, then the order held).
        var counted = Enumerable.Range(0, all.Length).Where(i => found[i] is not null).ToArray();
        Array.Sort(counted, (a, b) => Newer(all, a, b));
        var contributions = new List<SignalContribution>(counted.Length);
        foreach (var i in counted) contributions.Add(found[i]!);
        return contributions;
    }

    /// <summary>The order of an explanation: the later observation first, then the later sequence, then the order held.</summary>
    static int Newer(RiskSignal[] all, int a, int b) =>
        all[b].OccurredAt.CompareTo(all[a].OccurredAt) is var c && c != 0 ? c
        : all[b].Sequence.CompareTo(all[a].Sequence) is var d && d != 0 ? d
        : a.CompareTo(b);

    /// <summary>
    /// Every signal's contribution, place by place (in the order each place first appears) and in time order within a place;
    /// answers their sum in that order and the signal that contributes most (of equals, the first in the explanation's order),
    /// -1 when none counts. Each contribution is also made into <paramref name="found"/> (at its signal's index) when given.
    /// </summary>
    static (double Sum, int Main) Walk(RiskSignal[] all, RiskModel model, DateTimeOffset now, SignalContribution?[]? found)
    {
        var window = TimeSpan.FromHours(model.CorroborationWindowHours);
        var sources = new string[all.Length];
        var places = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < all.Length; i++)
        {
            sources[i] = SourceOf(all[i]);
            var key = PlaceKey(all[i]);
            if (!places.TryGetValue(key, out var members)) places[key] = members = [];
            members.Add(i);
        }
        var sum = 0.0;
        var main = -1;
        var mainContribution = 0.0;
        var corroborating = new List<string>();
        // Per place, in time order (equal times in the order held), the signals within the window of each one form a run
        // that only moves forward: a sliding window counting each source in it, so a grain's many signals cost n log n, not n².
        foreach (var place in places.Values)
        {
            var order = place.ToArray();
            // Held in the order they came, a grain's signals are mostly in time order already.
            if (!InTimeOrder(all, order))
                Array.Sort(order, (a, b) => all[a].OccurredAt.CompareTo(all[b].OccurredAt) is var c && c != 0 ? c : a.CompareTo(b));
            var inWindow = new Dictionary<string, int>(StringComparer.Ordinal);
            int lo = 0, hi = 0;
            foreach (var i in order)
            {
                var s = all[i];
                for (; hi < order.Length && all[order[hi]].OccurredAt - s.OccurredAt <= window; hi++)
                    inWindow[sources[order[hi]]] = inWindow.GetValueOrDefault(sources[order[hi]]) + 1;
                for (; s.OccurredAt - all[order[lo]].OccurredAt > window; lo++)
                    inWindow[sources[order[lo]]]--;
                var source = sources[i];
                corroborating.Clear();
                foreach (var (other, count) in inWindow)
                    if (count > 0 && other != source) corroborating.Add(other);
                var repeated = inWindow[source] > 1;
                if (Contribution(s, corroborating.Count, repeated, model, now) is not { } counted) continue;
                var (weight, confidence, decay, contribution) = counted;
                var rounded = Math.Round(contribution, 4);
                sum += rounded;
                if (main < 0 || rounded > mainContribution || (rounded == mainContribution && Newer(all, i, main) < 0))
                    (main, mainContribution) = (i, rounded);
                if (found is null) continue;
                string[] corroboratedBy = [];
                if (corroborating.Count > 0)
                {
                    corroborating.Sort(StringComparer.Ordinal);
                    corroboratedBy = corroborating.ToArray();
                }
                var level = corroboratedBy.Length > 0 ? CorroborationLevel.Highest : repeated ? CorroborationLevel.High : CorroborationLevel.Nominal;
                var first = all[order[lo]].OccurredAt < s.OccurredAt ? all[order[lo]].OccurredAt : s.OccurredAt;
                found[i] = new SignalContribution(s, weight, Math.Round(confidence, 4), Math.Round(decay, 4), rounded, corroboratedBy, level, first);
            }
        }
        return (sum, main);
    }

    static bool InTimeOrder(RiskSignal[] all, int[] order)
    {
        for (var k = 1; k < order.Length; k++)
            if (all[order[k]].OccurredAt < all[order[k - 1]].OccurredAt) return false;
        return true;
    }

    /// <summary>
    /// One signal's weight, confidence, decay and contribution given how many other sources saw its place within the window
    /// and whether its own source saw it again; null when it no longer counts.
    /// </summary>
    static (double Weight, double Confidence, double Decay, double Contribution)? Contribution(RiskSignal s, int corroborations, bool repeated, RiskModel model, DateTimeOffset now)
    {
        var settings = model.Kinds.GetValueOrDefault(s.Kind);
        if (corroborations == 0 && !repeated && settings?.NominalExpiryHours is { } expiry && (now - s.OccurredAt).TotalHours > expiry)
            return null;
        var weight = Weight(s, model);
        var confidence = Math.Min(1, SourceConfidence(s, model) + model.CorroborationBoostPerFeed * corroborations
                                     + (repeated ? settings?.RepeatBoost ?? 0 : 0));
        var decay = Decay(s, model, now);
        var contribution = weight * confidence * decay;
        return contribution >= model.NegligibleContribution ? (weight, confidence, decay, contribution) : null;
    }

    /// <summary>Who saw it: the feed, or the feed and its independent source (aerial-findings/satellite).</summary>
    public static string SourceOf(RiskSignal s) => s.Source is null ? s.Feed : $"{s.Feed}/{s.Source}";

    /// <summary>The source's own confidence above its kind's floor, stretched back to 0–1.</summary>
    public static double SourceConfidence(RiskSignal s, RiskModel model)
    {
        var floor = model.Kinds.TryGetValue(s.Kind, out var k) ? k.ConfidenceFloor : 0;
        return floor <= 0 ? s.SourceConfidence : Math.Clamp((s.SourceConfidence - floor) / (1 - floor), 0, 1);
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
        var ageHours = Math.Max(0, (now - s.OccurredAt).TotalHours);
        return Math.Pow(0.5, ageHours / HalfLifeHours(s, model));
    }

    /// <summary>How fast a signal that is not an open finding fades: its kind's half-life, a day for a kind the model does not name.</summary>
    public static double HalfLifeHours(RiskSignal s, RiskModel model) => model.Kinds.TryGetValue(s.Kind, out var k) ? k.HalfLifeHours : 24;

    /// <summary>Signals with the same key are about the same place and can corroborate each other.</summary>
    internal static string PlaceKey(RiskSignal s) => s.SiteId ?? s.EnterpriseId ?? $"region:{s.RegionId}";
}
