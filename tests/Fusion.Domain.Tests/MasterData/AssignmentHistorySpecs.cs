using Fusion.Domain.MasterData;
using Fusion.Domain.Tests.Warnings;
using Fusion.Domain.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.MasterData;

/// <summary>Assignments over time: given assignment events → the one answer for "who answered for it then".</summary>
public class AssignmentHistorySpecs
{
    static readonly DateTimeOffset March1 = Tenures.StartOf(new DateOnly(2026, 3, 1));
    static readonly DateTimeOffset June1 = Tenures.StartOf(new DateOnly(2026, 6, 1));
    static readonly DateTimeOffset Sept1 = Tenures.StartOf(new DateOnly(2026, 9, 1));

    /// <summary>L-ENT answers for SaltLake until June, then for the park's Potash; L-NEW takes SaltLake from June; K-GOLMUD leaves in September.</summary>
    static readonly MasterDataCatalog Reassigned = WarningSpec.Catalog.ApplyAll(
    [
        new LeaderReassigned("L-ENT", "Ma", "deputy mayor", Potash, null, "l-ent@example.cn", LeaderLevel.Enterprise, SaltLake, June1, June1),
        new LeaderAssigned("L-NEW", "Sun", "deputy mayor", SaltLake, null, "l-new@example.cn", LeaderLevel.Enterprise, June1, June1),
        new CommissionerAssignmentEnded("K-GOLMUD", Golmud, Sept1, Sept1),
    ]);

    static string[] AreaLeadersOf(string enterprise, DateTimeOffset at) =>
        [.. Responsibility.At(0, Reassigned, enterprise, enterprise == Potash ? WarningSpec.Park : Golmud, at).Select(r => r.RecipientId)];

    [Fact]
    public void GivenAReassignment_WhenAskedWhoAnsweredForTheEnterpriseBeforeAndAfter_ThenOneAnswerEach()
    {
        Assert.Equal(["L-ENT"], AreaLeadersOf(SaltLake, March1));
        Assert.Equal(["L-NEW"], AreaLeadersOf(SaltLake, June1));
        Assert.Equal(["L-NEW"], AreaLeadersOf(SaltLake, Sept1));
    }

    [Fact]
    public void GivenAReassignment_WhenAskedAboutTheNewArea_ThenTheLeaderCountsFromTheDateOnly()
    {
        Assert.Equal(["L-GOLMUD"], AreaLeadersOf(Potash, March1));   // the park falls back to Golmud's leader
        Assert.Equal(["L-ENT"], AreaLeadersOf(Potash, June1));
    }

    [Fact]
    public void GivenAnEndedCommissioner_WhenAWarningEscalatesAfterTheEnd_ThenItGoesToThePrefecture()
    {
        Assert.Equal(["K-GOLMUD"], Responsibility.At(1, Reassigned, SaltLake, Golmud, June1).Select(r => r.RecipientId));
        Assert.Equal(["L-HAIXI-1"], Responsibility.At(1, Reassigned, SaltLake, Golmud, Sept1).Select(r => r.RecipientId));
    }

    [Fact]
    public void GivenAReassignment_WhenFolded_ThenTheHistoryHoldsBothAssignmentsEndingWhereTheNextBegins()
    {
        var tenures = Reassigned.Leaders["L-ENT"].Tenures;
        Assert.Equal(new (string, DateTimeOffset?, DateTimeOffset?)[] { (SaltLake, null, June1), (Potash, June1, null) }, tenures.Select(t => (t.AreaId, t.From, t.Until)));
        Assert.Equal(Potash, Reassigned.Leaders["L-ENT"].AreaId);
    }

    [Fact]
    public void GivenAReassignedLeader_WhenTheirAreasAreScopedNow_ThenTheNewAreaCountsAndTheOldOneNoLonger()
    {
        Assert.True(AreaScope.Of([], ["L-ENT"], Reassigned, March1).Covers(SaltLake, Golmud));
        var now = AreaScope.Of([], ["L-ENT"], Reassigned, June1);
        Assert.False(now.Covers(SaltLake, Golmud));
        Assert.True(now.Covers(Potash, WarningSpec.Park));
    }

    [Fact]
    public void GivenAnEndedCommissioner_WhenScopedAfterTheEnd_ThenTheyCoverNothing() =>
        Assert.True(AreaScope.Of([], ["K-GOLMUD"], Reassigned, Sept1).IsEmpty);

    [Fact]
    public void GivenADatedReassignmentRecordedAfterAWarningWasRaised_WhenTheWarningEscalates_ThenTheChainInForceAtTheEscalationCounts()
    {
        var spec = WarningSpec.Given(WarningSpec.Count(atLeast: 1, ackMinutes: 30)).Under(WarningSpec.Catalog.ApplyAll(
            [new CommissionerReassigned("K-GOLMUD", "Wang", "dulan", null, "k@example.cn", Golmud, T0.AddMinutes(10), T0)]));
        Assert.Equal(["L-ENT"], spec.When(Alarm("a1", T0)).Then<WarningRaised>().Recipients.Select(r => r.RecipientId));
        // K-GOLMUD moved to Dulan ten minutes after: Golmud has no commissioner of its own then, so the prefecture leader linked to it.
        Assert.Equal(["L-HAIXI-1"], spec.WhenClockMoves(TimeSpan.FromMinutes(30)).Then<WarningEscalated>().Recipients.Select(r => r.RecipientId));
    }

    [Fact]
    public void GivenAnUndatedAssignment_WhenAskedAboutAnyEarlierMoment_ThenItHoldsSinceRecordsBegan() =>
        Assert.Equal(["L-ENT"], Responsibility.At(0, WarningSpec.Catalog, SaltLake, Golmud, T0.AddYears(-5)).Select(r => r.RecipientId));
}
