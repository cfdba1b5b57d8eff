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
/// them open findings, so that they corroborate, repeat, expire and fade; the prune properties also run under a model with
/// the corners of decay (<see cref="Corners"/>) and at times just after a signal starts to fade.
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

    /// <summary>
    /// The model as shipped, and one with the corners Prune has to get right: a kind that counts for nothing even undecayed, one
    /// whose decay grows (a half-life below zero), one that fades at once (zero) and one that fades within minutes.
    /// </summary>
    static readonly Gen<RiskModel> ModelGen = Gen.Elements(Model, Corners());

    static RiskModel Corners()
    {
        var model = new RiskModel();
        model.Kinds[SignalKind.CameraAlarm] = new() { Weight = 0.001, HalfLifeHours = 168 };
        model.Kinds[SignalKind.PublicReport] = new() { Weight = 5, HalfLifeHours = -24 };
        model.Kinds[SignalKind.MonitoringGap] = new() { Weight = 3, HalfLifeHours = 0 };
        model.Kinds[SignalKind.CameraOffline] = new() { Weight = 4, HalfLifeHours = 0.01 };
        return model;
    }

    /// <summary>A time from ten days before the signals to a year after them, or within two seconds after one of them starts to fade.</summary>
    static Gen<DateTimeOffset> TimeGen(RiskModel model, IReadOnlyList<RiskSignal> signals) =>
        Gen.OneOf(
            Gen.Choose(-60 * 24 * 10, 60 * 24 * 400).Select(m => T0.AddMinutes(m)),
            signals.Count == 0 ? Gen.Constant(T0)
                : from s in Gen.Elements(signals.ToArray())
                  from ms in Gen.Choose(0, 2000)
                  let fades = RiskState.NoneFadesBefore([s], model)
                  select fades == DateTimeOffset.MaxValue || fades == DateTimeOffset.MinValue ? s.OccurredAt : fades.AddMilliseconds(ms));

    [Fact]
    public void PruneLetsNothingGoBeforeNoneFadesBefore() => Holds(Prop.ForAll(Arb.From(
            from model in ModelGen
            from signals in SignalsGen
            from now in TimeGen(model, signals)
            select (model, signals, now)), c =>
        {
            var (model, signals, now) = c;
            var state = RiskState.Empty(SaltLake).Apply(signals, signals.Length);
            var bound = RiskState.NoneFadesBefore(state.Signals, model);
            if (now < bound) Assert.Same(state, state.Prune(model, now));
            if (bound == DateTimeOffset.MaxValue || bound == DateTimeOffset.MinValue) return;
            // Right up to the bound nothing goes; two seconds past it, the signal it was made for has faded by Prune's own test.
            Assert.Same(state, state.Prune(model, bound.AddTicks(-1)));
            var later = bound.AddSeconds(2);
            Assert.Contains(state.Signals, s => s.OpenUntil is null && RiskScoring.Weight(s, model) * RiskScoring.Decay(s, model, later) < model.NegligibleContribution);
        }));

    [Fact]
    public void AfterAPruneNothingMoreGoesBeforeTheBoundOfTheSignalsNotYetFaded() => Holds(Prop.ForAll(Arb.From(
            from model in ModelGen
            from signals in SignalsGen
            from at in TimeGen(model, signals)
            from later in TimeGen(model, signals)
            select (model, signals, at, later)), c =>
        {
            var (model, signals, at, later) = c;
            var pruned = RiskState.Empty(SaltLake).Apply(signals, signals.Length).Prune(model, at);
            var bound = RiskState.NoneFadesBefore(pruned.Signals, model, at);
            if (later > at && later < bound) Assert.Equal(pruned.Signals, pruned.Prune(model, later).Signals);
            if (bound != DateTimeOffset.MaxValue && bound > at) Assert.Equal(pruned.Signals, pruned.Prune(model, bound.AddTicks(-1)).Signals);
        }));
}
