using System.Globalization;
using System.Text;
using Fusion.Connectors.Simulation;
using Fusion.Domain.Risk;
using ScottPlot;

namespace Fusion.Silo.Risk.Calibration;

/// <summary>Writes a calibration as report.md with its charts as PNG files beside it.</summary>
public static class CalibrationReport
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    static readonly Dictionary<RiskLevel, Color> LevelColours = new()
    {
        [RiskLevel.Green] = Color.FromHex("#2e9d4a"),
        [RiskLevel.Blue] = Color.FromHex("#2f6fd0"),
        [RiskLevel.Yellow] = Color.FromHex("#e6b800"),
        [RiskLevel.Red] = Color.FromHex("#d93025"),
        [RiskLevel.Black] = Color.FromHex("#202020"),
    };

    public static string Write(string folder, CalibrationHistory history, IReadOnlyList<CalibrationSnapshot> snapshots, CalibrationMetrics m, RiskModel model, string description)
    {
        Directory.CreateDirectory(folder);
        var enterpriseLevels = LevelChart(snapshots, s => s.Enterprises.Values.Select(e => e.Level), "Enterprises by level (green is the rest)", includeGreen: false);
        enterpriseLevels.SavePng(Path.Combine(folder, "enterprise-levels.png"), 1000, 420);
        var regionLevels = LevelChart(snapshots, s => s.Regions.Values.Select(r => r.Level), "Regions by level", includeGreen: true);
        regionLevels.SavePng(Path.Combine(folder, "region-levels.png"), 1000, 420);
        StoryChart(history, snapshots, model).SavePng(Path.Combine(folder, "stories.png"), 1000, 420);
        RocChart(m).SavePng(Path.Combine(folder, "roc.png"), 520, 480);
        RegionChart(snapshots[^1]).SavePng(Path.Combine(folder, "regions-vs-worst-enterprise.png"), 1000, 420);

        var md = new StringBuilder();
        var last = snapshots[^1];
        md.AppendLine($"# Risk model calibration — model {model.Version}").AppendLine();
        md.AppendLine(description).AppendLine();
        md.AppendLine($"History {Day(history.From)} → {Day(history.Until)} (China time), {history.Signals.Count:N0} signals, {history.Truth.Count} enterprises, {history.RegionEnterprises.Count} regions, scored every {(snapshots.Count > 1 ? snapshots[1].At - snapshots[0].At : TimeSpan.Zero).TotalHours:0.#} h.");
        md.AppendLine($"Ground truth: {string.Join(", ", history.Truth.Values.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Words(g.Key)}"))}.").AppendLine();

        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| measure | target | measured | |").AppendLine("|---|---|---|---|");
        md.AppendLine($"| precision among the k = {m.K} riskiest enterprises (k = number misbehaving), at the end | ≥ {CalibrationMetrics.PrecisionTarget:0.0#} | {m.PrecisionAtK:0.000} | {Mark(m.PrecisionMet)} |");
        md.AppendLine($"| ROC AUC of the enterprise score against the ground truth, at the end | ≥ {CalibrationMetrics.AucTarget:0.0#} | {m.RocAuc:0.000} | {Mark(m.AucMet)} |");
        md.AppendLine($"| every story red within a day of its first signal | ≤ 24 h | {string.Join("; ", m.Stories.Select(s => s.TimeToRed is { } t ? $"{t.TotalHours:0.#} h" : "never"))} | {Mark(m.StoriesMet)} |");
        md.AppendLine($"| compliant enterprises at red per month | ≤ {CalibrationMetrics.FalseAlarmsPerMonthTarget} | {string.Join("; ", m.FalseAlarms.Select(f => $"{f.Month}: {f.Enterprises.Count}"))} | {Mark(m.FalseAlarmsMet)} |");
        md.AppendLine($"| snapshots where a region is above its worst member (enterprise or own signals) | 0 | {m.RegionRuleBreaches} | {Mark(m.RegionRuleBreaches == 0)} |");
        md.AppendLine();

        md.AppendLine("## Level distribution over time").AppendLine();
        md.AppendLine("![enterprises by level](enterprise-levels.png)").AppendLine();
        md.AppendLine("![regions by level](region-levels.png)").AppendLine();
        md.AppendLine($"At the end: enterprises {Distribution(last.Enterprises.Values.Select(e => e.Level))}; regions {Distribution(last.Regions.Values.Select(r => r.Level))}.").AppendLine();

        md.AppendLine("## Stories: from first signal to red").AppendLine();
        md.AppendLine("![story enterprises' scores](stories.png)").AppendLine();
        md.AppendLine("| story | enterprise | first signal | red at | time to red | peak score |").AppendLine("|---|---|---|---|---|---|");
        foreach (var s in m.Stories)
            md.AppendLine($"| {s.Story.Name} | {s.Story.EnterpriseId} | {Time(s.Story.FirstSignalAt)} | {(s.RedAt is { } r ? Time(r) : "never")} | {(s.TimeToRed is { } t ? $"{t.TotalHours:0.#} h" : "—")} | {s.PeakScore:0.0} |");
        md.AppendLine();

        md.AppendLine("## Ranking against the ground truth").AppendLine();
        md.AppendLine("![ROC curve](roc.png)").AppendLine();
        md.AppendLine($"The {m.K} riskiest enterprises at the end (k = number misbehaving):").AppendLine();
        md.AppendLine("| rank | enterprise | score | level | ground truth |").AppendLine("|---|---|---|---|---|");
        foreach (var (id, rank) in CalibrationReplay.RankAtEnd(last).Take(Math.Max(m.K, 10)).Select((id, i) => (id, i + 1)))
            md.AppendLine($"| {rank} | {id} | {last.Enterprises[id].Score:0.0} | {last.Enterprises[id].Level} | {Words(history.Truth[id])}{(rank > m.K ? " (beyond k)" : "")} |");
        md.AppendLine();

        md.AppendLine("## False alarms: compliant enterprises that reached red").AppendLine();
        foreach (var f in m.FalseAlarms)
            md.AppendLine($"- {f.Month}: {(f.Enterprises.Count == 0 ? "none" : string.Join(", ", f.Enterprises.Select(e => $"{e} ({Words(history.Truth[e])})")))}");
        md.AppendLine();
        foreach (var id in m.FalseAlarms.SelectMany(f => f.Enterprises).Distinct())
            md.AppendLine($"- {id}'s signals over the history: {string.Join(", ", history.Signals.Where(x => x.EnterpriseId == id).GroupBy(x => (x.Kind, x.Severity)).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.Kind} ({g.Key.Severity.ToString().ToLowerInvariant()})"))}");
        md.AppendLine();

        md.AppendLine("## Regions beside their worst enterprise").AppendLine();
        md.AppendLine("![regions and their worst enterprise](regions-vs-worst-enterprise.png)").AppendLine();
        md.AppendLine("| region | enterprises | score | level | worst enterprise | its score | its level | at risk | own signals' score |").AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (id, r) in last.Regions.OrderByDescending(r => r.Value.Score).ThenBy(r => r.Key, StringComparer.Ordinal))
            md.AppendLine($"| {id} | {history.RegionEnterprises[id].Count} | {r.Score:0.0} | {r.Level} | {r.WorstEnterpriseId ?? "—"} | {r.WorstEnterpriseScore:0.0} | {r.WorstEnterpriseLevel} | {r.AtRisk} | {r.OwnScore:0.0} |");
        md.AppendLine();

        var path = Path.Combine(folder, "report.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    /// <summary>compare.md: two models on the same history, their targets side by side and how levels move from A to B.</summary>
    public static string WriteComparison(string folder, CalibrationHistory history,
        (RiskModel Model, IReadOnlyList<CalibrationSnapshot> Snapshots, CalibrationMetrics Metrics) a,
        (RiskModel Model, IReadOnlyList<CalibrationSnapshot> Snapshots, CalibrationMetrics Metrics) b)
    {
        Directory.CreateDirectory(folder);
        var (endA, endB) = (a.Snapshots[^1], b.Snapshots[^1]);
        var md = new StringBuilder();
        md.AppendLine($"# Risk model {a.Model.Version} → {b.Model.Version}").AppendLine();
        md.AppendLine($"The same history for both: {Day(history.From)} → {Day(history.Until)} (China time), {history.Signals.Count:N0} signals, {history.Truth.Count} enterprises.").AppendLine();
        md.AppendLine($"| measure | {a.Model.Version} | {b.Model.Version} |").AppendLine("|---|---|---|");
        md.AppendLine($"| precision@{a.Metrics.K} | {a.Metrics.PrecisionAtK:0.000} | {b.Metrics.PrecisionAtK:0.000} |");
        md.AppendLine($"| ROC AUC | {a.Metrics.RocAuc:0.000} | {b.Metrics.RocAuc:0.000} |");
        for (var i = 0; i < a.Metrics.Stories.Count && i < b.Metrics.Stories.Count; i++)
            md.AppendLine($"| {a.Metrics.Stories[i].Story.Name}: time to red | {Hours(a.Metrics.Stories[i].TimeToRed)} | {Hours(b.Metrics.Stories[i].TimeToRed)} |");
        md.AppendLine($"| compliant enterprises at red per month | {string.Join("; ", a.Metrics.FalseAlarms.Select(f => $"{f.Month}: {f.Enterprises.Count}"))} | {string.Join("; ", b.Metrics.FalseAlarms.Select(f => $"{f.Month}: {f.Enterprises.Count}"))} |");
        md.AppendLine($"| every target met | {(a.Metrics.AllMet ? "yes" : "no")} | {(b.Metrics.AllMet ? "yes" : "no")} |");
        md.AppendLine();
        md.AppendLine($"At the end: enterprises {Distribution(endA.Enterprises.Values.Select(e => e.Level))} under {a.Model.Version}; {Distribution(endB.Enterprises.Values.Select(e => e.Level))} under {b.Model.Version}.").AppendLine();

        var levels = Enum.GetValues<RiskLevel>();
        md.AppendLine($"## Enterprises' levels at the end, {a.Model.Version} (rows) → {b.Model.Version} (columns)").AppendLine();
        md.AppendLine($"| | {string.Join(" | ", levels)} |").AppendLine($"|---|{string.Concat(levels.Select(_ => "---|"))}");
        foreach (var from in levels)
            md.AppendLine($"| {from} | {string.Join(" | ", levels.Select(to => endA.Enterprises.Count(e => e.Value.Level == from && endB.Enterprises[e.Key].Level == to)))} |");
        md.AppendLine();
        var moved = endA.Enterprises.Where(e => e.Value.Level != endB.Enterprises[e.Key].Level)
            .OrderByDescending(e => Math.Abs(endB.Enterprises[e.Key].Score - e.Value.Score)).ToList();
        md.AppendLine($"{moved.Count} enterprises change level{(moved.Count > 40 ? "; the 40 that move most" : "")}:").AppendLine();
        if (moved.Count > 0)
        {
            md.AppendLine($"| enterprise | ground truth | {a.Model.Version} | {b.Model.Version} |").AppendLine("|---|---|---|---|");
            foreach (var (id, p) in moved.Take(40))
                md.AppendLine($"| {id} | {Words(history.Truth[id])} | {p.Score:0.0} {p.Level} | {endB.Enterprises[id].Score:0.0} {endB.Enterprises[id].Level} |");
            md.AppendLine();
        }
        md.AppendLine("## Regions at the end").AppendLine();
        md.AppendLine($"| region | {a.Model.Version} | {b.Model.Version} |").AppendLine("|---|---|---|");
        foreach (var (id, r) in endA.Regions.OrderBy(r => r.Key, StringComparer.Ordinal))
            md.AppendLine($"| {id} | {r.Score:0.0} {r.Level} | {endB.Regions[id].Score:0.0} {endB.Regions[id].Level}{(r.Level != endB.Regions[id].Level ? " (moved)" : "")} |");
        md.AppendLine();

        var plot = new Plot();
        foreach (var group in history.Truth.GroupBy(t => t.Value).OrderBy(g => g.Key))
        {
            var ids = group.Select(g => g.Key).ToList();
            var points = plot.Add.ScatterPoints(ids.Select(id => endA.Enterprises[id].Score).ToArray(), ids.Select(id => endB.Enterprises[id].Score).ToArray());
            points.LegendText = Words(group.Key);
            points.MarkerSize = 6;
        }
        var same = plot.Add.Line(0, 0, 100, 100);
        same.LinePattern = LinePattern.Dotted;
        same.Color = Colors.Gray;
        plot.Axes.SetLimits(0, 100, 0, 100);
        plot.XLabel($"score under {a.Model.Version}");
        plot.YLabel($"score under {b.Model.Version}");
        plot.Title("Each enterprise's score at the end, by ground truth");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(Path.Combine(folder, "scores-a-vs-b.png"), 620, 560);
        md.AppendLine("![scores under A and B](scores-a-vs-b.png)");

        var path = Path.Combine(folder, "compare.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    static string Hours(TimeSpan? t) => t is { } x ? $"{x.TotalHours:0.#} h" : "never";

    static Plot LevelChart(IReadOnlyList<CalibrationSnapshot> snapshots, Func<CalibrationSnapshot, IEnumerable<RiskLevel>> levels, string title, bool includeGreen)
    {
        var plot = new Plot();
        var xs = snapshots.Select(s => s.At.ToOffset(HaixiSimulator.ChinaOffset).DateTime.ToOADate()).ToArray();
        var counts = snapshots.Select(s => levels(s).GroupBy(l => l).ToDictionary(g => g.Key, g => (double)g.Count())).ToList();
        var below = new double[xs.Length];
        foreach (var level in Enum.GetValues<RiskLevel>().Where(l => includeGreen || l != RiskLevel.Green))
        {
            var above = below.Select((b, i) => b + counts[i].GetValueOrDefault(level)).ToArray();
            if (above.Zip(below).Any(p => p.First > p.Second))
            {
                var fill = plot.Add.FillY(xs, below, above);
                fill.FillColor = LevelColours[level].WithAlpha(0.85);
                fill.LineColor = LevelColours[level];
                fill.LegendText = level.ToString();
            }
            below = above;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Title(title);
        plot.YLabel("count");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    static Plot StoryChart(CalibrationHistory history, IReadOnlyList<CalibrationSnapshot> snapshots, RiskModel model)
    {
        var plot = new Plot();
        var xs = snapshots.Select(s => s.At.ToOffset(HaixiSimulator.ChinaOffset).DateTime.ToOADate()).ToArray();
        foreach (var story in history.Stories)
        {
            var line = plot.Add.Scatter(xs, snapshots.Select(s => s.Enterprises[story.EnterpriseId].Score).ToArray());
            line.MarkerSize = 0;
            line.LegendText = story.Name;
            var first = plot.Add.VerticalLine(story.FirstSignalAt.ToOffset(HaixiSimulator.ChinaOffset).DateTime.ToOADate());
            first.Color = line.Color.WithAlpha(0.5);
            first.LinePattern = LinePattern.Dashed;
        }
        var red = plot.Add.HorizontalLine(model.LevelBands[2]);
        red.Color = LevelColours[RiskLevel.Red];
        red.LegendText = "red";
        plot.Axes.DateTimeTicksBottom();
        plot.Axes.SetLimitsY(0, 100);
        plot.Title("Story enterprises' scores (dashed: first signal)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    static Plot RocChart(CalibrationMetrics m)
    {
        var plot = new Plot();
        var curve = plot.Add.Scatter(m.Roc.Select(p => p.FalsePositiveRate).ToArray(), m.Roc.Select(p => p.TruePositiveRate).ToArray());
        curve.MarkerSize = 0;
        curve.ConnectStyle = ConnectStyle.StepVertical;
        curve.LegendText = $"AUC {m.RocAuc:0.000}";
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dotted;
        chance.Color = Colors.Gray;
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.XLabel("false-positive rate (compliant)");
        plot.YLabel("true-positive rate (misbehaving)");
        plot.Title("ROC of the enterprise score at the end");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    static Plot RegionChart(CalibrationSnapshot last)
    {
        var plot = new Plot();
        var regions = last.Regions.OrderByDescending(r => r.Value.Score).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var bars = new List<Bar>();
        for (var i = 0; i < regions.Count; i++)
        {
            var r = regions[i].Value;
            bars.Add(new Bar { Position = i * 3, Value = r.Score, FillColor = LevelColours[r.Level] });
            bars.Add(new Bar { Position = i * 3 + 1, Value = r.WorstEnterpriseScore, FillColor = LevelColours[r.WorstEnterpriseLevel].WithAlpha(0.45) });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(regions.Select((_, i) => i * 3 + 0.5).ToArray(), regions.Select(r => r.Key).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, 100);
        plot.Title("Each region (solid, its level's colour) beside its worst enterprise (pale)");
        return plot;
    }

    static string Words(EnterpriseConduct c) => c switch
    {
        EnterpriseConduct.StoryCase => "story case",
        EnterpriseConduct.RepeatOffender => "repeat offender",
        EnterpriseConduct.NoisyButCompliant => "noisy but compliant",
        _ => "quiet",
    };

    static string Distribution(IEnumerable<RiskLevel> levels)
    {
        var counts = levels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        return string.Join(", ", Enum.GetValues<RiskLevel>().Select(l => $"{counts.GetValueOrDefault(l)} {l.ToString().ToLowerInvariant()}"));
    }

    static string Mark(bool met) => met ? "met" : "**not met**";
    static string Day(DateTimeOffset t) => t.ToOffset(HaixiSimulator.ChinaOffset).ToString("yyyy-MM-dd HH:mm", Invariant);
    static string Time(DateTimeOffset t) => t.ToOffset(HaixiSimulator.ChinaOffset).ToString("MM-dd HH:mm", Invariant);
}
