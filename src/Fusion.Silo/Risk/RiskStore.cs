using Fusion.Silo.Store;
using Fusion.Silo.Warnings;
using Marten;

namespace Fusion.Silo.Risk;

/// <summary>
/// Stores grains' writes in one transaction: risk grains' and, for a page of the live-risk pass, warning grains'; each
/// grain's update only over the revision it was made from (<see cref="RevisionGuard"/>).
/// </summary>
public static class RiskStore
{
    /// <summary>Stores the writes (a grain's in the order it made them) in one transaction, or stores nothing and throws <see cref="StaleStateException"/>.</summary>
    public static Task StoreAsync(IDocumentStore store, IEnumerable<RiskWrites> writes, CancellationToken ct) => StoreAsync(store, writes, [], ct);

    /// <inheritdoc cref="StoreAsync(IDocumentStore, IEnumerable{RiskWrites}, CancellationToken)"/>
    public static async Task StoreAsync(IDocumentStore store, IEnumerable<RiskWrites> writes, IEnumerable<WarningWrites> warnings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var signals = HeldSignal.Batch(store);
        var entries = WarningBookEntry.Batch(store);
        var bulk = new BulkWrites(store);
        var risk = Apply(writes, w => (w.Snapshot.Id, w.Based), w => w.ApplyTo(bulk, signals));
        var books = Apply(warnings, w => (w.Book.Id, w.Based), w => w.ApplyTo(session, entries, bulk));
        if (risk.Count + books.Count == 0) return;
        signals.QueueOn(session);
        entries.QueueOn(session);
        bulk.QueueOn(session);
        if (await RevisionGuard.StaleAsync(session, [(RevisionGuard.TableOf<RiskSnapshot>(store), risk), (RevisionGuard.TableOf<WarningBookDocument>(store), books)], ct)
            is { Count: > 0 } stale)
            throw new StaleStateException(books.Count == 0 ? "risk state" : "risk or warning state", stale);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Applies the writes in order and answers the revision each grain's document must still have: the oldest its writes were made from.</summary>
    static Dictionary<string, long> Apply<T>(IEnumerable<T> writes, Func<T, (string Id, long Based)> basedOn, Action<T> apply)
    {
        var based = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var w in writes)
        {
            var (id, revision) = basedOn(w);
            based[id] = based.TryGetValue(id, out var b) ? Math.Min(b, revision) : revision;
            apply(w);
        }
        return based;
    }
}
