using Fusion.Bench;
using Fusion.Bench.Analytics;
using Fusion.Bench.Cluster;
using Fusion.Bench.Ingest;
using Fusion.Bench.Risk;
using Fusion.Bench.Security;
using Fusion.Bench.Telemetry;
using Fusion.Bench.Warnings;

// Every figure is a ratio to a reference measured in the same run on the same machine.
var suite = args.FirstOrDefault() ?? "all";
var options = BenchOptions.Parse(args.Skip(1).ToArray());
var benches = new Dictionary<string, Func<BenchOptions, Task<IReadOnlyList<BenchResult>>>>
{
    ["ingest"] = IngestBench.RunAsync,
    ["hj212"] = Hj212Bench.RunAsync,
    ["analytics"] = AnalyticsBench.RunAsync,
    ["risk"] = RiskBench.RunAsync,
    ["boards"] = BoardsBench.RunAsync,
    ["warnings"] = WarningsBench.RunAsync,
    ["security"] = SecurityBench.RunAsync,
    ["cluster"] = ClusterBench.RunAsync,
};
if (suite != "all" && !benches.ContainsKey(suite))
{
    Console.Error.WriteLine($"Unknown benchmark '{suite}'. Benchmarks: all, {string.Join(", ", benches.Keys)}. Options: --records N");
    return 2;
}
var results = new List<BenchResult>();
foreach (var (name, run) in benches.Where(b => suite == "all" || b.Key == suite))
{
    Console.WriteLine($"== {name}");
    results.AddRange(await run(options));
}
Console.WriteLine();
Console.WriteLine($"{"measure",-48} {"value",14} {"reference",14} {"ratio",8}");
foreach (var r in results)
    Console.WriteLine($"{r.Name,-48} {r.Value,14:N1} {r.Reference,14:N1} {r.Ratio,8:N3}  {r.Unit}");
return 0;
