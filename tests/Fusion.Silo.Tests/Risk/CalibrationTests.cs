using Fusion.Connectors.Simulation;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using Fusion.Silo.Risk.Calibration;

namespace Fusion.Silo.Tests.Risk;

/// <summary>
/// The harness on a history small enough to compute by hand: four enterprises in one region, each
/// with open inspection findings only (weight 12 × severity, confidence 1, no decay while open), so
/// an enterprise's score is 100·(1 − e^(−sum/40)) (the scale pinned here, whatever the default).
/// </summary>
public sealed class CalibrationTests
{
    static readonly DateTimeOffset T = new(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(8));
    static readonly RiskModel Model = new() { EnterpriseScale = 40 };
    long sequence;

    RiskSignal Finding(string enterprise, double hours, Severity severity) => new(
        $"inspection:{++sequence}", sequence, SignalKind.InspectionFinding, "inspection-findings", "R", enterprise, null,
        severity, 1, false, new DateOnly(2027, 1, 1), "finding", T.AddHours(hours));

    CalibrationHistory History() => new(
        T, T.AddHours(6),
        [
            Finding("E1", 1, Severity.Critical), Finding("E1", 1.5, Severity.Low),   // 48 + 6 = 54 → 74.1 red
            Finding("E2", 2, Severity.High),                                         // 24 → 45.1 yellow …
            Finding("E3", 3, Severity.Medium),                                       // 12 → 25.9 blue
            Finding("E4", 4, Severity.Critical), Finding("E4", 4.5, Severity.Medium), // 48 + 12 = 60 → 77.7 red
            Finding("E2", 5, Severity.Critical),                                     // … + 48 = 72 → 83.5 black
        ],
        new Dictionary<string, EnterpriseConduct>
        {
            ["E1"] = EnterpriseConduct.RepeatOffender, ["E2"] = EnterpriseConduct.StoryCase,
            ["E3"] = EnterpriseConduct.Quiet, ["E4"] = EnterpriseConduct.NoisyButCompliant,
        },
        new Dictionary<string, IReadOnlyList<string>> { ["R"] = ["E1", "E2", "E3", "E4"] },
        new Dictionary<string, IReadOnlySet<string>> { ["R"] = new HashSet<string> { "R" } },
        [new CalibrationStory("the story", "E2", T.AddHours(2))]);

    [Fact]
    public void GivenASmallHistory_WhenReplayedHourly_ThenTheScoresAreTheHandComputedOnes()
    {
        var snapshots = CalibrationReplay.Replay(History(), Model, TimeSpan.FromHours(1));

        Assert.Equal(Enumerable.Range(1, 6).Select(h => T.AddHours(h)), snapshots.Select(s => s.At));
        var end = snapshots[^1].Enterprises;
        Assert.Equal(new ScorePoint(74.1, RiskLevel.Red), end["E1"]);
        Assert.Equal(new ScorePoint(83.5, RiskLevel.Black), end["E2"]);
        Assert.Equal(new ScorePoint(25.9, RiskLevel.Blue), end["E3"]);
        Assert.Equal(new ScorePoint(77.7, RiskLevel.Red), end["E4"]);
        Assert.Equal(new ScorePoint(45.1, RiskLevel.Yellow), snapshots[3].Enterprises["E2"]); // at T+4h
        var region = snapshots[^1].Regions["R"];
        Assert.Equal(("E2", RiskLevel.Black, 3), (region.WorstEnterpriseId, region.Level, region.AtRisk));
    }

    [Fact]
    public void GivenASmallHistory_WhenMeasured_ThenPrecisionAucStoryAndFalseAlarmsAreTheHandComputedOnes()
    {
        var history = History();
        var metrics = CalibrationReplay.Measure(history, CalibrationReplay.Replay(history, Model, TimeSpan.FromHours(1)), Model);

        // Ranking at the end: E2 83.5, E4 77.7, E1 74.1, E3 25.9; misbehaving: E1, E2 (k = 2).
        Assert.Equal(2, metrics.K);
        Assert.Equal(0.5, metrics.PrecisionAtK);
        // Pairs (misbehaving, compliant): E2>E4, E2>E3, E1<E4, E1>E3: 3 of 4.
        Assert.Equal(0.75, metrics.RocAuc);
        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)], metrics.Roc);
        // The story's first signal at T+2h, black (so red) from the snapshot at T+5h.
        var story = Assert.Single(metrics.Stories);
        Assert.Equal(TimeSpan.FromHours(3), story.TimeToRed);
        Assert.Equal(83.5, story.PeakScore);
        // E4 is compliant and red from T+4h (its critical finding); E3 never reaches red.
        var month = Assert.Single(metrics.FalseAlarms);
        Assert.Equal("2026-11", month.Month);
        Assert.Equal(["E4"], month.Enterprises);
        Assert.Equal(0, metrics.RegionRuleBreaches);
        Assert.False(metrics.PrecisionMet);
        Assert.False(metrics.AucMet);
        Assert.True(metrics.StoriesMet);
        Assert.True(metrics.FalseAlarmsMet);
    }

    [Fact]
    public void GivenAMeasuredHistory_WhenTheReportIsWritten_ThenItHoldsTheFiguresAndRenderedCharts()
    {
        var history = History();
        var snapshots = CalibrationReplay.Replay(history, Model, TimeSpan.FromHours(1));
        var metrics = CalibrationReplay.Measure(history, snapshots, Model);
        var folder = Path.Combine(Path.GetTempPath(), $"fusion-calibration-{Guid.NewGuid():N}");
        try
        {
            var report = File.ReadAllText(CalibrationReport.Write(folder, history, snapshots, metrics, Model, "A hand-made history."));

            Assert.Contains("| precision among the k = 2 riskiest enterprises (k = number misbehaving), at the end | ≥ 0.8 | 0.500 | **not met** |", report);
            Assert.Contains("| ROC AUC of the enterprise score against the ground truth, at the end | ≥ 0.9 | 0.750 | **not met** |", report);
            Assert.Contains("| the story | E2 | 11-02 02:00 | 11-02 05:00 | 3 h | 83.5 |", report);
            Assert.Contains("- 2026-11: E4 (noisy but compliant)", report);
            foreach (var chart in new[] { "enterprise-levels.png", "region-levels.png", "stories.png", "roc.png", "regions-vs-worst-enterprise.png" })
            {
                Assert.Contains($"({chart})", report);
                var bytes = File.ReadAllBytes(Path.Combine(folder, chart));
                Assert.True(bytes.Length > 2000, $"{chart} is {bytes.Length} bytes");
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void GivenTheDemosThirtyDays_WhenCalibratedWithTheConfiguredModel_ThenEveryTargetIsMet()
    {
        var history = SimulatedHistory.Play(HaixiSeed.Generate(), new DateTimeOffset(2026, 11, 1, 0, 0, 0, HaixiSimulator.ChinaOffset), TimeSpan.FromDays(30));
        var configured = new RiskModel();
        var metrics = CalibrationReplay.Measure(history, CalibrationReplay.Replay(history, configured, TimeSpan.FromHours(1)), configured);

        Assert.Equal(3, metrics.Stories.Count);
        Assert.True(metrics.PrecisionMet, $"precision@{metrics.K} {metrics.PrecisionAtK:0.000}");
        Assert.True(metrics.AucMet, $"ROC AUC {metrics.RocAuc:0.000}");
        Assert.True(metrics.StoriesMet, string.Join(", ", metrics.Stories.Select(s => $"{s.Story.Name}: {s.TimeToRed}")));
        Assert.True(metrics.FalseAlarmsMet, string.Join(", ", metrics.FalseAlarms.Select(f => $"{f.Month}: {string.Join(" ", f.Enterprises)}")));
        Assert.Equal(0, metrics.RegionRuleBreaches);
    }

    [Fact]
    public void GivenTwoModelFiles_WhenCompared_ThenTheReportShowsBothModelsTargetsAndHowLevelsMove()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-compare-").FullName;
        try
        {
            var a = Path.Combine(folder, "a.json");
            var b = Path.Combine(folder, "b.json");
            File.WriteAllText(a, """{ "RiskModel": { "Version": "model-a" } }""");
            File.WriteAllText(b, """{ "RiskModel": { "Version": "model-b", "Kinds": { "CameraAlarm": { "Weight": 30 } } } }""");
            var output = new StringWriter();

            var code = CalibrationCli.Run(["--days", "3", "--from", "2026-11-01", "--compare", a, b, "--out", folder], output, output);

            Assert.True(code == 0, output.ToString());
            var report = File.ReadAllText(Path.Combine(folder, "compare", "compare.md"));
            Assert.Contains("# Risk model model-a → model-b", report);
            Assert.Contains("| measure | model-a | model-b |", report);
            Assert.Contains("## Enterprises' levels at the end, model-a (rows) → model-b (columns)", report);
            // Five times the camera weight: enterprises whose cameras alarmed move up.
            var moved = int.Parse(System.Text.RegularExpressions.Regex.Match(report, @"(\d+) enterprises change level").Groups[1].Value);
            Assert.True(moved > 0, report);
            Assert.True(File.ReadAllBytes(Path.Combine(folder, "compare", "scores-a-vs-b.png")).Length > 2000);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void GivenAMissingModelFile_WhenCalibrating_ThenItSaysWhichAndExitsWithUsage()
    {
        var output = new StringWriter();

        var code = CalibrationCli.Run(["--model", "no-such-model.json", "--days", "1"], output, output);

        Assert.Equal(2, code);
        Assert.Contains("the model file 'no-such-model.json' does not exist", output.ToString());
    }
}
