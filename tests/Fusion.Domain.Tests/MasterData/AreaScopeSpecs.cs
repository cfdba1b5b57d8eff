using Fusion.Domain.MasterData;

namespace Fusion.Domain.Tests.MasterData;

public class AreaScopeSpecs
{
    static readonly DateTimeOffset At = new(2026, 11, 1, 8, 0, 0, TimeSpan.FromHours(8));
    const string Potash = "91632801MA7523XK8A";
    const string SodaAsh = "91632802MA7523XK8B";

    static readonly MasterDataCatalog Catalog = MasterDataCatalog.Empty.ApplyAll(
    [
        new RegionRegistered("golmud", "Golmud", "格尔木市", RegionKind.City, null, 94.9, 36.4, At),
        new RegionRegistered("golmud-park", "Golmud Industrial Park", "格尔木工业园", RegionKind.IndustrialPark, "golmud", 95.2, 36.8, At),
        new RegionRegistered("delingha", "Delingha", "德令哈市", RegionKind.City, null, 97.4, 37.4, At),
        new EnterpriseRegistered(Potash, "Qarhan Potash", "potash", "golmud-park", 1_200_000_000m, 95.2, 36.8, At),
        new EnterpriseRegistered(SodaAsh, "Soda Ash", "soda ash", "delingha", 900_000_000m, 97.4, 37.4, At),
        new LeaderAssigned("L-GOLMUD", "Mayor", "市长", "golmud", null, null, LeaderLevel.Region, null, At),
        new LeaderAssigned("L-SODA", "Soda leader", "包干", SodaAsh, null, null, null, null, At),
        new LeaderAssigned("L-HAIXI", "Prefecture", "州长", "golmud", null, null, LeaderLevel.Prefecture, null, At),
        new CommissionerAssigned("K-DELINGHA", "Commissioner Wu", "delingha", null, null, null, At),
    ]);

    [Fact]
    public void GivenARegionLeader_WhenScoped_ThenTheRegionAndItsParksAreCovered_AndNotAnotherRegion()
    {
        var scope = AreaScope.Of([], ["L-GOLMUD"], Catalog, At);
        Assert.True(scope.Covers(Potash, "golmud-park"));
        Assert.True(scope.Covers(null, "golmud"));
        Assert.False(scope.Covers(SodaAsh, "delingha"));
    }

    [Fact]
    public void GivenAnEnterpriseLeader_WhenScoped_ThenOnlyThatEnterpriseIsCovered_NotItsRegionsOtherSubjects()
    {
        var scope = AreaScope.Of([], ["L-SODA"], Catalog, At);
        Assert.True(scope.Covers(SodaAsh, "delingha"));
        Assert.False(scope.Covers(null, "delingha"));
    }

    [Fact]
    public void GivenAPrefectureLeader_WhenScoped_ThenEverythingIsCovered() =>
        Assert.True(AreaScope.Of([], ["L-HAIXI"], Catalog, At).Covers(SodaAsh, "delingha"));

    [Fact]
    public void GivenAreasNamedByTheTokenAndACommissioner_WhenScoped_ThenBothCount()
    {
        var scope = AreaScope.Of(["golmud"], ["K-DELINGHA"], Catalog, At);
        Assert.True(scope.Covers(Potash, "golmud-park"));
        Assert.True(scope.Covers(SodaAsh, "delingha"));
    }

    [Fact]
    public void GivenNoAreaAndNoKnownPerson_WhenScoped_ThenNothingIsCovered()
    {
        var scope = AreaScope.Of([], ["nobody"], Catalog, At);
        Assert.True(scope.IsEmpty);
        Assert.False(scope.Covers(Potash, "golmud-park"));
    }
}
