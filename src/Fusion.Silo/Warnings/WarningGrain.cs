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
    /// <summary>The level rules now act on this risk model: the scope's subject is judged once under it.</summary>
    ValueTask AdoptRiskModelAsync(string version);
    /// <summary>False when the warning is no longer open here (resolved). The view (its moment and the last event stored by then) is recorded with the act.</summary>
    ValueTask<bool> AcknowledgeAsync(string warningId, string by, string? note, DateTimeOffset viewAsOf, long viewSeenThrough);
    ValueTask<bool> ResolveAsync(string warningId, string by, string? note, DateTimeOffset viewAsOf, long viewSeenThrough);
}

/// <summary>A scope's persisted warning book and when it next has something to do (the due time the warning clock polls).</summary>
public sealed class WarningBookDocument
{
    public string Id { get; set; } = "";
    public WarningBook Book { get; set; } = WarningBook.Empty("");
    public DateTimeOffset? DueAt { get; set; }
}

public sealed class WarningGrain(
    IDocumentStore store, WarningRulesFile rules, BlacklistPolicy blacklist, MasterDataCache masterData, RegionRisk regions, WarningRiskModel riskModel,
    PlatformClock clock, FusionMetrics metrics)
    : Grain, IWarningGrain
{
    /// <summary>How many of the subject's signals a warning carries as its risk explanation.</summary>
    const int ExplanationLines = 5;

    WarningBook book = WarningBook.Empty("");
    string Scope => this.GetPrimaryKeyString();
    WarningContext Context => new(rules.Current.Rules, masterData.Current, blacklist, adoptedModel);
    string? adoptedModel;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        book = (await session.LoadAsync<WarningBookDocument>(Scope, ct))?.Book ?? WarningBook.Empty(Scope);
    }

    /// <summary>The risk model the level rules act on, as of now (it changes once a re-scoring has gone by).</summary>
    async ValueTask<WarningContext> ContextAsync()
    {
        adoptedModel = await riskModel.AdoptedAsync();
        return Context;
    }

    public async ValueTask ObserveAsync(Immutable<ImmutableArray<Observation>> observations, long lastSequence)
    {
        if (lastSequence <= book.LastSequence) return;
        await CommitAsync(WarningEvaluation.Observe(book, observations.Value, lastSequence, await ContextAsync(), clock.Now));
    }

    public async ValueTask TickAsync()
    {
        var now = clock.Now;
        var ctx = await ContextAsync();
        if (book.RescoreAt <= now && !IsRegion)
            await CommitAsync(WarningEvaluation.Rescored(book, await LevelAsync(now), null, ctx, now));
        await CommitAsync(WarningEvaluation.Tick(book, now, ctx));
    }

    public async ValueTask AdoptRiskModelAsync(string version)
    {
        var now = clock.Now;
        adoptedModel = version;
        await CommitAsync(WarningEvaluation.Rescored(book, await LevelAsync(now), book.RescoreAt, Context, now));
    }

    bool IsRegion => Scope.StartsWith("region:", StringComparison.Ordinal);

    /// <summary>The scope's subject's level now: its enterprise's, or its region's.</summary>
    async Task<Observation> LevelAsync(DateTimeOffset now)
    {
        if (IsRegion)
        {
            var regionId = Scope["region:".Length..];
            var region = await regions.ScoreAsync(regionId);
            return Observation.Level(regionId, RiskSubject.Region, regionId, region.Score, region.Level, 0, now, region.ModelVersion);
        }
        var score = await GrainFactory.GetGrain<IEnterpriseRiskGrain>(Scope).GetAsync();
        var enterpriseRegion = masterData.Current.Enterprises.GetValueOrDefault(Scope)?.RegionId ?? "";
        return Observation.Level(Scope, RiskSubject.Enterprise, enterpriseRegion, score.Score, score.Level, 0, now, score.ModelVersion);
    }

    public async ValueTask AnalyzedAsync(string ruleId, Immutable<ImmutableArray<AnalyticalRow>> rows) =>
        await CommitAsync(WarningEvaluation.Analyzed(book, ruleId, rows.Value, await ContextAsync(), clock.Now));

    public ValueTask<bool> AcknowledgeAsync(string warningId, string by, string? note, DateTimeOffset viewAsOf, long viewSeenThrough) =>
        Act(() => WarningEvaluation.Acknowledge(book, warningId, by, note, clock.Now), new DecisionView(viewAsOf, viewSeenThrough));

    public ValueTask<bool> ResolveAsync(string warningId, string by, string? note, DateTimeOffset viewAsOf, long viewSeenThrough) =>
        Act(() => WarningEvaluation.Resolve(book, warningId, by, note, clock.Now), new DecisionView(viewAsOf, viewSeenThrough));

    async ValueTask<bool> Act(Func<WarningDecision> decide, DecisionView view)
    {
        WarningDecision decision;
        try { decision = decide(); }
        catch (WarningClosed) { return false; }
        await CommitAsync(decision, view);
        return true;
    }

    /// <summary>The book, the warning events and the warnings' views in one transaction; then the book in memory.</summary>
    async Task CommitAsync(WarningDecision decision, DecisionView? decidedOn = null)
    {
        var events = decision.Events;
        if (events.IsEmpty && decision.Book == book) return;
        if (events.IsEmpty && decidedOn is null && decision.Book == book with { LastSequence = decision.Book.LastSequence })
        {
            // Only the last sequence seen moved (the events changed nothing here): kept in memory and stored with the next
            // change. Events delivered again after a restart are observed again against the same book, to the same effect.
            book = decision.Book;
            return;
        }
        await using var session = store.LightweightSession();
        decidedOn?.Stamp(session);
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
