using Fusion.Domain.MasterData;
using Fusion.Silo.Cluster;
using Marten;
using Marten.Events;

namespace Fusion.Silo.MasterData;

/// <summary>
/// The master-data catalog in memory, folded from the master-data events in the store at start-up and advanced by
/// every master-data append this process makes. In a cluster it also learns what the other silos append
/// (<see cref="CatchUpAsync"/>, woken by <see cref="MasterDataFollower"/>), always in the store's order. Readers get an
/// immutable snapshot.
/// </summary>
public sealed class MasterDataCache
{
    /// <summary>The channel a master-data append notifies in its own transaction, so every silo catches up at its commit.</summary>
    public const string Channel = "fusion_master_data";

    MasterDataCatalog current = MasterDataCatalog.Empty;
    readonly Lock gate = new();
    readonly SemaphoreSlim following = new(1, 1);
    // Every master-data event at or below the floor (the store's high-water mark when last read) is in the catalog;
    // above it, the ones applied so far. A sequence drawn but not yet committed lies above the high-water mark.
    long floor;
    readonly HashSet<long> applied = [];

    public MasterDataCatalog Current => Volatile.Read(ref current);

    /// <summary>Whether appends are learnt from the store (in a cluster) rather than applied as this process makes them.</summary>
    public bool Following { get; set; }

    public void Apply(IEnumerable<object> events)
    {
        lock (gate) Volatile.Write(ref current, current.ApplyAll(events));
    }

    public async Task LoadAsync(IDocumentStore store, CancellationToken ct)
    {
        await following.WaitAsync(ct);
        try
        {
            var highWater = await StoreProgress.HighWaterAsync(store, ct);
            var events = await ReadAsync(store, 0, ct);
            lock (gate) Volatile.Write(ref current, MasterDataCatalog.Empty.ApplyAll(events.Select(e => e.Data)));
            Advance(highWater, events);
        }
        finally
        {
            following.Release();
        }
    }

    /// <summary>Applies the master-data events any silo stored since the last look, in sequence order; returns how many.</summary>
    public async Task<int> CatchUpAsync(IDocumentStore store, CancellationToken ct)
    {
        await following.WaitAsync(ct);
        try
        {
            var highWater = await StoreProgress.HighWaterAsync(store, ct);
            var fresh = (await ReadAsync(store, floor, ct)).Where(e => !applied.Contains(e.Sequence)).ToList();
            if (fresh.Count > 0) Apply(fresh.Select(e => e.Data));
            Advance(highWater, fresh);
            return fresh.Count;
        }
        finally
        {
            following.Release();
        }
    }

    void Advance(long highWater, IEnumerable<JasperFx.Events.IEvent> events)
    {
        foreach (var e in events) applied.Add(e.Sequence);
        if (highWater <= floor) return;
        floor = highWater;
        applied.RemoveWhere(s => s <= floor);
    }

    static async Task<IReadOnlyList<JasperFx.Events.IEvent>> ReadAsync(IDocumentStore store, long after, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after && e.EventTypesAre(MasterDataCatalog.EventTypes))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
    }
}
