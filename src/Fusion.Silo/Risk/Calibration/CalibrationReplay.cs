using Fusion.Connectors.Simulation;
using Fusion.Domain.Risk;

namespace Fusion.Silo.Risk.Calibration;

/// <summary>A story the simulator plays: the enterprise and when its first signal occurred.</summary>
public sealed record CalibrationStory(string Name, string EnterpriseId, DateTimeOffset FirstSignalAt);

/// <summary>
/// What a calibration replays: the signals of a history in time order, the ground truth of every
/// enterprise, which enterprises and which region-level subjects make each region, and the stories.
/// </summary>
public sealed record CalibrationHistory(
    DateTimeOffset From, DateTimeOffset Until,
    IReadOnlyList<RiskSignal> Signals,
    IReadOnlyDictionary<string, EnterpriseConduct> Truth,
    IReadOnlyDictionary<string, IReadOnlyList<string>> RegionEnterprises,
    IReadOnlyDictionary<string, IReadOnlySet<string>> RegionOwnSubjects,
    IReadOnlyList<CalibrationStory> Stories)
{
    public static bool Misbehaves(EnterpriseConduct c) => c is EnterpriseConduct.RepeatOffender or EnterpriseConduct.StoryCase;
}

public readonly record struct ScorePoint(double Score, RiskLevel Level);

public sealed record RegionPoint(double Score, RiskLevel Level, string? WorstEnterpriseId, double WorstEnterpriseScore, RiskLevel WorstEnterpriseLevel, int AtRisk, double OwnScore);

/// <summary>Every enterprise's and region's score at one moment of the replay.</summary>
public sealed record CalibrationSnapshot(DateTimeOffset At, IReadOnlyDictionary<string, ScorePoint> Enterprises, IReadOnlyDictionary<string, RegionPoint> Regions);

public sealed record StoryOutcome(CalibrationStory Story, DateTimeOffset? RedAt, double PeakScore)
{
    public TimeSpan? TimeToRed => RedAt - Story.FirstSignalAt;
}

/// <summary>Compliant enterprises that reached red in one calendar month (China time) of the replay.</summary>
public sealed record FalseAlarmMonth(string Month, IReadOnlyList<string> Enterprises);

/// <summary>What a replay measured against the ground truth, with the targets of the risk model.</summary>
public sealed record CalibrationMetrics(
    int K, double PrecisionAtK, double RocAuc, IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> Roc,
    IReadOnlyList<StoryOutcome> Stories, IReadOnlyList<FalseAlarmMonth> FalseAlarms, int RegionRuleBreaches)
{
    public const double PrecisionTarget = 0.8, AucTarget = 0.9;
    public static readonly TimeSpan StoryTarget = TimeSpan.FromDays(1);
    public const int FalseAlarmsPerMonthTarget = 1;

    public bool PrecisionMet => PrecisionAtK >= PrecisionTarget;
    public bool AucMet => RocAuc >= AucTarget;
    public bool StoriesMet => Stories.All(s => s.TimeToRed is { } t && t <= StoryTarget);
    public bool FalseAlarmsMet => FalseAlarms.All(m => m.Enterprises.Count <= FalseAlarmsPerMonthTarget);
    public bool AllMet => PrecisionMet && AucMet && StoriesMet && FalseAlarmsMet && RegionRuleBreaches == 0;
}

/// <summary>
/// Replays a history through the pure risk model — the same RiskState fold and RiskScoring the grains
/// use, no host — and measures the scores against the ground truth. Pure: no clock, no I/O.
/// </summary>
public static class CalibrationReplay
{
    /// <summary>Folds the signals up to each step (From + step, + 2·step, …, Until) and scores everything there.</summary>
    public static IReadOnlyList<CalibrationSnapshot> Replay(CalibrationHistory history, RiskModel model, TimeSpan step)
    {
        var enterpriseIds = history.Truth.Keys.Order(StringComparer.Ordinal).ToArray();
        var states = new Dictionary<string, RiskState>(StringComparer.Ordinal);
        var snapshots = new List<CalibrationSnapshot>();
        var next = 0;
        for (var at = history.From + step; at <= history.Until; at += step)
        {
            for (; next < history.Signals.Count && history.Signals[next].OccurredAt <= at; next++)
            {
                var s = history.Signals[next];
                var key = SubjectOf(s);
                states[key] = (states.GetValueOrDefault(key) ?? RiskState.Empty(key)).Apply(s);
            }
            foreach (var key in states.Keys.ToList()) states[key] = states[key].Prune(model, at);

            var enterprises = new Dictionary<string, ScorePoint>(enterpriseIds.Length, StringComparer.Ordinal);
            var scores = new Dictionary<string, RiskScore>(StringComparer.Ordinal);
            foreach (var id in enterpriseIds)
            {
                var score = states.TryGetValue(id, out var state)
                    ? RiskScoring.Score(id, RiskSubject.Enterprise, state.Signals, state.Blacklisted, model, at)
                    : RiskScore.Nothing(id, model.Version, at);
                scores[id] = score;
                enterprises[id] = new ScorePoint(score.Score, score.Level);
            }
            var regions = new Dictionary<string, RegionPoint>(StringComparer.Ordinal);
            foreach (var (regionId, members) in history.RegionEnterprises)
            {
                var own = history.RegionOwnSubjects.GetValueOrDefault(regionId, new HashSet<string>())
                    .SelectMany(r => states.TryGetValue(RegionKey(r), out var st) ? st.Signals : [])
                    .ToList();
                var c = RiskScoring.ComposeRegion(regionId, own, members.Select(m => scores[m]).ToList(), model, at);
                regions[regionId] = new RegionPoint(c.Score.Score, c.Score.Level, c.WorstEnterpriseId, c.WorstEnterpriseScore, c.WorstEnterpriseLevel, c.EnterprisesAtRisk, c.OwnScore);
            }
            snapshots.Add(new CalibrationSnapshot(at, enterprises, regions));
        }
        return snapshots;
    }

    static string SubjectOf(RiskSignal s) => s.EnterpriseId ?? RegionKey(s.RegionId);
    static string RegionKey(string regionId) => $"region:{regionId}";

    public static CalibrationMetrics Measure(CalibrationHistory history, IReadOnlyList<CalibrationSnapshot> snapshots, RiskModel model)
    {
        var last = snapshots[^1];
        var truth = history.Truth;
        var ranked = RankAtEnd(last);
        var positives = ranked.Where(id => CalibrationHistory.Misbehaves(truth[id])).ToHashSet(StringComparer.Ordinal);
        var k = positives.Count;
        var precision = k == 0 ? 0 : (double)ranked.Take(k).Count(positives.Contains) / k;
        var scores = ranked.Select(id => (Score: last.Enterprises[id].Score, Positive: positives.Contains(id))).ToList();

        var stories = history.Stories.Select(story =>
        {
            var redAt = snapshots.FirstOrDefault(s => s.At >= story.FirstSignalAt && s.Enterprises[story.EnterpriseId].Level >= RiskLevel.Red)?.At;
            return new StoryOutcome(story, redAt, snapshots.Max(s => s.Enterprises[story.EnterpriseId].Score));
        }).ToList();

        var falseAlarms = snapshots
            .GroupBy(s => s.At.ToOffset(HaixiSimulator.ChinaOffset).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .Select(month => new FalseAlarmMonth(month.Key, month
                .SelectMany(s => s.Enterprises.Where(e => e.Value.Level >= RiskLevel.Red && !CalibrationHistory.Misbehaves(truth[e.Key])).Select(e => e.Key))
                .Distinct().Order(StringComparer.Ordinal).ToList()))
            .ToList();

        var breaches = snapshots.Sum(s => s.Regions.Count(r => RegionRuleBroken(r.Value, history.RegionEnterprises[r.Key].Select(e => s.Enterprises[e]), model)));
        return new CalibrationMetrics(k, precision, RocAuc(scores), RocCurve(scores), stories, falseAlarms, breaches);
    }

    /// <summary>Enterprises from riskiest to least at the end, ties broken by id so the ranking is reproducible.</summary>
    public static IReadOnlyList<string> RankAtEnd(CalibrationSnapshot last) =>
        last.Enterprises.OrderByDescending(e => e.Value.Score).ThenByDescending(e => e.Value.Level).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key).ToList();

    /// <summary>
    /// The region targets: a region whose enterprises are all green or blue and whose own signals are
    /// below yellow is green or blue; only a red or black enterprise or own signals at red make it red.
    /// </summary>
    static bool RegionRuleBroken(RegionPoint region, IEnumerable<ScorePoint> enterprises, RiskModel model)
    {
        var worst = enterprises.Select(e => e.Level).DefaultIfEmpty(RiskLevel.Green).Max();
        var own = RiskScoring.LevelOf(region.OwnScore, model);
        var worstMember = worst > own ? worst : own;
        return region.Level > worstMember;
    }

    /// <summary>The probability that a misbehaving enterprise scores above a compliant one (ties count half).</summary>
    public static double RocAuc(IReadOnlyList<(double Score, bool Positive)> scores)
    {
        var positives = scores.Where(s => s.Positive).Select(s => s.Score).ToList();
        var negatives = scores.Where(s => !s.Positive).Select(s => s.Score).ToList();
        if (positives.Count == 0 || negatives.Count == 0) return double.NaN;
        double wins = 0;
        foreach (var p in positives)
            foreach (var n in negatives)
                wins += p > n ? 1 : p == n ? 0.5 : 0;
        return wins / ((double)positives.Count * negatives.Count);
    }

    /// <summary>(false-positive rate, true-positive rate) for every distinct score as threshold, from (0,0) to (1,1).</summary>
    public static IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> RocCurve(IReadOnlyList<(double Score, bool Positive)> scores)
    {
        var p = Math.Max(1, scores.Count(s => s.Positive));
        var n = Math.Max(1, scores.Count(s => !s.Positive));
        var curve = new List<(double, double)> { (0, 0) };
        foreach (var threshold in scores.Select(s => s.Score).Distinct().OrderDescending())
            curve.Add(((double)scores.Count(s => !s.Positive && s.Score >= threshold) / n, (double)scores.Count(s => s.Positive && s.Score >= threshold) / p));
        if (curve[^1] != (1, 1)) curve.Add((1, 1));
        return curve;
    }
}
