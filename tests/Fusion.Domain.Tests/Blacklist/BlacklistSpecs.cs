using Fusion.Domain.Blacklist;
using Fusion.Domain.Common;
using Fusion.Domain.Rectification;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Blacklist;

/// <summary>Measure 8: the criteria, and a listing's proposal, decision, two-year term, expiry and early delisting.</summary>
public class BlacklistSpecs
{
    static readonly BlacklistPolicy Policy = new();

    static IEnumerable<BlacklistEvidence> Evidence(params object[] events) => events.SelectMany(e => BlacklistCriteria.EvidenceFrom(e, Policy));

    static object[] Decide(BlacklistCommand command, params object[] history)
    {
        try { return BlacklistDecider.Decide(command, BlacklistRecord.Fold(history)); }
        catch (Exception e) when (e is DomainRejected or TransitionRefused) { return [e]; }
    }

    static readonly CriterionMet Incident = BlacklistCriteria.Evaluate(Evidence(Inspection("f1", T0, new(2026, 12, 1), Severity.Critical)), Policy, T0)[0];
    static readonly BlacklistingProposed Proposed = new(SaltLake, "P-1", "Salt Lake Co.", Golmud, [Incident], T0);

    static EnterpriseBlacklisted ListedAt(DateTimeOffset at) =>
        new(SaltLake, "P-1", "Salt Lake Co.", Golmud, BlacklistReason.MajorIncident, at, at.AddYears(2), "HX-2026-8", "prefecture", at);

    [Fact]
    public void GivenTwoSeriousFindingsInAYear_WhenEvaluated_ThenNoCriterionHolds() =>
        Assert.Empty(BlacklistCriteria.Evaluate(Evidence(Inspection("f1", T0, new(2026, 12, 1), Severity.High), Inspection("f2", T0.AddDays(100), new(2027, 3, 1), Severity.High)),
            Policy, T0.AddDays(100)));

    [Fact]
    public void GivenAThirdSeriousFindingWithinTwelveMonths_WhenEvaluated_ThenRepeatedViolationsWithAllThree()
    {
        var met = Assert.Single(BlacklistCriteria.Evaluate(Evidence(
            Inspection("f1", T0, new(2026, 12, 1), Severity.High), Inspection("f2", T0.AddDays(100), new(2027, 3, 1), Severity.High),
            Inspection("f3", T0.AddDays(300), new(2027, 9, 1), Severity.High), Inspection("f4", T0.AddDays(301), new(2027, 9, 1), Severity.Medium)), Policy, T0.AddDays(300)));
        Assert.Equal(BlacklistReason.RepeatedViolations, met.Reason);
        Assert.Equal(["inspection:f1", "inspection:f2", "inspection:f3"], met.Evidence.Select(e => e.SourceId));
    }

    [Fact]
    public void GivenTheFirstOfThreeSeriousFindingsMoreThanTwelveMonthsBack_WhenEvaluated_ThenNoCriterionHolds() =>
        Assert.Empty(BlacklistCriteria.Evaluate(Evidence(
            Inspection("f1", T0, new(2026, 12, 1), Severity.High), Inspection("f2", T0.AddDays(200), new(2027, 6, 1), Severity.High),
            Inspection("f3", T0.AddMonths(12), new(2027, 12, 1), Severity.High)), Policy, T0.AddMonths(12)));

    [Fact]
    public void GivenOneCriticalFinding_WhenEvaluated_ThenAMajorIncident() =>
        Assert.Equal(BlacklistReason.MajorIncident, Incident.Reason);

    [Fact]
    public void GivenASecondOverdueRectificationHeldToAccount_WhenEvaluated_ThenResponsibilityNotImplemented()
    {
        var first = new AccountabilityRecorded("finding-f1", "f1", SaltLake, Golmud, "not verified by 2026-11-30", T0);
        Assert.Empty(BlacklistCriteria.Evaluate(Evidence(first), Policy, T0));
        var met = Assert.Single(BlacklistCriteria.Evaluate(Evidence(first, first with { CaseId = "finding-f2", FindingId = "f2" }), Policy, T0));
        Assert.Equal(BlacklistReason.ResponsibilityNotImplemented, met.Reason);
        Assert.Equal(["case:finding-f1", "case:finding-f2"], met.Evidence.Select(e => e.SourceId));
    }

    [Fact]
    public void GivenNothing_WhenTheCriteriaHold_ThenAListingIsProposedWithTheEvidence()
    {
        var proposed = Assert.IsType<BlacklistingProposed>(Assert.Single(Decide(new ProposeListing(SaltLake, "P-1", "Salt Lake Co.", Golmud, [Incident], T0))));
        Assert.Equal(Proposed with { Criteria = [] }, proposed with { Criteria = [] });
        Assert.Equal(Incident, Assert.Single(proposed.Criteria));
    }

    [Fact]
    public void GivenAPendingProposal_WhenTheCriteriaHoldAgain_ThenNothing() =>
        Assert.Empty(Decide(new ProposeListing(SaltLake, "P-2", "Salt Lake Co.", Golmud, [Incident], T0.AddDays(1)), Proposed));

    [Fact]
    public void GivenADismissedProposal_WhenTheSameEvidenceHoldsAgain_ThenNothing() =>
        Assert.Empty(Decide(new ProposeListing(SaltLake, "P-2", "Salt Lake Co.", Golmud, [Incident], T0.AddDays(1)),
            Proposed, new BlacklistingProposalDismissed(SaltLake, "P-1", "finding under appeal", "prefecture", T0)));

    [Fact]
    public void GivenAProposal_WhenTheAuthorisedDecisionLists_ThenListedForTwoYearsFromThatDay()
    {
        var clock = new FakeTimeProvider(T0.AddDays(3));
        var listed = Assert.IsType<EnterpriseBlacklisted>(Assert.Single(Decide(new DecideListing("HX-2026-8", "prefecture", Policy, clock.GetUtcNow()), Proposed)));
        Assert.Equal(clock.GetUtcNow(), listed.ListedFrom);
        Assert.Equal(new DateTimeOffset(2028, 11, 5, 1, 0, 0, TimeSpan.Zero), listed.ListedUntil.ToUniversalTime());
        Assert.Equal(BlacklistReason.MajorIncident, listed.ReasonCategory);
    }

    [Fact]
    public void GivenAProposal_WhenDecidedWithoutADecisionReference_ThenRejected() =>
        Assert.IsType<DomainRejected>(Assert.Single(Decide(new DecideListing(" ", "prefecture", Policy, T0), Proposed)));

    [Fact]
    public void GivenNoProposal_WhenDecided_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new DecideListing("HX", "prefecture", Policy, T0))));

    [Fact]
    public void GivenAListing_WhenDecidedAgain_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new DecideListing("HX", "prefecture", Policy, T0), Proposed, ListedAt(T0))));

    [Fact]
    public void GivenAListing_WhenTheClockReachesItsEnd_ThenItExpiresByItselfAndIsNoLongerListed()
    {
        var clock = new FakeTimeProvider(T0);
        var listed = ListedAt(clock.GetUtcNow());
        var record = BlacklistRecord.Fold([Proposed, listed])!;
        clock.Advance(TimeSpan.FromDays(365));
        Assert.True(record.ListedAt(clock.GetUtcNow()));
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new ExpireListing(clock.GetUtcNow()), Proposed, listed)));

        clock.SetUtcNow(listed.ListedUntil);
        Assert.False(record.ListedAt(clock.GetUtcNow())); // the term is over whether or not the clock's event has been written yet
        var expired = Assert.IsType<BlacklistingExpired>(Assert.Single(Decide(new ExpireListing(clock.GetUtcNow()), Proposed, listed)));
        var after = BlacklistRecord.Fold([Proposed, listed, expired])!;
        Assert.Equal(ListingStatus.NotListed, after.Status);
        Assert.Equal("expired", after.Listings[^1].EndReason);
        Assert.Empty(Decide(new ExpireListing(clock.GetUtcNow()), Proposed, listed, expired));
    }

    [Fact]
    public void GivenAListing_WhenDelistedEarlyWithAReason_ThenDelistedFromThatMoment()
    {
        var at = T0.AddDays(200);
        var delisted = Assert.IsType<EnterpriseDelisted>(Assert.Single(Decide(new Delist("rectified and audited", "HX-2027-1", "prefecture", at), Proposed, ListedAt(T0))));
        var record = BlacklistRecord.Fold([Proposed, ListedAt(T0), delisted])!;
        Assert.True(record.ListedAt(at.AddSeconds(-1)));
        Assert.False(record.ListedAt(at));
    }

    [Fact]
    public void GivenAListing_WhenDelistedWithoutAReason_ThenRejected() =>
        Assert.IsType<DomainRejected>(Assert.Single(Decide(new Delist("", "HX-2027-1", "prefecture", T0), Proposed, ListedAt(T0))));

    [Fact]
    public void GivenNoListing_WhenDelisted_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new Delist("why", "HX-2027-1", "prefecture", T0), Proposed)));

    [Fact]
    public void GivenAnExpiredListing_WhenNewEvidenceMeetsTheCriteria_ThenANewProposal()
    {
        var fresh = BlacklistCriteria.Evaluate(Evidence(Inspection("f9", T0.AddYears(2).AddDays(1), new(2029, 1, 1), Severity.Critical)), Policy, T0.AddYears(2).AddDays(1));
        var history = new object[] { Proposed, ListedAt(T0), new BlacklistingExpired(SaltLake, "P-1", Golmud, T0.AddYears(2), T0.AddYears(2)) };
        Assert.IsType<BlacklistingProposed>(Assert.Single(Decide(new ProposeListing(SaltLake, "P-9", "Salt Lake Co.", Golmud, fresh, T0.AddYears(2).AddDays(1)), history)));
    }
}
