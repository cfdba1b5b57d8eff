using Fusion.Connectors.Ingest;

namespace Fusion.Silo.Ingest;

/// <summary>
/// Events a batch causes beyond its own records (monitoring gaps and resumptions, cameras back online),
/// found by a watch that keeps state in memory. The watch is held from <see cref="DeriveAsync"/> until the
/// derivation is disposed, and its state moves on only when the batch was stored (<see cref="Derivation.Commit"/>);
/// a batch that fails leaves the watch as it was, so the resent batch derives the same events again.
/// </summary>
public interface IDerivesEvents
{
    Task<Derivation> DeriveAsync(IReadOnlyList<IngestItem> accepted, CancellationToken ct);
}

/// <summary>The items a batch caused, and how to keep the watch's new state once they are stored.</summary>
public sealed class Derivation(IReadOnlyList<IngestItem> items, Action commit, IDisposable release) : IDisposable
{
    public IReadOnlyList<IngestItem> Items => items;
    public void Commit() => commit();
    public void Dispose() => release.Dispose();
}

/// <summary>
/// The one ingest pipeline's shell, the same for every feed and transport: a translated batch (see
/// IngestBatch), the events it causes, and one append transaction holding its events, its records'
/// identities, its rejections' raw input and the derived events.
/// </summary>
public sealed class IngestPipeline(IngestWriter writer)
{
    public async Task<IngestOutcome> StoreAsync(TranslatedBatch batch, string source, CancellationToken ct, IDerivesEvents? derives = null)
    {
        if (derives is null || batch.Accepted.Count == 0) return await writer.WriteAsync(batch, source, ct);
        using var derivation = await derives.DeriveAsync(batch.Accepted.Select(a => a.Item).ToList(), ct);
        var outcome = await writer.WriteAsync(batch, source, ct, derivation.Items);
        derivation.Commit();
        return outcome;
    }
}
