using Fusion.Silo.Store;
using Marten;

namespace Fusion.Silo.Risk;

/// <summary>Stores risk grains' writes in one transaction, each grain's update only over the revision it was made from (<see cref="RevisionGuard"/>).</summary>
public static class RiskStore
{
    /// <summary>Stores the writes (a grain's in the order it made them) in one transaction, or stores nothing and throws <see cref="StaleStateException"/>.</summary>
    public static async Task StoreAsync(IDocumentStore store, IEnumerable<RiskWrites> writes, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var based = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var w in writes)
        {
            based[w.Snapshot.Id] = based.TryGetValue(w.Snapshot.Id, out var b) ? Math.Min(b, w.Based) : w.Based;
            w.ApplyTo(session);
        }
        if (based.Count == 0) return;
        if (await RevisionGuard.StaleAsync(session, RevisionGuard.TableOf<RiskSnapshot>(store), based, ct) is { Count: > 0 } stale) throw new StaleStateException("risk state", stale);
        await session.SaveChangesAsync(ct);
    }
}
