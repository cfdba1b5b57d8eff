using Marten;

namespace Fusion.Silo.Store;

/// <summary>
/// Documents that grains keep one each beside their own (a risk grain's held signals, a warning book's deadlines), which one
/// transaction stores and deletes over all the grains' writes in it, each id as the last write left it: one upsert of every
/// document stored, with its owner's id in a column of its own (<paramref name="column"/>), and one delete of every document
/// let go. Marten's own operations cost a statement per document, and each document operation queued looks through every
/// one queued before it, which made a live-risk page of 500 signals quadratic in its size.
/// </summary>
public sealed class OwnedDocuments<T>(IDocumentStore store, string column, Func<T, string> id, Func<T, string> owner) where T : class
{
    /// <summary>Per document id, in the order the writes came: the document to store, or null to delete it.</summary>
    readonly Dictionary<string, T?> last = new(StringComparer.Ordinal);

    public void Apply(IEnumerable<T> stored, IEnumerable<string> gone)
    {
        // A grain's write stores and lets go disjoint documents; across writes, the later one decides.
        foreach (var g in gone) last[g] = null;
        foreach (var document in stored) last[id(document)] = document;
    }

    /// <summary>Queues the two statements on the session (none when nothing changed); they run in its transaction at SaveChanges.</summary>
    public void QueueOn(IDocumentSession session)
    {
        if (last.Count == 0) return;
        var gone = last.Where(e => e.Value is null).Select(e => e.Key).ToArray();
        if (gone.Length > 0) session.QueueSqlCommand($"DELETE FROM {RevisionGuard.TableOf<T>(store)} WHERE id = ANY(?)", [gone]);
        var kept = last.Values.OfType<T>().ToArray();
        if (kept.Length == 0) return;
        var serializer = store.Options.Serializer();
        BulkWrites.QueueUpsert(session, store, typeof(T), kept.Select(id).ToArray(), kept.Select(d => serializer.ToJson(d)).ToArray(),
            (column, kept.Select(owner).ToArray()));
    }
}
