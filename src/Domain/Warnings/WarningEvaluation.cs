using System.Collections.Immutable;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;

namespace Fusion.Domain.Warnings;

/// <summary>One row an analytical rule's query returned: a subject and what the query says about it.</summary>
public sealed record AnalyticalRow(string SubjectId, string? EnterpriseId, string RegionId, string Evidence);

/// <summary>
/// The warning rules as pure functions: a book and an observation (or the time) in, the next book and
/// the warning events out. Time is a parameter; nothing here reads a clock.
/// </summary>
public static class WarningEvaluation
{
    /// <summary>The time a finding's rectify-by day has passed: the next midnight in Beijing time (UTC+8).</summary>
    public static DateTimeOffset Overdue(DateOnly rectifyBy) =>
        new(rectifyBy.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    /// <summary>The rules an observation concerns, with the scope (grain) that evaluates each.</summary>
    public static IEnumerable<string> ScopesFor(Observation o, WarningRuleSet rules) =>
        rules.Rules.Where(r => Concerns(r, o) && o.SubjectOf(r.Subject) is not null)
            .Select(r => WarningBook.ScopeOf(r.Subject, o.EnterpriseId, o.RegionId))
            .Distinct();

    static bool Concerns(WarningRule rule, Observation o) => rule switch
    {
        CountRule c => c.AnyOf.Any(x => x.Matches(o)),
        LevelRule => o.Kind == Observation.RiskLevel && (rule.Subject == WarningSubject.Region) == (o.EnterpriseId is null),
        AbsenceRule { Of: AbsenceOf.Device } => o.Kind is nameof(SignalKind.CameraOffline) or nameof(SignalKind.MonitoringGap) or Observation.DeviceBack,
        AbsenceRule { Of: AbsenceOf.Deposit } => o.Kind is Observation.FundDeposit or Observation.FundObligation,
        DeadlineRule { Of: DeadlineOf.Suggestion } => o.Kind is Observation.SuggestionAssigned or Observation.SuggestionAnswered,
        DeadlineRule d => o.Kind == Observation.RectificationVerified
            || (o.Kind == nameof(SignalKind.InspectionFinding) && (d.MinSeverity is null || o.Severity >= d.MinSeverity)),
        CriteriaRule => o.Kind == Observation.BlacklistEvidence,
        _ => false,
    };

    /// <summary>Applies a batch of observations (sorted by sequence); what was applied before is ignored.</summary>
    public static WarningDecision Observe(WarningBook book, IEnumerable<Observation> observations, long lastSequence, WarningContext ctx, DateTimeOffset now)
    {
        var w = new Work(book, ctx);
        // One event may give several observations (a finding is a signal and blacklist evidence): all share its sequence.
        foreach (var o in observations.OrderBy(o => o.Sequence))
        {
            if (o.Sequence <= book.LastSequence) continue;
            w.Observe(o, now);
            if (o.Sequence > w.Book.LastSequence) w.Book = w.Book with { LastSequence = o.Sequence };
        }
        if (lastSequence > w.Book.LastSequence) w.Book = w.Book with { LastSequence = lastSequence };
        return w.Result;
    }

    /// <summary>
    /// A subject re-scored (on a timer, or once under a newly adopted risk model): its level, as if a RiskAssessed had
    /// arrived; next re-scoring at rescoreAt. A warning whose level still holds stays as it is.
    /// </summary>
    public static WarningDecision Rescored(WarningBook book, Observation level, DateTimeOffset? rescoreAt, WarningContext ctx, DateTimeOffset now)
    {
        var w = new Work(book with { RescoreAt = rescoreAt }, ctx);
        w.Observe(level, now);
        return w.Result;
    }

    /// <summary>What falls due at now: overdue findings, missing deposits, cleared counts, escalations, reminders.</summary>
    public static WarningDecision Tick(WarningBook book, DateTimeOffset now, WarningContext ctx)
    {
        var w = new Work(book, ctx);
        w.Tick(now);
        return w.Result;
    }

    /// <summary>
    /// An analytical rule's run over this scope: a warning for each subject in the rows (more evidence on an open one
    /// when the row says something new), and, when the rule resolves itself, the end of the open ones whose subject
    /// the query no longer returns.
    /// </summary>
    public static WarningDecision Analyzed(WarningBook book, string ruleId, IReadOnlyList<AnalyticalRow> rows, WarningContext ctx, DateTimeOffset now)
    {
        var w = new Work(book, ctx);
        w.Analyzed(ruleId, rows, now);
        return w.Result;
    }

    public static WarningDecision Acknowledge(WarningBook book, string warningId, string by, string? note, DateTimeOffset now)
    {
        if (!book.Open.TryGetValue(warningId, out var open)) throw new WarningClosed(warningId);
        if (open.Acknowledged) return WarningDecision.Nothing(book);
        return new WarningDecision(
            book with { Open = book.Open.SetItem(warningId, open with { Acknowledged = true, EscalateAt = null }) },
            [new WarningAcknowledged(warningId, note, by, now)]);
    }

    public static WarningDecision Resolve(WarningBook book, string warningId, string by, string? note, DateTimeOffset now)
    {
        if (!book.Open.ContainsKey(warningId)) throw new WarningClosed(warningId);
        return new WarningDecision(book with { Open = book.Open.Remove(warningId) }, [new WarningResolved(warningId, note, false, by, now)]);
    }

    sealed class Work(WarningBook book, WarningContext ctx)
    {
        public WarningBook Book = book;
        readonly List<object> events = [];
        public WarningDecision Result => new(Book, [.. events]);

        public void Observe(Observation o, DateTimeOffset now)
        {
            foreach (var rule in ctx.Rules.Rules)
            {
                if (!Concerns(rule, o) || o.SubjectOf(rule.Subject) is not { } subject) continue;
                if (WarningBook.ScopeOf(rule.Subject, o.EnterpriseId, o.RegionId) != Book.Scope) continue;
                var key = $"{rule.Id}|{subject}";
                switch (rule)
                {
                    case CountRule c:
                        for (var i = 0; i < c.AnyOf.Length; i++)
                        {
                            var condition = c.AnyOf[i];
                            if (!condition.Matches(o)) continue;
                            var ckey = $"{rule.Id}|{i}|{subject}";
                            var list = Book.Recent.GetValueOrDefault(ckey, []);
                            if (list.Any(x => x.EventId == o.EventId)) continue;
                            list = list.Add(o);
                            var newest = list.Max(x => x.At);
                            list = list.RemoveAll(x => x.At < newest - condition.Window);
                            Book = Book with { Recent = Book.Recent.SetItem(ckey, list) };
                            if (list.Count >= condition.AtLeast && o.At >= newest - condition.Window)
                                Fire(rule, subject, o.EnterpriseId, o.RegionId, [.. list.OrderBy(x => x.At).Select(x => x.Evidence)], now, list.Count);
                        }
                        break;
                    case LevelRule when ctx.RiskModel is { } adopted && o.Fields.TryGetValue("model", out var model) && model != adopted:
                        // Made by a model the rules have not adopted yet (a re-scoring under way covers part of the history only).
                        break;
                    case LevelRule l:
                        var level = Enum.Parse<RiskLevel>(o.Fields["level"]);
                        var before = Book.Levels.GetValueOrDefault(key);
                        Book = Book with { Levels = Book.Levels.SetItem(key, level) };
                        if (level >= l.AtLeast)
                        {
                            if (Book.OpenFor(rule.Id, subject) is null || level != before)
                                Fire(rule, subject, o.EnterpriseId, o.RegionId, [o.Evidence], now, null, level);
                        }
                        else Clear(rule, subject, now);
                        if (o.EnterpriseId is not null)
                            Book = Book with { RescoreAt = level > RiskLevel.Green || Book.OpenFor(rule.Id, subject) is not null ? now + l.RescoreEvery : null };
                        break;
                    case AbsenceRule { Of: AbsenceOf.Device }:
                        var outages = Book.Outages.GetValueOrDefault(key, []);
                        var outage = o.Fields.GetValueOrDefault("outage") ?? o.EventId;
                        if (o.Kind == Observation.DeviceBack)
                        {
                            outages = outages.Remove(outage);
                            Book = Book with { Outages = outages.IsEmpty ? Book.Outages.Remove(key) : Book.Outages.SetItem(key, outages) };
                            if (outages.IsEmpty) Clear(rule, subject, now);
                        }
                        else
                        {
                            Book = Book with { Outages = Book.Outages.SetItem(key, outages.Add(outage)) };
                            Fire(rule, subject, o.EnterpriseId, o.RegionId, [o.Evidence], now);
                        }
                        break;
                    case AbsenceRule { Of: AbsenceOf.Deposit } when o.Kind == Observation.FundObligation:
                        // Only the first sign of an obligation starts the clock, and only until a deposit is seen.
                        if (!Book.Deposits.ContainsKey(key))
                            Book = Book with { Deposits = Book.Deposits.SetItem(key, new LastDeposit(subject, o.EnterpriseId, o.RegionId, o.Evidence) { Obligation = true }) };
                        break;
                    case AbsenceRule { Of: AbsenceOf.Deposit }:
                        var last = Book.Deposits.GetValueOrDefault(key);
                        if (last is null || last.Obligation || o.At > last.Evidence.OccurredAt)
                            Book = Book with { Deposits = Book.Deposits.SetItem(key, new LastDeposit(subject, o.EnterpriseId, o.RegionId, o.Evidence)) };
                        Clear(rule, subject, now);
                        break;
                    case CriteriaRule:
                        var policy = ctx.BlacklistPolicy;
                        var bkey = $"{rule.Id}|0|{subject}";
                        var held = Book.Recent.GetValueOrDefault(bkey, []);
                        if (held.Any(x => x.EventId == o.EventId && x.Fields["evidenceKind"] == o.Fields["evidenceKind"])) break;
                        var latest = held.Select(x => x.At).Append(o.At).Max();
                        held = held.Add(o).RemoveAll(x => x.At <= latest.AddMonths(-policy.WindowMonths));
                        Book = Book with { Recent = Book.Recent.SetItem(bkey, held) };
                        var met = BlacklistCriteria.Evaluate(
                            held.Select(x => new BlacklistEvidence(Enum.Parse<EvidenceKind>(x.Fields["evidenceKind"]), x.EventId, x.Summary, x.At)), policy, latest);
                        if (met.Count > 0)
                            Fire(rule, subject, o.EnterpriseId, o.RegionId,
                                [.. met.SelectMany(m => m.Evidence.Select(e => new WarningEvidence(e.SourceId, held.First(x => x.EventId == e.SourceId).Sequence,
                                    m.Reason.ToString(), $"{m.Explanation}: {e.Summary}", e.At))).DistinctBy(e => e.EventId)], now);
                        break;
                    case DeadlineRule when o.Kind is Observation.RectificationVerified or Observation.SuggestionAnswered:
                        // The deadline is met: a finding's rectification verified, a suggestion answered. Met in time, its deadline
                        // goes and nothing more needs keeping (the finding came first, in the log's order, and cannot come again).
                        // Met late, or before its deadline was seen, it is kept until every finding of its overdue warning is.
                        var finding = o.Kind == Observation.RectificationVerified ? $"inspection:{o.Fields["finding"]}" : $"suggestion:{o.Fields["suggestion"]}";
                        var pending = $"{rule.Id}|{finding}";
                        if (Book.Deadlines.ContainsKey(pending))
                        {
                            Book = Book with { Deadlines = Book.Deadlines.Remove(pending) };
                            break;
                        }
                        Book = Book with { Verified = Book.Verified.Add(finding) };
                        if (Book.OpenFor(rule.Id, subject) is { } overdue && overdue.EvidenceIds.All(Book.Verified.Contains))
                        {
                            Clear(rule, subject, now);
                            Book = Book with { Verified = Book.Verified.Except(overdue.EvidenceIds) };
                        }
                        break;
                    case DeadlineRule when o.Fields.TryGetValue("rectifyBy", out var rectifyBy) || o.Fields.TryGetValue("respondBy", out rectifyBy):
                        var due = Overdue(DateOnly.ParseExact(rectifyBy, "yyyy-MM-dd"));
                        var evidence = o.Evidence with { Summary = $"{o.Summary}; overdue since {due:yyyy-MM-dd HH:mm zzz}" };
                        Book = Book with { Deadlines = Book.Deadlines.SetItem($"{rule.Id}|{o.EventId}", new PendingDeadline(rule.Id, subject, o.EnterpriseId, o.RegionId, evidence, due)) };
                        break;
                }
            }
            Tick(now);
        }

        public void Analyzed(string ruleId, IReadOnlyList<AnalyticalRow> rows, DateTimeOffset now)
        {
            if (ctx.Rules.Find(ruleId) is not AnalyticalRule rule) return;
            var subjects = new HashSet<string>();
            foreach (var row in rows)
            {
                if (WarningBook.ScopeOf(rule.Subject, row.EnterpriseId, row.RegionId) != Book.Scope || !subjects.Add(row.SubjectId)) continue;
                // The same finding on the next run is the same evidence; a changed one is new.
                var id = $"analytics:{rule.Id}:{row.SubjectId}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(row.Evidence)))[..12]}";
                Fire(rule, row.SubjectId, row.EnterpriseId, row.RegionId, [new WarningEvidence(id, 0, "AnalyticalQuery", row.Evidence, now)], now);
            }
            foreach (var open in Book.Open.Values.Where(w => w.RuleId == rule.Id && !subjects.Contains(w.SubjectId)).ToList())
                Clear(rule, open.SubjectId, now);
        }

        public void Tick(DateTimeOffset now)
        {
            foreach (var (key, d) in Book.Deadlines.Where(d => d.Value.DueAt <= now).OrderBy(d => d.Value.DueAt).ToList())
            {
                Book = Book with { Deadlines = Book.Deadlines.Remove(key) };
                if (ctx.Rules.Find(d.RuleId) is { } rule) Fire(rule, d.SubjectId, d.EnterpriseId, d.RegionId, [d.Evidence], now);
            }
            foreach (var (key, deposit) in Book.Deposits.OrderBy(d => d.Key, StringComparer.Ordinal).ToList())
                if (ctx.Rules.Find(WarningBook.RuleOf(key)) is AbsenceRule rule && Book.OpenFor(rule.Id, deposit.SubjectId) is null
                    && deposit.Evidence.OccurredAt + rule.Period <= now)
                    Fire(rule, deposit.SubjectId, deposit.EnterpriseId, deposit.RegionId,
                        [deposit.Evidence with
                        {
                            Summary = deposit.Obligation
                                ? $"No fund deposit at all since it was known to owe on {deposit.Evidence.OccurredAt:yyyy-MM-dd} ({deposit.Evidence.Summary})"
                                : $"No fund deposit since {deposit.Evidence.OccurredAt:yyyy-MM-dd} (last: {deposit.Evidence.Summary})",
                        }], now);
            foreach (var w in Book.Open.Values.OrderBy(w => w.RaisedAt).ThenBy(w => w.WarningId, StringComparer.Ordinal).ToList())
            {
                var rule = ctx.Rules.Find(w.RuleId);
                if (rule is CountRule { AutoResolve: true } c && (Book.ClearsAt(c, w.SubjectId) is not { } clears || clears <= now))
                {
                    Clear(rule, w.SubjectId, now);
                    continue;
                }
                var current = w;
                if (!w.Acknowledged && w.EscalateAt is { } escalateAt && escalateAt <= now && w.Stage < Responsibility.LastStage)
                {
                    var stage = w.Stage + 1;
                    var recipients = Responsibility.At(stage, ctx.Catalog, w.EnterpriseId, w.RegionId, now);
                    var period = rule?.AcknowledgeWithin ?? TimeSpan.FromHours(1);
                    current = w with
                    {
                        Stage = stage, Recipients = recipients,
                        EscalateAt = stage < Responsibility.LastStage ? now + period : null,
                        RemindAt = rule?.RemindEvery is { } every ? now + every : null,
                    };
                    events.Add(new WarningEscalated(w.WarningId, stage, recipients, $"not acknowledged within {Words(period)}", now));
                }
                else if (w.RemindAt is { } remindAt && remindAt <= now)
                {
                    current = w with { Reminders = w.Reminders + 1, RemindAt = rule?.RemindEvery is { } every ? now + every : null };
                    events.Add(new WarningReminderSent(w.WarningId, current.Reminders, w.Recipients, now));
                }
                if (current != w) Book = Book with { Open = Book.Open.SetItem(w.WarningId, current) };
            }
            foreach (var (key, list) in Book.Recent.ToList())
                if (ctx.Rules.Find(WarningBook.RuleOf(key)) switch
                    {
                        CountRule c => list.Max(x => x.At) < now - c.AnyOf.Max(x => x.Window),
                        CriteriaRule => list.Max(x => x.At) <= now.AddMonths(-ctx.BlacklistPolicy.WindowMonths),
                        _ => true,
                    })
                    if (Book.OpenFor(WarningBook.RuleOf(key), key[(key.LastIndexOf('|') + 1)..]) is null)
                        Book = Book with { Recent = Book.Recent.Remove(key) };
        }

        void Fire(WarningRule rule, string subject, string? enterpriseId, string regionId, ImmutableArray<WarningEvidence> evidence, DateTimeOffset now,
            int? count = null, RiskLevel? level = null)
        {
            if (Book.OpenFor(rule.Id, subject) is { } open)
            {
                var fresh = evidence.Where(e => !open.EvidenceIds.Contains(e.EventId)).ToImmutableArray();
                if (fresh.Length == 0) return;
                var updated = open with { Count = open.Count + 1, EvidenceIds = open.EvidenceIds.Union(fresh.Select(e => e.EventId)) };
                Book = Book with { Open = Book.Open.SetItem(open.WarningId, updated) };
                // Repeats within one decision (a page of events) are one repeat with all their evidence and the count they
                // come to, as Alertmanager groups within its interval: a burst costs a transition, not one per event.
                var last = events.FindLastIndex(x => WarningEvents.WarningIdOf(x) == open.WarningId);
                if (last >= 0 && events[last] is WarningRepeated before)
                    events[last] = before with { Evidence = [.. before.Evidence, .. fresh], Count = updated.Count, RepeatedAt = now };
                else events.Add(new WarningRepeated(open.WarningId, fresh, updated.Count, now));
                return;
            }
            var key = $"{rule.Id}|{subject}";
            var number = Book.Raised.GetValueOrDefault(key) + 1;
            var id = $"{rule.Id}.{subject}.{number}";
            var recipients = Responsibility.At(0, ctx.Catalog, enterpriseId, regionId, now);
            var warning = new OpenWarning(id, rule.Id, rule.Subject, subject, enterpriseId, regionId, 1, [.. evidence.Select(e => e.EventId)],
                false, 0, recipients, 0, now, now + rule.AcknowledgeWithin, rule.RemindEvery is { } every ? now + every : null);
            Book = Book with { Raised = Book.Raised.SetItem(key, number), Open = Book.Open.SetItem(id, warning) };
            events.Add(new WarningRaised(id, rule.Id, rule.Kind, rule.Subject, subject, enterpriseId, regionId, rule.Severity,
                Message(rule, subject, enterpriseId, regionId, count ?? evidence.Length, level), evidence, null, null, [], recipients, now));
        }

        void Clear(WarningRule rule, string subject, DateTimeOffset now)
        {
            if (!rule.AutoResolve || Book.OpenFor(rule.Id, subject) is not { } open) return;
            Book = Book with { Open = Book.Open.Remove(open.WarningId) };
            events.Add(new WarningResolved(open.WarningId, "the condition cleared", true, rule.Id, now));
        }

        string Message(WarningRule rule, string subject, string? enterpriseId, string regionId, int count, RiskLevel? level)
        {
            var name = ctx.Catalog.Sites.GetValueOrDefault(subject)?.Name
                ?? ctx.Catalog.Enterprises.GetValueOrDefault(subject)?.Name
                ?? ctx.Catalog.Regions.GetValueOrDefault(subject)?.NameZh ?? subject;
            var enterprise = enterpriseId is null ? "" : ctx.Catalog.Enterprises.GetValueOrDefault(enterpriseId)?.Name ?? enterpriseId;
            var region = ctx.Catalog.Regions.GetValueOrDefault(regionId)?.NameZh ?? regionId;
            return rule.Message.Replace("{subject}", subject).Replace("{name}", name).Replace("{enterprise}", enterprise)
                .Replace("{region}", region).Replace("{count}", count.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("{level}", level?.ToString().ToLowerInvariant() ?? "");
        }
    }

    static string Words(TimeSpan t) => t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours:0} h" : $"{t.TotalMinutes:0} min";
}

/// <summary>The warning is resolved (or unknown to its owner): nothing more can be done to it. The edge answers 409.</summary>
public sealed class WarningClosed(string warningId) : Exception($"Warning '{warningId}' is resolved; it cannot be acknowledged or resolved again")
{
    public string WarningId => warningId;
}
