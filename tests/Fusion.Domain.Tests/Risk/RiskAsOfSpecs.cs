using Fusion.Domain.Rectification;
using Fusion.Domain.Risk;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Risk;

/// <summary>Given the stored events up to a moment → the enterprise's risk as it stood then, as the live grain would have scored it.</summary>
public class RiskAsOfSpecs
{
    static readonly RiskModel Model = new();
    static readonly DateOnly RectifyBy = DateOnly.FromDateTime(T0.AddDays(30).DateTime);

    static readonly StoredEvent[] History =
    [
        new(1, Alarm("a1", T0)),
        new(2, Alarm("p1", T0, enterprise: Potash, site: "park-outfall")),
        new(3, Inspection("i1", T0 + Hours(1), RectifyBy, Fusion.Domain.Common.Severity.High)),
        new(4, Alarm("a2", T0 + Hours(2))),
        new(5, new RectificationVerified("finding-i1", "i1", SaltLake, Golmud, null, "inspector Wang", T0 + Hours(3))),
    ];

    /// <summary>What the live grain holds after the same events: signals applied in pages, then the enforcement changes.</summary>
    static RiskScore Live(IEnumerable<StoredEvent> events, DateTimeOffset now)
    {
        var list = events.ToList();
        var state = RiskState.Empty(SaltLake).Apply(
            list.Select(e => RiskSignals.From(e.Data, e.Sequence)).OfType<RiskSignal>().Where(s => s.EnterpriseId == SaltLake), list.Max(e => e.Sequence));
        state = list.Select(e => RiskStateChanges.From(e.Data, e.Sequence)).OfType<RiskStateChange>().Where(c => c.EnterpriseId == SaltLake).Aggregate(state, (s, c) => s.Apply(c));
        return RiskScoring.Score(SaltLake, RiskSubject.Enterprise, state.Prune(Model, now).Signals, state.Blacklisted, Model, now);
    }

    [Fact]
    public void GivenTheEventsUpToAMoment_WhenScoredAsOfThen_ThenTheAnswerIsTheLiveOne()
    {
        foreach (var upTo in new[] { 1, 3, 4, 5 })
        {
            var known = History.Take(upTo).ToList();
            var at = T0 + Hours(upTo);
            Assert.Equal(Live(known, at).Score, RiskAsOf.Enterprise(SaltLake, known, Model, at).Score);
            Assert.Equal(Live(known, at).Contributions.Select(c => c.Signal.SignalId), RiskAsOf.Enterprise(SaltLake, known, Model, at).Contributions.Select(c => c.Signal.SignalId));
        }
    }

    [Fact]
    public void GivenAFindingVerifiedAfterTheMoment_WhenScoredAsOfTheMoment_ThenTheFindingStillWeighs()
    {
        Assert.Contains("inspection:i1", RiskAsOf.Enterprise(SaltLake, History.Take(4), Model, T0 + Hours(3)).Contributions.Select(c => c.Signal.SignalId));
        Assert.DoesNotContain("inspection:i1", RiskAsOf.Enterprise(SaltLake, History, Model, T0 + Hours(4)).Contributions.Select(c => c.Signal.SignalId));
    }

    [Fact]
    public void GivenAnotherEnterprisesEvents_WhenFolded_ThenTheyAreNotTheSubjects() =>
        Assert.DoesNotContain("camera-alarm:p1", RiskAsOf.Fold(SaltLake, History).Signals.Select(s => s.SignalId));

    [Fact]
    public void GivenEventsOutOfOrder_WhenFolded_ThenTheyAreTakenInSequenceOrder() =>
        Assert.Equal(RiskAsOf.Fold(SaltLake, History).Signals.Select(s => s.SignalId), RiskAsOf.Fold(SaltLake, History.Reverse()).Signals.Select(s => s.SignalId));
}
