using System.Collections.Immutable;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Warnings;
using JasperFx.Events;
using Fusion.Silo.Risk;
using Orleans.Concurrency;

namespace Fusion.Silo.Warnings;

/// <summary>
/// The live rules' part of the risk subscription's pass: the page's events as observations, staged on the scopes (warning
/// grains) whose rules they concern. Their writes are stored with the page's, before the checkpoint moves past them.
/// </summary>
public sealed class WarningRouter(IGrainFactory grains, WarningRulesFile rules, BlacklistPolicy blacklist)
{
    /// <summary>Stages the events' observations on their scopes (each added to <paramref name="staged"/>) and answers what to store for them.</summary>
    public async Task<IEnumerable<WarningWrites>> StageAsync(IReadOnlyList<IEvent> events, long ceiling, Guid page, ISet<IPageStagingGrain> staged)
    {
        var set = rules.Current.Rules;
        if (set.Rules.IsEmpty) return [];
        var byScope = new Dictionary<string, ImmutableArray<Observation>.Builder>();
        foreach (var e in events)
            foreach (var o in Observation.From(e.Data, e.Sequence, blacklist))
                foreach (var scope in WarningEvaluation.ScopesFor(o, set))
                {
                    if (!byScope.TryGetValue(scope, out var list)) byScope[scope] = list = ImmutableArray.CreateBuilder<Observation>();
                    list.Add(o);
                }
        var calls = new List<Task<WarningWrites?>>(byScope.Count);
        foreach (var (scope, observations) in byScope)
        {
            var grain = grains.GetGrain<IWarningGrain>(scope);
            staged.Add(grain);
            calls.Add(grain.StageAsync(observations.ToImmutable().AsImmutable(), ceiling, page).AsTask());
        }
        return (await Task.WhenAll(calls)).OfType<WarningWrites>();
    }
}
