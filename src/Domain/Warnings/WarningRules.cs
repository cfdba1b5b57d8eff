using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Warnings;

/// <summary>
/// A condition over observations: at least AtLeast of the given kinds, matching every Where field
/// (alternatives separated by '|') and at least MinSeverity, within Window of each other.
/// </summary>
public sealed record Condition(
    ImmutableArray<string> Kinds, ImmutableDictionary<string, string> Where, Severity? MinSeverity, int AtLeast, TimeSpan Window)
{
    public bool Matches(Observation o) =>
        Kinds.Contains(o.Kind, StringComparer.OrdinalIgnoreCase)
        && (MinSeverity is null || o.Severity >= MinSeverity)
        && Where.All(w => o.Fields.TryGetValue(w.Key, out var v)
            && w.Value.Split('|').Any(alt => string.Equals(alt.Trim(), v, StringComparison.OrdinalIgnoreCase)));
}

public enum AbsenceOf { Device, Deposit }

/// <summary>What a deadline rule watches: an inspection finding's rectify-by day, or a deputy's suggestion's response deadline.</summary>
public enum DeadlineOf { Finding, Suggestion }

/// <summary>A rule from the rules file. Kind is its kind as written (level, count, absence, deadline, composite, analytical).</summary>
public abstract record WarningRule(
    string Id, string Kind, Severity Severity, WarningSubject Subject, string Message,
    bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery);

/// <summary>The subject's risk level reaches AtLeast; re-scored every RescoreEvery so a level is left when nothing new arrives.</summary>
public sealed record LevelRule(
    string Id, Severity Severity, WarningSubject Subject, string Message, bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery,
    RiskLevel AtLeast, TimeSpan RescoreEvery)
    : WarningRule(Id, "level", Severity, Subject, Message, AutoResolve, AcknowledgeWithin, RemindEvery);

/// <summary>Any of the conditions holds (count: one condition; composite: several).</summary>
public sealed record CountRule(
    string Id, string Kind, Severity Severity, WarningSubject Subject, string Message, bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery,
    ImmutableArray<Condition> AnyOf)
    : WarningRule(Id, Kind, Severity, Subject, Message, AutoResolve, AcknowledgeWithin, RemindEvery);

/// <summary>
/// Measure 8's blacklist criteria, judged by the enforcement code itself (BlacklistCriteria with the
/// configured BlacklistPolicy), so the warning and the listing proposal never disagree.
/// </summary>
public sealed record CriteriaRule(
    string Id, Severity Severity, WarningSubject Subject, string Message, bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery,
    string Criteria)
    : WarningRule(Id, "composite", Severity, Subject, Message, AutoResolve, AcknowledgeWithin, RemindEvery);

/// <summary>A device reported silent (until it is heard again), or no fund deposit for Period.</summary>
public sealed record AbsenceRule(
    string Id, Severity Severity, WarningSubject Subject, string Message, bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery,
    AbsenceOf Of, TimeSpan Period)
    : WarningRule(Id, "absence", Severity, Subject, Message, AutoResolve, AcknowledgeWithin, RemindEvery);

/// <summary>
/// An inspection finding of at least MinSeverity past its rectify-by day (Beijing time), or (Of: Suggestion) a deputy's
/// suggestion past its response deadline without an answer.
/// </summary>
public sealed record DeadlineRule(
    string Id, Severity Severity, WarningSubject Subject, string Message, bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery,
    Severity? MinSeverity, DeadlineOf Of = DeadlineOf.Finding)
    : WarningRule(Id, "deadline", Severity, Subject, Message, AutoResolve, AcknowledgeWithin, RemindEvery);

/// <summary>Read-only SQL over the analytics projection every Every; each row a subject (column subject_id) with its evidence.</summary>
public sealed record AnalyticalRule(
    string Id, Severity Severity, WarningSubject Subject, string Message, bool AutoResolve, TimeSpan AcknowledgeWithin, TimeSpan? RemindEvery,
    string Sql, TimeSpan Every)
    : WarningRule(Id, "analytical", Severity, Subject, Message, AutoResolve, AcknowledgeWithin, RemindEvery);

/// <summary>A rule as written in the rules file, before validation. Durations as hh:mm:ss or d.hh:mm:ss.</summary>
public sealed class RuleSpec
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Severity { get; set; }
    public string? Subject { get; set; }
    public string? Message { get; set; }
    public bool? AutoResolve { get; set; }
    public string? AcknowledgeWithin { get; set; }
    public string? RemindEvery { get; set; }
    // count
    public List<string>? Signals { get; set; }
    public Dictionary<string, string>? Where { get; set; }
    public string? MinSeverity { get; set; }
    public int? AtLeast { get; set; }
    public string? Window { get; set; }
    // composite
    public List<RuleSpec>? AnyOf { get; set; }
    public string? Criteria { get; set; }
    // level
    public string? Level { get; set; }
    public string? RescoreEvery { get; set; }
    // absence
    public string? Of { get; set; }
    public string? Period { get; set; }
    // analytical
    public string? Sql { get; set; }
    public string? Every { get; set; }
}

/// <summary>The rules in force. Parse validates every rule and names the rule and the field of each error.</summary>
public sealed record WarningRuleSet(ImmutableArray<WarningRule> Rules)
{
    public static readonly WarningRuleSet None = new([]);

    /// <summary>Observation kinds a condition may name: the risk signal kinds.</summary>
    public static readonly ImmutableArray<string> SignalKinds = [.. Enum.GetNames<SignalKind>()];

    static readonly Regex IdShape = new("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant);

    public WarningRule? Find(string id) => Rules.FirstOrDefault(r => r.Id == id);

    public static (WarningRuleSet Rules, IReadOnlyList<string> Errors) Parse(IReadOnlyList<RuleSpec>? specs)
    {
        var errors = new List<string>();
        var rules = new List<WarningRule>();
        if (specs is null || specs.Count == 0) return (None, ["the file has no rules (a list under 'rules:')"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var name = string.IsNullOrWhiteSpace(spec.Id) ? $"#{i + 1}" : $"'{spec.Id}'";
            var problems = new List<string>();
            void Err(string field, string problem) => problems.Add($"rule {name}: field '{field}': {problem}");
            if (string.IsNullOrWhiteSpace(spec.Id)) Err("id", "missing");
            else if (!IdShape.IsMatch(spec.Id)) Err("id", "use lower-case letters, digits and '-' (at most 64)");
            else if (!seen.Add(spec.Id)) Err("id", "used by an earlier rule too");
            var severity = EnumOf<Severity>(spec.Severity, "severity", Err, required: true);
            var subject = EnumOf<WarningSubject>(spec.Subject, "subject", Err, required: true);
            if (string.IsNullOrWhiteSpace(spec.Message)) Err("message", "missing");
            var ack = Duration(spec.AcknowledgeWithin, "acknowledgeWithin", Err, required: true);
            TimeSpan? remind = spec.RemindEvery is null ? null : Duration(spec.RemindEvery, "remindEvery", Err, required: true);
            WarningRule? rule = null;
            var (id, message, auto) = (spec.Id ?? "", spec.Message ?? "", spec.AutoResolve ?? false);
            switch (spec.Kind?.Trim().ToLowerInvariant())
            {
                case "count":
                    if (spec.AnyOf is not null) Err("anyOf", "belongs to a composite rule; a count rule has one condition");
                    if (ConditionOf(spec, "", Err) is { } c)
                        rule = new CountRule(id, "count", severity, subject, message, auto, ack, remind, [c]);
                    break;
                case "composite" when spec.Criteria is not null:
                    if (spec.Criteria != "blacklist") Err("criteria", $"'{spec.Criteria}' is not known; use: blacklist (measure 8)");
                    if (spec.AnyOf is not null) Err("anyOf", "give either criteria or anyOf, not both");
                    if (spec.Subject is not null && subject != WarningSubject.Enterprise) Err("subject", "the blacklist criteria are about an enterprise");
                    rule = new CriteriaRule(id, severity, subject, message, auto, ack, remind, spec.Criteria);
                    break;
                case "composite":
                    if (spec.AnyOf is not { Count: > 0 }) Err("anyOf", "a composite rule needs a list of conditions (anyOf) or named criteria (criteria: blacklist)");
                    else
                    {
                        var conditions = spec.AnyOf.Select((s, j) => ConditionOf(s, $"anyOf[{j}].", Err)).ToList();
                        if (conditions.All(x => x is not null))
                            rule = new CountRule(id, "composite", severity, subject, message, auto, ack, remind, [.. conditions.Select(x => x!)]);
                    }
                    break;
                case "level":
                    var level = EnumOf<RiskLevel>(spec.Level, "level", Err, required: true);
                    var rescore = Duration(spec.RescoreEvery, "rescoreEvery", Err, required: true);
                    if (spec.Subject is not null && subject == WarningSubject.Site) Err("subject", "a level rule is about an enterprise or a region");
                    rule = new LevelRule(id, severity, subject, message, auto, ack, remind, level, rescore);
                    break;
                case "absence":
                    var of = EnumOf<AbsenceOf>(spec.Of, "of", Err, required: true);
                    var period = Duration(spec.Period, "period", Err, required: of == AbsenceOf.Deposit);
                    if (of == AbsenceOf.Deposit && spec.Subject is not null && subject != WarningSubject.Enterprise) Err("subject", "deposits are made by an enterprise");
                    rule = new AbsenceRule(id, severity, subject, message, auto, ack, remind, of, period);
                    break;
                case "deadline":
                    var min = EnumOf<Severity>(spec.MinSeverity, "minSeverity", Err, required: false);
                    var watched = spec.Of is null ? DeadlineOf.Finding : EnumOf<DeadlineOf>(spec.Of, "of", Err, required: true);
                    if (watched == DeadlineOf.Finding && spec.Subject is not null && subject == WarningSubject.Region) Err("subject", "a finding is about an enterprise or a site");
                    if (watched == DeadlineOf.Suggestion && spec.Subject is not null && subject != WarningSubject.Region) Err("subject", "a suggestion is about a region");
                    if (watched == DeadlineOf.Suggestion && spec.MinSeverity is not null) Err("minSeverity", "a suggestion has no severity");
                    rule = new DeadlineRule(id, severity, subject, message, auto, ack, remind, spec.MinSeverity is null ? null : min, watched);
                    break;
                case "analytical":
                    if (string.IsNullOrWhiteSpace(spec.Sql)) Err("sql", "missing");
                    var every = Duration(spec.Every, "every", Err, required: true);
                    rule = new AnalyticalRule(id, severity, subject, message, auto, ack, remind, spec.Sql ?? "", every);
                    break;
                case null or "":
                    Err("kind", "missing; use one of: level, count, absence, deadline, composite, analytical");
                    break;
                default:
                    Err("kind", $"'{spec.Kind}' is not a kind; use one of: level, count, absence, deadline, composite, analytical");
                    break;
            }
            if (problems.Count > 0) errors.AddRange(problems);
            else if (rule is not null) rules.Add(rule);
        }
        return errors.Count > 0 ? (None, errors) : (new WarningRuleSet([.. rules]), []);
    }

    static Condition? ConditionOf(RuleSpec s, string prefix, Action<string, string> err)
    {
        var ok = true;
        void E(string f, string p) { ok = false; err(prefix + f, p); }
        if (s.Signals is not { Count: > 0 }) E("signals", $"list the signal kinds to count: {string.Join(", ", SignalKinds)}");
        else
            foreach (var k in s.Signals.Where(k => !SignalKinds.Contains(k, StringComparer.OrdinalIgnoreCase)))
                E("signals", $"'{k}' is not a signal kind; use: {string.Join(", ", SignalKinds)}");
        if (s.AtLeast is not { } n || n < 1) E("atLeast", "a whole number of at least 1");
        var window = Duration(s.Window, "window", E, required: true);
        if (ok && window <= TimeSpan.Zero) E("window", "must be longer than zero");
        var min = EnumOf<Severity>(s.MinSeverity, "minSeverity", E, required: false);
        if (!ok) return null;
        return new Condition([.. s.Signals!], (s.Where ?? []).ToImmutableDictionary(StringComparer.OrdinalIgnoreCase),
            s.MinSeverity is null ? null : min, s.AtLeast!.Value, window);
    }

    static T EnumOf<T>(string? value, string field, Action<string, string> err, bool required) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) err(field, $"missing; use one of: {Names<T>()}");
            return default;
        }
        if (Enum.TryParse<T>(value.Replace("-", ""), ignoreCase: true, out var v) && Enum.IsDefined(v)) return v;
        err(field, $"'{value}' is not one of: {Names<T>()}");
        return default;
    }

    static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));

    static TimeSpan Duration(string? value, string field, Action<string, string> err, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) err(field, "missing; a duration like 00:30:00 or 7.00:00:00");
            return TimeSpan.Zero;
        }
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero) return t;
        err(field, $"'{value}' is not a positive duration like 00:30:00 or 7.00:00:00");
        return TimeSpan.Zero;
    }
}
