using Fusion.Domain.Warnings;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Fusion.Silo.Warnings;

/// <summary>The rules in force, where they came from and when they were loaded.</summary>
public sealed record LoadedRules(WarningRuleSet Rules, string Path, DateTimeOffset LoadedAt);

/// <summary>The outcome of a reload: the rules in force afterwards and, for a bad file, why it was refused.</summary>
public sealed record ReloadOutcome(bool Loaded, LoadedRules InForce, IReadOnlyList<string> Errors);

/// <summary>
/// The warning rules file (Fusion:Warnings:RulesFile; the shipped warning-rules.yaml by default). Read and
/// validated at start-up (a bad file stops the host with the errors), again on POST
/// /api/warnings/rules/reload and when the file changes; a bad file on reload keeps the rules in force.
/// </summary>
public sealed class WarningRulesFile : IDisposable
{
    sealed class Document { public List<RuleSpec>? Rules { get; set; } }

    static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();

    readonly TimeProvider time;
    readonly ILogger<WarningRulesFile> log;
    readonly IReadOnlyDictionary<string, TimeSpan> acknowledgeWithin;
    readonly FileSystemWatcher? watcher;
    readonly Lock gate = new();
    LoadedRules current;

    public WarningRulesFile(IConfiguration config, TimeProvider time, ILogger<WarningRulesFile> log)
    {
        this.time = time;
        this.log = log;
        // Fusion:Warnings:AcknowledgeWithin:<rule id> overrides a rule's period (the demo escalates within minutes).
        acknowledgeWithin = config.GetSection("Fusion:Warnings:AcknowledgeWithin").GetChildren()
            .ToDictionary(c => c.Key, c => TimeSpan.Parse(c.Value!, System.Globalization.CultureInfo.InvariantCulture));
        Path = System.IO.Path.GetFullPath(config["Fusion:Warnings:RulesFile"] is { Length: > 0 } p ? p : System.IO.Path.Combine(AppContext.BaseDirectory, "Warnings", "warning-rules.yaml"));
        var (rules, errors) = Read(Path);
        if (errors.Count > 0)
            throw new InvalidOperationException($"The warning rules file {Path} is not valid:\n  " + string.Join("\n  ", errors));
        current = new LoadedRules(rules, Path, time.GetUtcNow());
        if (config.GetValue("Fusion:Warnings:WatchRulesFile", true))
        {
            watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Reload();
            watcher.Created += (_, _) => Reload();
            watcher.Renamed += (_, _) => Reload();
            watcher.EnableRaisingEvents = true;
        }
    }

    public string Path { get; }
    public LoadedRules Current => Volatile.Read(ref current);

    public ReloadOutcome Reload()
    {
        lock (gate)
        {
            var (rules, errors) = Read(Path);
            if (errors.Count > 0)
            {
                log.LogWarning("Warning rules file {Path} refused, the rules loaded at {LoadedAt} stay in force: {Errors}", Path, current.LoadedAt, string.Join("; ", errors));
                return new ReloadOutcome(false, current, errors);
            }
            Volatile.Write(ref current, new LoadedRules(rules, Path, time.GetUtcNow()));
            log.LogInformation("Warning rules reloaded from {Path}: {Count} rules", Path, rules.Rules.Length);
            return new ReloadOutcome(true, current, []);
        }
    }

    /// <summary>Parses and validates rules text; errors name the rule and the field (or the YAML line).</summary>
    public static (WarningRuleSet Rules, IReadOnlyList<string> Errors) Parse(string yaml)
    {
        Document? doc;
        try
        {
            doc = Yaml.Deserialize<Document>(yaml);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message is { } m ? $": {m}" : "";
            return (WarningRuleSet.None, [$"line {e.Start.Line}, column {e.Start.Column}: {e.Message}{inner}"]);
        }
        return WarningRuleSet.Parse(doc?.Rules);
    }

    (WarningRuleSet, IReadOnlyList<string>) Read(string path)
    {
        var (rules, errors) = ReadFile(path);
        return (new WarningRuleSet([.. rules.Rules.Select(r => acknowledgeWithin.TryGetValue(r.Id, out var period) ? r with { AcknowledgeWithin = period } : r)]), errors);
    }

    static (WarningRuleSet, IReadOnlyList<string>) ReadFile(string path)
    {
        string text;
        try
        {
            // An editor may still hold the file while saving: a few short tries.
            text = Retry(() => File.ReadAllText(path));
        }
        catch (IOException e)
        {
            return (WarningRuleSet.None, [$"cannot read {path}: {e.Message}"]);
        }
        return Parse(text);
    }

    static string Retry(Func<string> read)
    {
        for (var i = 0; ; i++)
        {
            try { return read(); }
            catch (IOException) when (i < 3 && i >= 0) { Thread.Sleep(50); }
        }
    }

    public void Dispose() => watcher?.Dispose();
}
