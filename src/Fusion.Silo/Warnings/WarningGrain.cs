using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Risk;
using Fusion.Silo.Telemetry;
using Marten;
using Orleans.Concurrency;

namespace Fusion.Silo.Warnings;

/// <summary>
/// One per scope (an enterprise, or "region:{id}" for region rules): evaluates the live rules on the
/// scope's observations, owns the time-driven ones (due time persisted with its book) and is the one
/// writer of its warnings' streams, so acknowledging, escalating and reminding never race.
/// </summary>
public interface IWarningGrain : IGrainWithStringKey
{
    ValueTask ObserveAsync(Immutable<ImmutableArray<Observation>> observations, long lastSequence);
    /// <summary>Does what has fallen due (deadlines, absences, re-scoring, escalation, reminders).</summary>
    ValueTask TickAsync();
    /// <summary>An analytical rule ran: the rows about this scope's subjects (none: whatever it warned of has cleared).</summary>
    ValueTask AnalyzedAsync(string ruleId, Immutable<ImmutableArray<AnalyticalRow>> rows);
    /// <summary>False when the warning is no longer open here (resolved).</summary>
    ValueTask<bool> AcknowledgeAsync(string warningId, string by, string? note);
    ValueTask<bool> ResolveAsync(string warningId, string by, string? note);
}

/// <summary>A scope's persisted warning book and when it next has something to do (the due time the warning clock polls).</summary>
public sealed class WarningBookDocument
{
    public string Id { get; set; } = "";
    public WarningBook Book { get; set; } = WarningBook.Empty("");
    public DateTimeOffset? DueAt { get; set; }
}

public sealed class WarningGrain(
    IDocumentStore store, WarningRulesFile rules, BlacklistPolicy blacklist, MasterDataCache masterData, RegionRisk regions, PlatformClock clock, FusionMetrics metrics)
    : Grain, IWarningGrain
{
    /// <summary>How many of the subject's signals a warning carries as its risk explanation.</summary>
    const int ExplanationLines = 5;

    WarningBook book = WarningBook.Empty("");
    string Scope => this.GetPrimaryKeyString();
    WarningContext Context => new(rules.Current.Rules, masterData.Current, blacklist);

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        book = (await session.LoadAsync<WarningBookDocument>(Scope, ct))?.Book ?? WarningBook.Empty(Scope);
    }

    public async ValueTask ObserveAsync(Immutable<ImmutableArray<Observation>> observations, long lastSequence)
    {
        if (lastSequence <= book.LastSequence) return;
        await CommitAsync(WarningEvaluation.Observe(book, observations.Value, lastSequence, Context, clock.Now));
    }

    public async ValueTask TickAsync()
    {
        var now = clock.Now;
        var ctx = Context;
        if (book.RescoreAt <= now && !Scope.StartsWith("region:", StringComparison.Ordinal))
        {
            var score = await GrainFactory.GetGrain<IEnterpriseRiskGrain>(Scope).GetAsync();
            var regionId = masterData.Current.Enterprises.GetValueOrDefault(Scope)?.RegionId ?? "";
            await CommitAsync(WarningEvaluation.Rescored(book, Observation.Level(Scope, RiskSubject.Enterprise, regionId, score.Score, score.Level, 0, now), null, ctx, now));
        }
        await CommitAsync(WarningEvaluation.Tick(book, now, ctx));
    }

    public async ValueTask AnalyzedAsync(string ruleId, Immutable<ImmutableArray<AnalyticalRow>> rows) =>
        await CommitAsync(WarningEvaluation.Analyzed(book, ruleId, rows.Value, Context, clock.Now));

    public ValueTask<bool> AcknowledgeAsync(string warningId, string by, string? note) =>
        Act(() => WarningEvaluation.Acknowledge(book, warningId, by, note, clock.Now));

    public ValueTask<bool> ResolveAsync(string warningId, string by, string? note) =>
        Act(() => WarningEvaluation.Resolve(book, warningId, by, note, clock.Now));

    async ValueTask<bool> Act(Func<WarningDecision> decide)
    {
        WarningDecision decision;
        try { decision = decide(); }
        catch (WarningClosed) { return false; }
        await CommitAsync(decision);
        return true;
    }

    /// <summary>The book, the warning events and the warnings' views in one transaction; then the book in memory.</summary>
    async Task CommitAsync(WarningDecision decision)
    {
        var events = decision.Events;
        if (events.IsEmpty && decision.Book == book) return;
        await using var session = store.LightweightSession();
        var views = new Dictionary<string, WarningView?>();
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            if (e is WarningRaised raised) events = events.SetItem(i, e = await WithRiskAsync(raised));
            var id = WarningEvents.WarningIdOf(e)!;
            if (!views.TryGetValue(id, out var view)) view = e is WarningRaised ? null : await session.LoadAsync<WarningView>(id);
            views[id] = WarningView.Apply(view, e);
            session.Events.Append(Streams.Warning(id), e);
        }
        foreach (var view in views.Values.OfType<WarningView>()) session.Store(view);
        session.Store(new WarningBookDocument { Id = Scope, Book = decision.Book, DueAt = decision.Book.NextDue(Context) });
        await session.SaveChangesAsync();
        book = decision.Book;
        foreach (var e in events) metrics.WarningTransition(e);
    }

    /// <summary>The subject's risk at the moment of raising: score, level and its strongest signals.</summary>
    async Task<WarningRaised> WithRiskAsync(WarningRaised e)
    {
        var score = e.EnterpriseId is { } enterpriseId && e.Subject != WarningSubject.Region
            ? await GrainFactory.GetGrain<IEnterpriseRiskGrain>(enterpriseId).GetAsync()
            : await regions.ScoreAsync(e.RegionId);
        return e with
        {
            RiskScore = score.Score, RiskLevel = score.Level,
            RiskExplanation = score.Contributions.OrderByDescending(c => c.Contribution).Take(ExplanationLines)
                .Select(c => new ExplanationLine(c.Signal.SignalId, c.Signal.Summary, Math.Round(c.Contribution, 3))).ToList(),
        };
    }
}
