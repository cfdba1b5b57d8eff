using Fusion.Silo.Analytics;
using Fusion.Silo.Hosting;
using Fusion.Silo.Risk.Calibration;
using Fusion.Silo.Security;

var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
var rest = verb == "run" && (args.Length == 0 || args[0].StartsWith('-')) ? args : args[1..];

switch (verb)
{
    case "run":
        await FusionHost.Build(rest, demo: false).RunAsync();
        return 0;
    case "demo":
        await FusionHost.Build(rest, demo: true).RunAsync();
        return 0;
    case "query":
        return await AnalyticsCli.RunAsync(rest);
    case "rebuild-analytics":
        return await AnalyticsCli.RebuildAsync(rest);
    case "calibrate":
        return CalibrationCli.Run(rest);
    case "token":
        return TokenCli.Run(rest);
    default:
        Console.Error.WriteLine($"Unknown verb '{verb}'. Verbs: run (the platform), demo (the platform with Haixi seed data and simulated feeds), query, rebuild-analytics, calibrate (the risk model against a simulated history), token (a bearer token signed with the local key).");
        return 2;
}

public partial class Program;
