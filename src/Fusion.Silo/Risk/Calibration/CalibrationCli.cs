using System.Globalization;
using Fusion.Connectors.Simulation;
using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;

namespace Fusion.Silo.Risk.Calibration;

/// <summary>
/// ./fusion calibrate [--days 30] [--from yyyy-MM-dd] [--seed 2026] [--model FILE | --compare FILE-A FILE-B] [--step-hours 1] [--out FOLDER]
/// Replays a simulated history (the demo's: the last 30 days up to now) through the pure risk model in
/// process — no database, no host — and writes report.md with PNG charts under the data folder's
/// calibration/ (or --out). The model is the configured one (appsettings.json, RiskModel__… variables)
/// unless --model names a JSON file shaped like appsettings ({ "RiskModel": { … } }).
/// --compare replays the same history under two model files and writes compare/compare.md: the targets
/// side by side and how enterprises' and regions' levels move from A to B, before one is adopted.
/// Exit code 0 when every target is met (always for --compare), 1 when one is not, 2 on bad arguments.
/// </summary>
public static class CalibrationCli
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        (string A, string B)? compare = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h") return Usage(stdout, null, 0);
            if (args[i] == "--compare")
            {
                if (i + 2 >= args.Length) return Usage(stderr, "--compare needs two model files");
                compare = (args[i + 1], args[i + 2]);
                i += 2;
                continue;
            }
            if (!args[i].StartsWith("--") || i + 1 >= args.Length) return Usage(stderr, $"unexpected '{args[i]}'");
            options[args[i][2..]] = args[++i];
        }
        try
        {
            var days = options.TryGetValue("days", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 30;
            var seed = options.TryGetValue("seed", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : HaixiSeed.DefaultSeed;
            var step = TimeSpan.FromHours(options.TryGetValue("step-hours", out var h) ? double.Parse(h, CultureInfo.InvariantCulture) : 1);
            if (days < 1 || step <= TimeSpan.Zero) return Usage(stderr, "--days and --step-hours must be positive");
            var from = options.TryGetValue("from", out var f)
                ? new DateTimeOffset(DateTime.ParseExact(f, "yyyy-MM-dd", CultureInfo.InvariantCulture), HaixiSimulator.ChinaOffset)
                : new DateTimeOffset(DateTimeOffset.UtcNow.ToOffset(HaixiSimulator.ChinaOffset).Date, HaixiSimulator.ChinaOffset).AddDays(-days);
            var folder = options.GetValueOrDefault("out") ?? Path.Combine(DataFolder(), "calibration");
            var masterData = HaixiSeed.Deserialize(File.ReadAllText(SeedFile()));
            if (compare is var (fileA, fileB))
            {
                var (a, b) = (ModelFrom(fileA), ModelFrom(fileB));
                stdout.WriteLine($"calibrate: comparing model {a.Version} ({fileA}) with {b.Version} ({fileB}), seed {seed}, {days} days from {from:yyyy-MM-dd} …");
                var played = SimulatedHistory.Play(masterData, from, TimeSpan.FromDays(days), seed);
                var (snapshotsA, snapshotsB) = (CalibrationReplay.Replay(played, a, step), CalibrationReplay.Replay(played, b, step));
                var comparison = CalibrationReport.WriteComparison(Path.Combine(folder, "compare"), played,
                    (a, snapshotsA, CalibrationReplay.Measure(played, snapshotsA, a)), (b, snapshotsB, CalibrationReplay.Measure(played, snapshotsB, b)));
                stdout.WriteLine($"calibrate: comparison: {Path.GetFullPath(comparison)}");
                return 0;
            }
            var model = ModelFrom(options.GetValueOrDefault("model"));

            stdout.WriteLine($"calibrate: model {model.Version}, seed {seed}, {days} days from {from:yyyy-MM-dd} …");
            var history = SimulatedHistory.Play(masterData, from, TimeSpan.FromDays(days), seed);
            var snapshots = CalibrationReplay.Replay(history, model, step);
            var metrics = CalibrationReplay.Measure(history, snapshots, model);
            var report = CalibrationReport.Write(folder, history, snapshots, metrics, model,
                $"Replayed by `./fusion calibrate` from the Haixi simulator (seed {seed}) through the pure risk model, in process.");
            stdout.WriteLine($"calibrate: precision@{metrics.K} {metrics.PrecisionAtK:0.000}, ROC AUC {metrics.RocAuc:0.000}, stories red after {string.Join(", ", metrics.Stories.Select(x => x.TimeToRed is { } t ? $"{t.TotalHours:0.#} h" : "never"))}, false alarms {string.Join(", ", metrics.FalseAlarms.Select(x => $"{x.Month}: {x.Enterprises.Count}"))}");
            stdout.WriteLine($"calibrate: {(metrics.AllMet ? "every target met" : "a target is NOT met")}; report: {Path.GetFullPath(report)}");
            return metrics.AllMet ? 0 : 1;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or FileNotFoundException or DirectoryNotFoundException)
        {
            return Usage(stderr, e.Message);
        }
    }

    /// <summary>The configured model, or the one in a model file (appsettings-shaped: { "RiskModel": { … } }).</summary>
    public static RiskModel ModelFrom(string? file)
    {
        var builder = new ConfigurationBuilder();
        if (file is null)
            builder.SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables();
        else if (!File.Exists(file))
            throw new FileNotFoundException($"the model file '{file}' does not exist", file);
        else
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        return FusionHost.RiskModelFrom(builder.Build());
    }

    static string DataFolder() => Environment.GetEnvironmentVariable("FUSION_DATA") is { Length: > 0 } d ? d : ".fusion";

    static string SeedFile() => Path.Combine(AppContext.BaseDirectory, "Seed", "haixi-master-data.json");

    static int Usage(TextWriter to, string? problem, int code = 2)
    {
        if (problem is not null) to.WriteLine($"calibrate: {problem}");
        to.WriteLine("usage: calibrate [--days 30] [--from yyyy-MM-dd] [--seed 2026] [--model FILE | --compare FILE-A FILE-B] [--step-hours 1] [--out FOLDER]");
        to.WriteLine("  a model file is shaped like appsettings.json: { \"RiskModel\": { \"Version\": \"…\", … } }");
        return code;
    }
}
