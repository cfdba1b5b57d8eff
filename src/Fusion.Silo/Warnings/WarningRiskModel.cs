using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Fusion.Silo.Risk;
using Marten;

namespace Fusion.Silo.Warnings;

/// <summary>The risk model version whose levels the level rules act on (one document).</summary>
public sealed class WarningRiskModelDocument
{
    public const string DocumentId = "warning-risk-model";
    public string Id { get; set; } = DocumentId;
    public string Version { get; set; } = "";
    public DateTimeOffset AdoptedAt { get; set; }
}

/// <summary>
/// Which risk model's levels the level rules believe. A model change re-scores every subject by replaying the events
/// from the start (<see cref="RiskModelChange"/>): while that runs, the assessments it appends cover only part of each
/// subject's history, and acting on them would resolve a warning whose condition still holds and raise it again a page
/// later. So the level rules keep the model they adopted until the replay has passed the store's end and every
/// assessment it appended has gone by; then every scope judges its subject's level once under the new model
/// (<see cref="IWarningGrain.AdoptRiskModelAsync"/>): a warning that still holds stays as it is, one that no longer
/// holds resolves itself (as its rule says), a subject newly at the level raises one. Rung by the warning clock;
/// done again after a restart until the adoption is stored.
/// </summary>
public sealed class WarningRiskModel(IDocumentStore store, RiskModel model, RiskModelChange change, IGrainFactory grains,
    PlatformClock clock, ILogger<WarningRiskModel> log)
{
    /// <summary>
    /// How often a silo whose level rules still act on another model than its own reads the adopted version again: in a
    /// cluster one silo (the warning clock's duty) adopts the new model, and the others learn it from the store.
    /// </summary>
    static readonly TimeSpan ReadAgainEvery = TimeSpan.FromSeconds(1);

    readonly SemaphoreSlim loading = new(1, 1);
    string? adopted;
    DateTimeOffset readAt;
    long? replayedTo, passedTo;

    /// <summary>
    /// The version the level rules act on; a store without one takes the model the scores were last made with. Once it is
    /// this silo's model it stays; until then it is read from the store again at most every <see cref="ReadAgainEvery"/>.
    /// </summary>
    public async ValueTask<string> AdoptedAsync()
    {
        if (adopted is { } known && (known == model.Version || clock.Now - readAt < ReadAgainEvery)) return known;
        await loading.WaitAsync();
        try
        {
            var seen = adopted;
            if (seen is null || seen != model.Version && clock.Now - readAt >= ReadAgainEvery)
            {
                await using var session = store.LightweightSession();
                var doc = await session.LoadAsync<WarningRiskModelDocument>(WarningRiskModelDocument.DocumentId);
                if (doc is null)
                {
                    var inUse = await session.LoadAsync<RiskModelInUse>(RiskModelInUse.DocumentId);
                    doc = new WarningRiskModelDocument { Version = inUse?.Version ?? model.Version, AdoptedAt = clock.Now };
                    session.Store(doc);
                    await session.SaveChangesAsync();
                }
                readAt = clock.Now;
                // An adoption made meanwhile on this silo (Adopt, CheckAsync) is not taken back by what was read before it.
                Interlocked.CompareExchange(ref adopted, doc.Version, seen);
            }
            return adopted!;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>
    /// A scope on this silo was told to adopt the version (by the silo adopting it, before it stores the adoption): the
    /// silo's level rules act on it from now, so the scope's next page does not go back to the model it left.
    /// </summary>
    public void Adopt(string version)
    {
        if (version == model.Version) adopted = version;
    }

    /// <summary>Adopts the model in use once its re-scoring has gone by; true when it did so now.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        if (await AdoptedAsync() == model.Version || !change.Checked.IsCompletedSuccessfully) return false;
        // From the store itself (its last sequence, the risk pass's stored checkpoint), not from the daemon's view of them.
        var high = (await store.Advanced.FetchEventStoreStatistics(token: ct)).EventSequenceNumber;
        var position = (await store.Advanced.AllProjectionProgress(token: ct))
            .Where(p => p.ShardName.StartsWith(RiskSubscription.SubscriptionId + ":", StringComparison.Ordinal)).Select(p => p.Sequence).DefaultIfEmpty(0).Min();
        // The replay has passed the store's end as it was when the change was seen …
        replayedTo ??= high;
        if (position < replayedTo) return false;
        // … and every assessment it appended until then has gone by the level rules (ignored: another model's).
        passedTo ??= high;
        if (position < passedTo) return false;

        var previous = adopted;
        adopted = model.Version;
        List<string> scopes;
        await using (var query = store.QuerySession())
            scopes = [.. await query.Query<WarningBookDocument>().Select(d => d.Id).ToListAsync(ct)];
        foreach (var chunk in scopes.Chunk(32))
            await Task.WhenAll(chunk.Select(scope => grains.GetGrain<IWarningGrain>(scope).AdoptRiskModelAsync(model.Version).AsTask()));
        await using var write = store.LightweightSession();
        write.Store(new WarningRiskModelDocument { Version = model.Version, AdoptedAt = clock.Now });
        await write.SaveChangesAsync(ct);
        log.LogInformation("Level rules adopted risk model {Version} (was {Previous}): {Scopes} scope(s) judged their level once under it", model.Version, previous, scopes.Count);
        return true;
    }
}
