using Fusion.Domain.Common;
using Fusion.Domain.Leaders;
using Fusion.Domain.MasterData;
using Fusion.Domain.Tests.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Leaders;

/// <summary>Given a leader's visits → When a visit is logged → Then the event, nothing (already logged), a refusal or a rejection.</summary>
public class LeaderVisitSpecs
{
    static readonly DateTimeOffset Now = new(2026, 6, 20, 10, 0, 0, TimeSpan.FromHours(8));
    static readonly DateOnly June10 = new(2026, 6, 10);

    /// <summary>L-ENT answers for SaltLake until 1 June, then for Potash in the park; L-GONE's assignment ended in May.</summary>
    static readonly MasterDataCatalog Catalog = WarningSpec.Catalog.ApplyAll(
    [
        new LeaderReassigned("L-ENT", "Ma", "deputy mayor", Potash, null, null, LeaderLevel.Enterprise, SaltLake, Tenures.StartOf(new DateOnly(2026, 6, 1)), T0),
        new LeaderAssigned("L-GONE", "Zhou", "county head", "dulan", null, null, LeaderLevel.Region, Tenures.StartOf(new DateOnly(2026, 1, 1)), T0),
        new LeaderAssignmentEnded("L-GONE", "dulan", Tenures.StartOf(new DateOnly(2026, 5, 1)), T0),
    ]);

    static LogVisit Stay(string id = "V-1", string leader = "L-ENT", string? enterprise = Potash, string region = WarningSpec.Park, DateOnly? from = null, DateOnly? to = null) =>
        new(id, leader, VisitKind.Stay, enterprise, region, from ?? June10, to ?? June10.AddDays(2), "蹲点: tailings pond lining", null, "马", Now);

    static LeaderVisitLogged[] When(LogVisit c, params object[] given) =>
        LeaderVisits.Decide(c, Catalog.Leaders[c.LeaderId], LeaderVisits.Fold(given), Catalog);

    [Fact]
    public void GivenALeaderInTheirNewArea_WhenAStayIsLogged_ThenItIsRecordedAsInTheirOwnArea() =>
        Assert.Equal([new LeaderVisitLogged("V-1", "L-ENT", VisitKind.Stay, Potash, WarningSpec.Park, June10, June10.AddDays(2), "蹲点: tailings pond lining", null, true, "马", Now)],
            When(Stay()));

    [Fact]
    public void GivenAReassignedLeader_WhenTheyVisitTheirOldAreaAfterTheMove_ThenTheVisitIsOutsideTheirOwnArea() =>
        Assert.False(Assert.Single(When(Stay(enterprise: SaltLake, region: Golmud))).InOwnArea);

    [Fact]
    public void GivenAReassignedLeader_WhenAVisitBeforeTheMoveIsLogged_ThenTheAreaThenCounts() =>
        Assert.True(Assert.Single(When(Stay(enterprise: SaltLake, region: Golmud, from: new DateOnly(2026, 5, 20), to: new DateOnly(2026, 5, 21)))).InOwnArea);

    [Fact]
    public void GivenTheVisitAlreadyLogged_WhenLoggedAgain_ThenNothingChanges()
    {
        var logged = When(Stay());
        Assert.Empty(When(Stay(), logged));
    }

    [Fact]
    public void GivenAVisitIdAlreadyUsed_WhenAnotherVisitComesUnderIt_ThenRefused() =>
        Assert.Contains("already logged", Assert.Throws<TransitionRefused>(() => When(Stay(from: June10.AddDays(-3), to: June10.AddDays(-3)), When(Stay()))).Message);

    [Fact]
    public void GivenALeaderWhoseAssignmentEnded_WhenAVisitAfterTheEndIsLogged_ThenRefused() =>
        Assert.Contains("answered for no area on 2026-06-10", Assert.Throws<TransitionRefused>(() => When(Stay(leader: "L-GONE", enterprise: null, region: "dulan"))).Message);

    [Fact]
    public void GivenAVisitEndingBeforeItBegins_WhenLogged_ThenRejected() =>
        Assert.Contains("before it begins", Assert.Throws<DomainRejected>(() => When(Stay(to: June10.AddDays(-1)))).Message);

    [Fact]
    public void GivenAVisitThatHasNotBegun_WhenLogged_ThenRejected() =>
        Assert.Contains("once it has begun", Assert.Throws<DomainRejected>(() => When(Stay(from: new DateOnly(2026, 6, 21), to: new DateOnly(2026, 6, 22)))).Message);
}
