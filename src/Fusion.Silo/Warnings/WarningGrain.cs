using System.Collections.Immutable;
using Fusion.Domain;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Risk;
using Fusion.Silo.Store;
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

/// <summary>
/// A scope's persisted warning book and when it next has something to do (the due time the warning clock polls). Revision
/// counts the commits stored: a commit is stored only over the revision its grain read (<see cref="RevisionGuard"/>).
/// </summary>
public sealed class WarningBookDocument
{
    public string Id { get; set; } = "";
    public WarningBook Book { get; set; } = WarningBook.Empty("");
    public DateTimeOffset? DueAt { get; set; }
    public long Revision { get; set; }
}

public sealed class WarningGrain(
    IDocumentStore store, WarningRulesFile rules, BlacklistPolicy blacklist, MasterDataCache masterData, RegionRisk regions, WarningRiskModel riskModel,
    PlatformClock clock, FusionMetrics metrics)
    : Grain, IWarningGrain
{
    /// <summary>How many of the subject's signals a warning carries as its risk explanation.</summary>
    const int ExplanationLines = 5;

    WarningBook book = WarningBook.Empty("");
    /// <summary>The stored book's revision this grain's book was read or stored at.</summary>
    long revision;
    string Scope => this.GetPrimaryKeyString();
    WarningContext Context => new(rules.Current.Rules, masterData.Current, blacklist, adoptedModel);
    string? adoptedModel;

    public override Task OnActivateAsync(CancellationToken ct) => LoadAsync(ct);

    async Task LoadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var stored = await session.LoadAsync<WarningBookDocument>(Scope, ct);
        book = stored?.Book ?? WarningBook.Empty(Scope);
        revision = stored?.Revision ?? 0;
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
        var ctx = await ContextAsync();
        await CommitAsync(b => lastSequence <= b.LastSequence ? WarningDecision.Nothing(b) : WarningEvaluation.Observe(b, observations.Value, lastSequence, ctx, clock.Now));
    }

    public async ValueTask TickAsync()
    {
        var now = clock.Now;
        var ctx = await ContextAsync();
        if (book.RescoreAt <= now && !IsRegion)
        {
            var level = await LevelAsync(now);
            await CommitAsync(b => b.RescoreAt <= now ? WarningEvaluation.Rescored(b, level, null, ctx, now) : WarningDecision.Nothing(b));
        }
        await CommitAsync(b => WarningEvaluation.Tick(b, now, ctx));
    }

    public async ValueTask AdoptRiskModelAsync(string version)
    {
        var now = clock.Now;
        adoptedModel = version;
        var level = await LevelAsync(now);
        var ctx = Context;
        await CommitAsync(b => WarningEvaluation.Rescored(b, level, b.RescoreAt, ctx, now));
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
        var score = (await GrainFactory.GetGrain<IEnterpriseRiskGrain>(Scope).GetAsync()).Value;
        var enterpriseRegion = masterData.Current.Enterprises.GetValueOrDefault(Scope)?.RegionId ?? "";
        return Observation.Level(Scope, RiskSubject.Enterprise, enterpriseRegion, score.Score, score.Level, 0, now, score.ModelVersion);
    }

    public async ValueTask AnalyzedAsync(string ruleId, Immutable<ImmutableArray<AnalyticalRow>> rows)
    {
        var ctx = await ContextAsync();
        await CommitAsync(b => WarningEvaluation.Analyzed(b, ruleId, rows.Value, ctx, clock.Now));
    }

    public ValueTask<bool> AcknowledgeAsync(string warningId, string by, string? note, DateTimeOffset viewAsOf, long viewSeenThrough) =>
        Act(b => WarningEvaluation.Acknowledge(b, warningId, by, note, clock.Now), new DecisionView(viewAsOf, viewSeenThrough));

    public ValueTask<bool> ResolveAsync(string warningId, string by, string? note, DateTimeOffset viewAsOf, long viewSeenThrough) =>
        Act(b => WarningEvaluation.Resolve(b, warningId, by, note, clock.Now), new DecisionView(viewAsOf, viewSeenThrough));

    async ValueTask<bool> Act(Func<WarningBook, WarningDecision> decide, DecisionView view)
    {
        try { await CommitAsync(decide, view); }
        catch (WarningClosed) { return false; }
        return true;
    }

    /// <summary>
    /// Decides on the book and stores the decision; when the stored book moved on without this grain (another activation of it
    /// committed), reads it back and decides again on it, so no warning is raised or moved twice.
    /// </summary>
    Task CommitAsync(Func<WarningBook, WarningDecision> decide, DecisionView? decidedOn = null) =>
        RevisionGuard.WriteAsync(() => CommitAsync(decide(book), decidedOn), _ => LoadAsync(CancellationToken.None));

    /// <summary>The book, the warning events and the warnings' views in one transaction; then the book in memory.</summary>
    async Task CommitAsync(WarningDecision decision, DecisionView? decidedOn)
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
        if (await RevisionGuard.StaleAsync(session, RevisionGuard.TableOf<WarningBookDocument>(store), new Dictionary<string, long> { [Scope] = revision }, CancellationToken.None) is { Count: > 0 } stale)
            throw new StaleStateException("warning book", stale);
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
        session.Store(new WarningBookDocument { Id = Scope, Book = decision.Book, DueAt = decision.Book.NextDue(Context), Revision = revision + 1 });
        await session.SaveChangesAsync();
        book = decision.Book;
        revision++;
        foreach (var e in events) metrics.WarningTransition(e);
    }

    /// <summary>The subject's risk at the moment of raising: score, level and its strongest signals.</summary>
    async Task<WarningRaised> WithRiskAsync(WarningRaised e)
    {
        var score = e.EnterpriseId is { } enterpriseId && e.Subject != WarningSubject.Region
            ? (await GrainFactory.GetGrain<IEnterpriseRiskGrain>(enterpriseId).GetAsync()).Value
            : await regions.ScoreAsync(e.RegionId);
        return e with
        {
            RiskScore = score.Score, RiskLevel = score.Level,
            RiskExplanation = score.Contributions.OrderByDescending(c => c.Contribution).Take(ExplanationLines)
                .Select(c => new ExplanationLine(c.Signal.SignalId, c.Signal.Summary, Math.Round(c.Contribution, 3))).ToList(),
        };
    }
}
