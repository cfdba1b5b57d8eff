using FsCheck;
using FsCheck.Fluent;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

/// <summary>
/// The short cuts a risk grain takes with many signals held, against the long way, over generated signals (FsCheck): the
/// summary score against the explained one, Apply with the ids held given against Apply gathering them, and Prune before
/// the time NoneFadesBefore answers. Signals come from a few sites, feeds, sources and kinds, over a few weeks, some of
/// them open findings, so that they corroborate, repeat, expire and fade.
/// </summary>
public sealed class HeldSignalsProperties
{
    static readonly RiskModel Model = new();
    const int Runs = 300;

    static void Holds(Property property) => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), property);

    static readonly Gen<RiskSignal> SignalGen =
        from id in Gen.Choose(0, 60)
        from kind in Gen.Elements(Enum.GetValues<SignalKind>())
        from feed in Gen.Elements("camera-alarms", "aerial-findings", "public-reports", "inspections")
        from source in Gen.Elements<string?>(null, null, "drone", "satellite")
        from site in Gen.Elements<string?>(Outfall, TailingsPond, null)
        from severity in Gen.Elements(Enum.GetValues<Severity>())
        from confidence in Gen.Choose(0, 100)
        from protectedZone in Gen.Elements(false, false, true)
        from open in Gen.Elements(false, false, false, true)
        from minutes in Gen.Choose(0, 60 * 24 * 40)
        select new RiskSignal($"s{id}", 0, kind, feed, Golmud, SaltLake, site, severity, confidence / 100.0, protectedZone,
            open ? DateOnly.FromDateTime(T0.AddDays(minutes % 20).Date) : null, $"signal {id}", T0.AddMinutes(minutes), source);

    /// <summary>Signals numbered in the order given (ids may repeat, as a redelivery under a new sequence).</summary>
    static readonly Gen<RiskSignal[]> SignalsGen =
        Gen.ListOf(SignalGen).Select(list => list.Select((s, i) => s with { Sequence = i + 1 }).ToArray());

    static readonly Gen<DateTimeOffset> NowGen = Gen.Choose(0, 60 * 24 * 400).Select(m => T0.AddMinutes(m));

    [Fact]
    public void TheSummaryScoresAsTheExplanationAndNamesItsLargestContribution() => Holds(Prop.ForAll(Arb.From(SignalsGen), Arb.From(NowGen), Arb.From(Gen.Elements(RiskSubject.Enterprise, RiskSubject.Region)), (signals, now, subject) =>
        {
            var held = RiskState.Empty(SaltLake).Apply(signals, signals.Length).Signals;
            var explained = RiskScoring.Score(SaltLake, subject, held, false, Model, now);
            var (summary, main) = RiskScoring.Summarize(SaltLake, subject, held, false, Model, now);
            Assert.Equal((explained.Score, explained.Level), (summary.Score, summary.Level));
            Assert.Empty(summary.Contributions);
            Assert.Same(explained.Contributions.MaxBy(c => c.Contribution)?.Signal, main);
        }));

    [Fact]
    public void ApplyWithTheIdsHeldGivenAppliesAsApplyGatheringThem() => Holds(Prop.ForAll(Arb.From(SignalsGen), Arb.From(SignalsGen), (first, then) =>
        {
            var state = RiskState.Empty(SaltLake).Apply(first, first.Length);
            var next = then.Select(s => s with { Sequence = s.Sequence + first.Length }).ToArray();
            var ids = state.Signals.Select(s => s.SignalId).ToHashSet(StringComparer.Ordinal);
            var gathered = state.Apply(next, first.Length + next.Length);
            var given = state.Apply(next, first.Length + next.Length, ids);
            Assert.Equal(gathered.Signals, given.Signals);
            Assert.Equal(gathered.LastSequence, given.LastSequence);
        }));

    [Fact]
    public void PruneLetsNothingGoBeforeNoneFadesBefore() => Holds(Prop.ForAll(Arb.From(SignalsGen), Arb.From(NowGen), (signals, now) =>
        {
            var state = RiskState.Empty(SaltLake).Apply(signals, signals.Length);
            var bound = RiskState.NoneFadesBefore(state.Signals, Model, DateTimeOffset.MinValue);
            if (now < bound) Assert.Same(state, state.Prune(Model, now));
            if (bound == DateTimeOffset.MaxValue) return;
            // Right up to the bound nothing goes; two seconds past it, the signal it was made for has faded by Prune's own test.
            Assert.Same(state, state.Prune(Model, bound.AddTicks(-1)));
            var later = bound.AddSeconds(2);
            Assert.Contains(state.Signals, s => s.OpenUntil is null && RiskScoring.Weight(s, Model) * RiskScoring.Decay(s, Model, later) < Model.NegligibleContribution);
        }));

    [Fact]
    public void AfterAPruneNothingMoreGoesBeforeTheBoundOfTheSignalsNotYetFaded() => Holds(Prop.ForAll(Arb.From(SignalsGen), Arb.From(NowGen), Arb.From(Gen.Choose(0, 60 * 24 * 400)), (signals, at, minutesLater) =>
        {
            var pruned = RiskState.Empty(SaltLake).Apply(signals, signals.Length).Prune(Model, at);
            var bound = RiskState.NoneFadesBefore(pruned.Signals, Model, at);
            var later = at.AddMinutes(minutesLater);
            if (later < bound) Assert.Equal(pruned.Signals, pruned.Prune(Model, later).Signals);
            if (bound != DateTimeOffset.MaxValue) Assert.Equal(pruned.Signals, pruned.Prune(Model, bound.AddTicks(-1)).Signals);
        }));
}
