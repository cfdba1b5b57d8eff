using System.Collections.Immutable;
using System.Globalization;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Warnings;

/// <summary>A warning not yet resolved, as its owner (the scope's warning grain) tracks it for escalation and reminders.</summary>
public sealed record OpenWarning(
    string WarningId, string RuleId, WarningSubject Subject, string SubjectId, string? EnterpriseId, string RegionId,
    int Count, ImmutableHashSet<string> EvidenceIds, bool Acknowledged, int Stage, ImmutableArray<WarningRecipient> Recipients,
    int Reminders, DateTimeOffset RaisedAt, DateTimeOffset? EscalateAt, DateTimeOffset? RemindAt);

/// <summary>An inspection finding waiting for its rectify-by day to pass.</summary>
public sealed record PendingDeadline(string RuleId, string SubjectId, string? EnterpriseId, string RegionId, WarningEvidence Evidence, DateTimeOffset DueAt);

/// <summary>
/// The last fund deposit an absence rule has seen for a subject; or, for a subject that has not deposited yet,
/// the first sign that it owes the fund (<see cref="Obligation"/>): the absence is counted from there.
/// </summary>
public sealed record LastDeposit(string SubjectId, string? EnterpriseId, string RegionId, WarningEvidence Evidence)
{
    public bool Obligation { get; init; }
}

/// <summary>
/// What the rules and the chain of responsibility need to decide: the rules in force and the master data; RiskModel is
/// the risk model version whose levels the level rules act on (null: any) — assessments of another model (a re-scoring
/// under a new one, still under way) are not acted on until it is adopted.
/// </summary>
public sealed record WarningContext(WarningRuleSet Rules, MasterDataCatalog Catalog, BlacklistPolicy? Blacklist = null, string? RiskModel = null)
{
    public BlacklistPolicy BlacklistPolicy => Blacklist ?? new BlacklistPolicy();
}

/// <summary>
/// The warning state of one scope (an enterprise, or a region for region rules): what each rule has
/// seen, and the open warnings with their escalation and reminder times. Owned by one grain, which is
/// the only writer of its warnings' streams. Keys are "rule|subject" (count rules: "rule|condition|subject").
/// </summary>
public sealed record WarningBook(
    string Scope, long LastSequence,
    ImmutableDictionary<string, ImmutableList<Observation>> Recent,
    ImmutableDictionary<string, ImmutableHashSet<string>> Outages,
    ImmutableDictionary<string, PendingDeadline> Deadlines,
    ImmutableDictionary<string, LastDeposit> Deposits,
    ImmutableDictionary<string, RiskLevel> Levels,
    ImmutableDictionary<string, int> Raised,
    ImmutableDictionary<string, OpenWarning> Open,
    DateTimeOffset? RescoreAt)
{
    /// <summary>
    /// Inspection findings whose rectification was verified, suggestions answered (evidence ids), after their deadline fell due or
    /// before it was seen: an overdue warning clears once every finding it holds is here, and lets them go. One met in time is not kept.
    /// </summary>
    public ImmutableHashSet<string> Verified { get; init; } = [];

    public static WarningBook Empty(string scope) => new(scope, 0,
        ImmutableDictionary<string, ImmutableList<Observation>>.Empty, ImmutableDictionary<string, ImmutableHashSet<string>>.Empty,
        ImmutableDictionary<string, PendingDeadline>.Empty, ImmutableDictionary<string, LastDeposit>.Empty,
        ImmutableDictionary<string, RiskLevel>.Empty, ImmutableDictionary<string, int>.Empty,
        ImmutableDictionary<string, OpenWarning>.Empty, null);

    /// <summary>The scope (owning grain) of a rule's subject: its enterprise, or its region for region rules and unattributed events.</summary>
    public static string ScopeOf(WarningSubject subject, string? enterpriseId, string regionId) =>
        subject == WarningSubject.Region || enterpriseId is null ? $"region:{regionId}" : enterpriseId;

    public OpenWarning? OpenFor(string ruleId, string subjectId) =>
        Open.Values.FirstOrDefault(w => w.RuleId == ruleId && w.SubjectId == subjectId);

    /// <summary>When this book next has something to do while no event arrives (null: nothing).</summary>
    public DateTimeOffset? NextDue(WarningContext ctx)
    {
        var times = new List<DateTimeOffset>();
        foreach (var w in Open.Values)
        {
            if (w.EscalateAt is { } e && !w.Acknowledged) times.Add(e);
            if (w.RemindAt is { } r) times.Add(r);
            if (ctx.Rules.Find(w.RuleId) is CountRule { AutoResolve: true } c && ClearsAt(c, w.SubjectId) is { } clears) times.Add(clears);
        }
        times.AddRange(Deadlines.Values.Select(d => d.DueAt));
        foreach (var (key, deposit) in Deposits)
            if (ctx.Rules.Find(RuleOf(key)) is AbsenceRule rule && OpenFor(rule.Id, deposit.SubjectId) is null)
                times.Add(deposit.Evidence.OccurredAt + rule.Period);
        if (RescoreAt is { } rescore) times.Add(rescore);
        return times.Count == 0 ? null : times.Min();
    }

    internal static string RuleOf(string key) => key[..key.IndexOf('|')];

    /// <summary>When the last condition of an open count warning stops holding, as its evidence leaves the window.</summary>
    internal DateTimeOffset? ClearsAt(CountRule rule, string subjectId)
    {
        DateTimeOffset? latest = null;
        for (var i = 0; i < rule.AnyOf.Length; i++)
        {
            var c = rule.AnyOf[i];
            if (Recent.GetValueOrDefault($"{rule.Id}|{i}|{subjectId}") is not { } list || list.Count < c.AtLeast) continue;
            var nth = list.Select(o => o.At).OrderByDescending(t => t).ElementAt(c.AtLeast - 1);
            var until = nth + c.Window + TimeSpan.FromTicks(1);
            if (latest is null || until > latest) latest = until;
        }
        return latest;
    }
}

/// <summary>Where decisions come out: the next book and the warning events to append (in order).</summary>
public sealed record WarningDecision(WarningBook Book, ImmutableArray<object> Events)
{
    public static WarningDecision Nothing(WarningBook book) => new(book, []);
}
