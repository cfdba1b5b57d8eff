using Fusion.Domain.MasterData;
using Marten;
using Marten.Events;

namespace Fusion.Silo.MasterData;

/// <summary>
/// The master-data catalog in memory, folded from the master-data events in the store at start-up
/// and advanced by every master-data append this process makes. Readers get an immutable snapshot.
/// </summary>
public sealed class MasterDataCache
{
    MasterDataCatalog current = MasterDataCatalog.Empty;
    readonly Lock gate = new();

    public MasterDataCatalog Current => Volatile.Read(ref current);

    public void Apply(IEnumerable<object> events)
    {
        lock (gate) Volatile.Write(ref current, current.ApplyAll(events));
    }

    public async Task LoadAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(MasterDataCatalog.EventTypes))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        lock (gate) Volatile.Write(ref current, MasterDataCatalog.Empty.ApplyAll(events.Select(e => e.Data)));
    }
}
