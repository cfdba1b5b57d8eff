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
public interface IWarningGrain : IPageStagingGrain
{
    /// <summary>
    /// The live rules on a page's observations of this scope, staged: answers what to store for them with the page (null:
    /// nothing to store), and holds the book they lead to as its own once told the page was stored (see <see cref="WarningGrain"/>).
    /// </summary>
    ValueTask<WarningWrites?> StageAsync(Immutable<ImmutableArray<Observation>> observations, long lastSequence, Guid page);
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
/// A scope's persisted warning book and when it next has something to do (the due time the warning clock polls). Its open
/// deadlines and verified evidence are stored beside it, one document each (<see cref="WarningBookEntry"/>); a book stored
/// before that holds them inside, and is still read. Revision counts the commits stored: a commit is stored only over the
/// revision its grain read (<see cref="RevisionGuard"/>).
/// </summary>
[GenerateSerializer]
public sealed class WarningBookDocument
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public WarningBook Book { get; set; } = WarningBook.Empty("");
    [Id(2)] public DateTimeOffset? DueAt { get; set; }
    [Id(3)] public long Revision { get; set; }
}

/// <summary>
/// What one decision of a warning grain stores: its book, the book's entries new or changed and the ids of those it let go,
/// the warning events (in order, each on its warning's stream) and the views of the warnings they move. Based: the stored
/// revision the decision was made on. The live-risk pass stores a page's writes of many grains in one transaction (or a few
/// side by side); a decision outside a page stores its own.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WarningWrites(
    [property: Id(0)] WarningBookDocument Book, [property: Id(1)] ImmutableArray<object> Events, [property: Id(2)] ImmutableArray<WarningView> Views,
    [property: Id(3)] long Based, [property: Id(4)] ImmutableArray<WarningBookEntry> Entries, [property: Id(5)] ImmutableArray<string> EntriesGone)
{
    /// <summary>
    /// The writes through the session, the book's entries into <paramref name="entries"/> (which stores those of a whole
    /// transaction at once, <see cref="OwnedDocuments{T}"/>); in a page's transaction (<paramref name="bulk"/>), the book with the
    /// transaction's others (<see cref="BulkWrites"/>). Writes from a silo that knew no entries carry none.
    /// </summary>
    public void ApplyTo(IDocumentOperations operations, OwnedDocuments<WarningBookEntry> entries, BulkWrites? bulk = null)
    {
        foreach (var e in Events) operations.Events.Append(Streams.Warning(WarningEvents.WarningIdOf(e)!), e);
        foreach (var view in Views) operations.Store(view);
        if (bulk is null) operations.Store(Book);
        else bulk.Store(Book.Id, Book);
        entries.Apply(Entries.IsDefault ? [] : Entries, EntriesGone.IsDefault ? [] : EntriesGone);
    }
}

/// <summary>
/// The shell around the pure warning evaluation. The live-risk pass stages each page's observations here: the grain decides
/// on a staged copy of its book and answers the writes, the pass stores them in the page's transactions beside the risk
/// grains' (rather than a commit per scope per page), tells the grain, which from then on holds the staged book as stored,
/// and only then moves its checkpoint. A grain asked to stage a new page while an earlier one was never confirmed reads its
/// book back from the store, which alone knows whether that page's writes were stored. Decisions outside a page (the clock's
/// ticks, an analytical run, an officer's act) wait for a page staged here to be stored and then commit on their own.
/// </summary>
public sealed class WarningGrain(
    IDocumentStore store, WarningRulesFile rules, BlacklistPolicy blacklist, MasterDataCache masterData, RegionRisk regions, WarningRiskModel riskModel,
    PlatformClock clock, FusionMetrics metrics)
    : Grain, IWarningGrain
{
    /// <summary>How many of the subject's signals a warning carries as its risk explanation.</summary>
    const int ExplanationLines = 5;
    /// <summary>
    /// How long a decision outside a page waits for a page staged here to be stored before reading the book back: well within
    /// a grain call's time limit in a cluster (10 s). A page stored after that is read back before the next page is staged.
    /// </summary>
    static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(5);

    WarningBook book = WarningBook.Empty("");
    /// <summary>The stored book's revision this grain's book was read or stored at.</summary>
    long revision;
    /// <summary>Read from a document that held its deadlines and verified evidence inside: the next commit stores each on its own.</summary>
    bool entriesInside;
    string Scope => this.GetPrimaryKeyString();
    WarningContext Context => new(rules.Current.Rules, masterData.Current, blacklist, adoptedModel);
    string? adoptedModel;

    /// <summary>
    /// The page being staged here, the book and revision it has come to, the views it moved and its events. The views and
    /// events are held only while a page that moved a warning is staged: most pages move none, and a grain is active for
    /// every enterprise the live-risk pass assesses.
    /// </summary>
    readonly StagedPage stagedPage = new(SettleWithin);
    WarningBook stagedBook = WarningBook.Empty("");
    long stagedRevision;
    bool stagedInside;
    Dictionary<string, WarningView?>? stagedViews;
    List<object>? stagedEvents;

    public override Task OnActivateAsync(CancellationToken ct) => LoadAsync(ct);

    async Task LoadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        // The book and its entries in one round trip; should a commit land between the two reads, the revision is the book's,
        // and the next commit, stored only over it, finds the book moved on and reads both again.
        var batch = session.CreateBatchQuery();
        var storedBook = batch.Load<WarningBookDocument>(Scope);
        var storedEntries = batch.Query<WarningBookEntry>().Where(e => e.Scope == Scope).ToList();
        await batch.Execute(ct);
        var stored = await storedBook;
        book = WarningBookEntry.Into(stored?.Book ?? WarningBook.Empty(Scope), await storedEntries);
        revision = stored?.Revision ?? 0;
        entriesInside = stored is not null && (!stored.Book.Deadlines.IsEmpty || !stored.Book.Verified.IsEmpty);
    }

    /// <summary>The risk model the level rules act on, as of now (it changes once a re-scoring has gone by).</summary>
    async ValueTask<WarningContext> ContextAsync()
    {
        adoptedModel = await riskModel.AdoptedAsync();
        return Context;
    }

    public async ValueTask<WarningWrites?> StageAsync(Immutable<ImmutableArray<Observation>> observations, long lastSequence, Guid page)
    {
        await StageOnAsync(page);
        if (lastSequence <= stagedBook.LastSequence) return null;
        var ctx = await ContextAsync();
        var decision = WarningEvaluation.Observe(stagedBook, observations.Value, lastSequence, ctx, clock.Now);
        var writes = await WritesAsync(decision, stagedBook, stagedRevision, stagedInside, always: false, LoadViewsAsync, stagedViews ??= new(StringComparer.Ordinal));
        stagedBook = decision.Book;
        if (writes is null) return null;
        stagedRevision = writes.Book.Revision;
        stagedInside = false;
        if (!writes.Events.IsEmpty) (stagedEvents ??= []).AddRange(writes.Events);
        return writes;
    }

    async Task<IReadOnlyList<WarningView>> LoadViewsAsync(string[] warningIds)
    {
        await using var session = store.QuerySession();
        return await session.LoadManyAsync<WarningView>(warningIds);
    }

    /// <summary>Stages onto the page's book: the one staged so far in this page, else the stored one.</summary>
    async Task StageOnAsync(Guid page)
    {
        if (!await stagedPage.StartAsync(page, () => LoadAsync(CancellationToken.None))) return;
        stagedBook = book;
        stagedRevision = revision;
        stagedInside = entriesInside;
        stagedViews = null;
        stagedEvents = null;
    }

    public ValueTask CommittedAsync(Guid page)
    {
        if (stagedPage.Committed(page))
        {
            book = stagedBook;
            revision = stagedRevision;
            entriesInside = stagedInside;
            foreach (var e in stagedEvents ?? []) metrics.WarningTransition(e);
            stagedViews = null;
            stagedEvents = null;
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DiscardAsync(Guid page) => await stagedPage.DiscardAsync(page, () => LoadAsync(CancellationToken.None));

    /// <summary>A decision outside a page waits until the page staged here is stored, or reads the book back (<see cref="StagedPage.SettledAsync"/>).</summary>
    Task SettledAsync() => stagedPage.SettledAsync(() => LoadAsync(CancellationToken.None));

    public async ValueTask TickAsync()
    {
        await SettledAsync();
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
        riskModel.Adopt(version);
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
    /// A decision outside a page: once a page staged here is stored, decides on the book and stores the decision; when the
    /// stored book moved on without this grain (another activation of it committed), reads it back and decides again on it,
    /// so no warning is raised or moved twice.
    /// </summary>
    async Task CommitAsync(Func<WarningBook, WarningDecision> decide, DecisionView? decidedOn = null)
    {
        await SettledAsync();
        await RevisionGuard.WriteAsync(() => CommitAsync(decide(book), decidedOn), _ => LoadAsync(CancellationToken.None));
    }

    /// <summary>The book, the warning events and the warnings' views in one transaction; then the book in memory.</summary>
    async Task CommitAsync(WarningDecision decision, DecisionView? decidedOn)
    {
        await using var session = store.LightweightSession();
        var writes = await WritesAsync(decision, book, revision, entriesInside, always: decidedOn is not null, ids => session.LoadManyAsync<WarningView>(ids), []);
        if (writes is null)
        {
            book = decision.Book;
            return;
        }
        if (await RevisionGuard.StaleAsync(session, RevisionGuard.TableOf<WarningBookDocument>(store), new Dictionary<string, long> { [Scope] = revision }, CancellationToken.None) is { Count: > 0 } stale)
            throw new StaleStateException("warning book", stale);
        decidedOn?.Stamp(session);
        var entries = WarningBookEntry.Batch(store);
        writes.ApplyTo(session, entries);
        entries.QueueOn(session);
        await session.SaveChangesAsync();
        book = decision.Book;
        revision = writes.Book.Revision;
        entriesInside = false;
        foreach (var e in writes.Events) metrics.WarningTransition(e);
    }

    /// <summary>
    /// What storing a decision made on <paramref name="before"/> (stored at <paramref name="fromRevision"/>; its entries inside its
    /// document when <paramref name="inside"/>) takes: the book and its entries that changed, its
    /// events (a raised warning with the subject's risk now) and the views they move, read in one go with <paramref name="load"/>
    /// unless <paramref name="views"/> holds them already (it is given the moved ones). Null when there is nothing to store: the
    /// book did not change, or (unless <paramref name="always"/>) only the last sequence seen moved, which is kept in memory and
    /// stored with the next change (events delivered again after a restart are observed again against the same book, to the
    /// same effect).
    /// </summary>
    async Task<WarningWrites?> WritesAsync(WarningDecision decision, WarningBook before, long fromRevision, bool inside, bool always,
        Func<string[], Task<IReadOnlyList<WarningView>>> load, Dictionary<string, WarningView?> views)
    {
        var events = decision.Events;
        if (events.IsEmpty && (decision.Book == before || !always && decision.Book == before with { LastSequence = decision.Book.LastSequence })) return null;
        // The views of warnings this decision moves first (not raised by it) and that are not held yet.
        var unread = events.Where(e => e is not WarningRaised).Select(e => WarningEvents.WarningIdOf(e)!)
            .Except(events.OfType<WarningRaised>().Select(e => e.WarningId)).Where(id => !views.ContainsKey(id)).Distinct().ToArray();
        if (unread.Length > 0)
        {
            var read = (await load(unread)).ToDictionary(v => v.Id, StringComparer.Ordinal);
            foreach (var id in unread) views[id] = read.GetValueOrDefault(id);
        }
        var moved = new List<string>();
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            if (e is WarningRaised raised) events = events.SetItem(i, e = await WithRiskAsync(raised));
            var id = WarningEvents.WarningIdOf(e)!;
            views[id] = WarningView.Apply(e is WarningRaised ? null : views[id], e);
            if (!moved.Contains(id)) moved.Add(id);
        }
        var document = new WarningBookDocument { Id = Scope, Book = WarningBookEntry.Outside(decision.Book), DueAt = decision.Book.NextDue(Context), Revision = fromRevision + 1 };
        var (entries, gone) = WarningBookEntry.Changes(Scope, before, decision.Book, inside);
        return new WarningWrites(document, events, [.. moved.Select(id => views[id]).OfType<WarningView>()], fromRevision, entries, gone);
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
