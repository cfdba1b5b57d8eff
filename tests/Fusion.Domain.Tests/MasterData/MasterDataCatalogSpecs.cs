using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Tests.MasterData;

public class MasterDataCatalogSpecs
{
    static readonly DateTimeOffset At = new(2026, 11, 1, 8, 0, 0, TimeSpan.FromHours(8));
    const string SaltLake = "91632801MA7523XK8A";

    static readonly MasterDataCatalog Catalog = MasterDataCatalog.Empty.ApplyAll(
    [
        new RegionRegistered("golmud", "Golmud", "格尔木市", RegionKind.City, null, 94.9033, 36.4167, At),
        new RegionRegistered("da-qaidam", "Da Qaidam", "大柴旦行委", RegionKind.AdministrativeCommittee, null, 95.3570, 37.8500, At),
        new RegionRegistered("golmud-park", "Golmud Industrial Park", "格尔木工业园", RegionKind.IndustrialPark, "golmud", 95.2, 36.8, At),
        new EnterpriseRegistered(SaltLake, "Qarhan Potash", "potash", "golmud", 1_200_000_000m, 94.95, 36.45, At),
        new SiteRegistered("outfall-1", SaltLake, "golmud", SiteKind.Outfall, "Outfall 1", 94.95, 36.45, At),
        new SiteRegistered("tailings-1", SaltLake, "golmud", SiteKind.TailingsPond, "Tailings pond", 94.98, 36.47, At),
        new CameraRegistered("cam-1", "outfall-1", SaltLake, "golmud", "63280100001320000001", At),
    ]);

    [Fact]
    public void GivenAPointAtAnIndustrialParksCentre_WhenAskedForTheNearestRegion_ThenItIsTheCountyLevelRegionAround() =>
        Assert.Equal("golmud", Catalog.NearestRegion(new GeoPoint(95.2, 36.8))?.RegionId);

    [Fact]
    public void GivenAPoint700mFromASite_WhenAskedForTheNearestSiteWithin800m_ThenItIsThatSite() =>
        Assert.Equal("outfall-1", Catalog.NearestSite(new GeoPoint(94.95, 36.4563), 800)?.SiteId);

    [Fact]
    public void GivenAPoint900mFromTheNearestSite_WhenAskedForASiteWithin800m_ThenThereIsNone() =>
        Assert.Null(Catalog.NearestSite(new GeoPoint(94.95, 36.4419), 800));

    [Fact]
    public void GivenACameraWithADeviceCode_WhenRegistered_ThenItCanBeFoundByThatCode() =>
        Assert.Equal("cam-1", Catalog.CamerasByDeviceCode["63280100001320000001"]);
}
