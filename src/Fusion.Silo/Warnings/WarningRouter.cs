using System.Collections.Immutable;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Warnings;
using JasperFx.Events;
using Orleans.Concurrency;

namespace Fusion.Silo.Warnings;

/// <summary>
/// The live rules' part of the risk subscription's pass: the page's events as observations, delivered to
/// the scopes (warning grains) whose rules they concern. Grains persist before they return, so the
/// checkpoint moves only past what they have applied.
/// </summary>
public sealed class WarningRouter(IGrainFactory grains, WarningRulesFile rules, BlacklistPolicy blacklist)
{
    public Task ObserveAsync(IReadOnlyList<IEvent> events, long ceiling)
    {
        var set = rules.Current.Rules;
        if (set.Rules.IsEmpty) return Task.CompletedTask;
        var byScope = new Dictionary<string, ImmutableArray<Observation>.Builder>();
        foreach (var e in events)
            foreach (var o in Observation.From(e.Data, e.Sequence, blacklist))
                foreach (var scope in WarningEvaluation.ScopesFor(o, set))
                {
                    if (!byScope.TryGetValue(scope, out var list)) byScope[scope] = list = ImmutableArray.CreateBuilder<Observation>();
                    list.Add(o);
                }
        return Task.WhenAll(byScope.Select(s => grains.GetGrain<IWarningGrain>(s.Key).ObserveAsync(s.Value.ToImmutable().AsImmutable(), ceiling).AsTask()));
    }
}
