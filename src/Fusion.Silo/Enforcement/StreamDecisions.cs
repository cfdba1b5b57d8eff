using Fusion.Domain.Common;
using JasperFx.Events;
using Marten;

namespace Fusion.Silo.Enforcement;

/// <summary>
/// Runs a workflow command against its stream: folds the stream, decides, and appends the events at the
/// version it read, together with the folded state as a document (kept for queries) in one transaction.
/// A command racing another on the same stream loses with 409, as a transition the state no longer allows.
/// </summary>
public static class StreamDecisions
{
    public static async Task<(TState? State, object[] Events)> ExecuteAsync<TState>(
        IDocumentStore store, string stream, Func<TState?, object, TState?> apply, Func<TState?, object[]> decide, CancellationToken ct,
        Hosting.DecisionView? view = null, bool storeState = true)
        where TState : class
    {
        await using var session = store.LightweightSession();
        view?.Stamp(session);
        var history = await session.Events.FetchStreamAsync(stream, token: ct);
        var state = history.Select(e => e.Data).Aggregate((TState?)null, apply);
        var events = decide(state);
        if (events.Length == 0) return (state, events);
        var next = events.Aggregate(state, apply)!;
        session.Events.Append(stream, history.Count + events.Length, events);
        if (storeState) session.Store(next);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is EventStreamUnexpectedMaxEventIdException || e.InnerException is EventStreamUnexpectedMaxEventIdException)
        {
            throw new TransitionRefused($"'{stream}' changed while this command was being decided; read it again and retry.");
        }
        return (next, events);
    }

    /// <summary>A stream's events as GET answers show them: oldest first, with their position and type; asOf: those stored by then.</summary>
    public static async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(IQuerySession session, string stream, CancellationToken ct, DateTimeOffset? asOf = null) =>
        (await session.Events.FetchStreamAsync(stream, timestamp: asOf, token: ct))
            .Select(e => new HistoryEntry(e.Sequence, e.Version, e.EventTypeName, e.Timestamp, e.Data, Hosting.DecisionView.Of(e))).ToArray();
}

/// <summary>View: for a decision, the view it was taken on (the moment of the data looked at, the last event stored by then).</summary>
public sealed record HistoryEntry(long Sequence, long Version, string Event, DateTimeOffset StoredAt, object Data, Hosting.DecisionView? View = null);
