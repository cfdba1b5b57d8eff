using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Domain.Tests.MasterData;

/// <summary>Master data that changes: given registrations and revisions → the catalog as it stands.</summary>
public class MasterDataRevisionSpecs
{
    static readonly DateTimeOffset At = new(2026, 11, 1, 8, 0, 0, TimeSpan.FromHours(8));
    static readonly DateTimeOffset Later = At.AddDays(20);
    static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8));
    const string SaltLake = "91632801MA7523XK8A";
    const string SodaAsh = "91632802MA752XY011";

    static readonly Dictionary<string, double> CodLimit50 = new() { ["w01018"] = 50 };
    static readonly Dictionary<string, double> CodLimit40 = new() { ["w01018"] = 40 };

    static readonly MasterDataCatalog Registered = MasterDataCatalog.Empty.ApplyAll(
    [
        new RegionRegistered("golmud", "Golmud", "格尔木市", RegionKind.City, null, 94.9, 36.4, At),
        new RegionRegistered("delingha", "Delingha", "德令哈市", RegionKind.City, null, 97.4, 37.4, At),
        new EnterpriseRegistered(SaltLake, "Qarhan Potash", "potash", "golmud", 1_200_000_000m, 94.95, 36.45, At),
        new EnterpriseRegistered(SodaAsh, "Soda Ash", "soda ash", "delingha", 800_000_000m, 97.40, 37.38, At),
        new SiteRegistered("outfall-1", SaltLake, "golmud", SiteKind.Outfall, "Outfall 1", 94.95, 36.45, At),
        new SiteRegistered("tailings-1", SaltLake, "golmud", SiteKind.TailingsPond, "Tailings", 94.98, 36.47, At),
        new SiteRegistered("slag-2", SodaAsh, "delingha", SiteKind.SlagYard, "Slag yard", 97.40, 37.38, At),
        new CameraRegistered("cam-1", "outfall-1", SaltLake, "golmud", "63280100001320000001", At),
        new MonitorRegistered("MN-1", "outfall-1", SaltLake, "golmud", CodLimit50, At),
    ]);

    static MasterDataCatalog Given(params object[] events) => Registered.ApplyAll(events);

    [Fact]
    public void GivenARegisteredEnterprise_WhenAmended_ThenItStandsAsAmendedWithItsRevision_AndKeepsItsRegionAndProductionStart()
    {
        var catalog = Given(
            new ProductionStartRecorded(SaltLake, new DateOnly(2019, 5, 1), At),
            new EnterpriseAmended(SaltLake, 1, "golmud", "Qarhan Salt Lake Potash", "potash fertiliser", 1_380_000_000m, 94.96, 36.46, Later));

        var e = catalog.Enterprises[SaltLake];
        Assert.Equal(("Qarhan Salt Lake Potash", "potash fertiliser", 1_380_000_000m, new GeoPoint(94.96, 36.46), 1),
            (e.Name, e.Industry, e.AnnualSalesRevenueYuan, e.Location, e.Revision));
        Assert.Equal(("golmud", new DateOnly(2019, 5, 1)), (e.RegionId, e.ProductionStartedOn));
    }

    [Fact]
    public void GivenTwoSilosNumberedTheirAmendmentsAlike_WhenBothApply_ThenTheLaterValuesStandAndTheRevisionDoesNotGoBack()
    {
        var catalog = Given(
            new EnterpriseAmended(SaltLake, 2, "golmud", "A", "potash", 1m, 94.95, 36.45, Later),
            new EnterpriseAmended(SaltLake, 1, "golmud", "B", "potash", 2m, 94.95, 36.45, Later));

        Assert.Equal(("B", 2), (catalog.Enterprises[SaltLake].Name, catalog.Enterprises[SaltLake].Revision));
    }

    [Fact]
    public void GivenAnUnknownEnterprise_WhenAnAmendmentArrives_ThenNothingChanges() =>
        Assert.Same(Registered, Registered.Apply(new EnterpriseAmended("91350100M000100Y43", 1, "golmud", "X", "x", 1m, 94.9, 36.4, Later)));

    [Fact]
    public void GivenACamera_WhenMovedToAnotherEnterprisesSite_ThenItServesThatSiteAndEnterprise_AndItsDeviceCodeStillFindsIt()
    {
        var catalog = Given(new CameraMoved("cam-1", 1, "slag-2", SodaAsh, "delingha", "63280100001320000001", "outfall-1", Later));

        Assert.Equal(new Camera("cam-1", "slag-2", SodaAsh, "delingha", "63280100001320000001") { Revision = 1 }, catalog.Cameras["cam-1"]);
        Assert.Equal("cam-1", catalog.CamerasByDeviceCode["63280100001320000001"]);
    }

    [Fact]
    public void GivenACamera_WhenRetiredFromADay_ThenItIsInServiceBeforeAndRetiredFromThatDay()
    {
        var camera = Given(new CameraRetired("cam-1", "outfall-1", SaltLake, "golmud", "63280100001320000001", Dec1, Later)).Cameras["cam-1"];

        Assert.False(camera.RetiredAt(Dec1.AddTicks(-1)));
        Assert.True(camera.RetiredAt(Dec1));
    }

    [Fact]
    public void GivenAMonitor_WhenItsLimitsChangeFromADay_ThenDataBeforeAreJudgedByTheOldLimitsAndFromThenByTheNew()
    {
        var monitor = Given(new MonitorLimitsChanged("MN-1", 1, "outfall-1", SaltLake, "golmud", CodLimit40, Dec1, Later)).Monitors["MN-1"];

        Assert.Equal(50, monitor.LimitsAt(Dec1.AddHours(-1))["w01018"]);
        Assert.Equal(40, monitor.LimitsAt(Dec1)["w01018"]);
        Assert.Equal(40, monitor.Limits["w01018"]);
        Assert.Equal(1, monitor.Revision);
    }

    [Fact]
    public void GivenAMonitorMovedThenRetired_WhenFolded_ThenItStandsAtItsNewSiteRetired()
    {
        var monitor = Given(
            new MonitorMoved("MN-1", 1, "tailings-1", SaltLake, "golmud", "outfall-1", Later),
            new MonitorRetired("MN-1", "tailings-1", SaltLake, "golmud", Dec1, Dec1)).Monitors["MN-1"];

        Assert.Equal(("tailings-1", 1, (DateTimeOffset?)Dec1), (monitor.SiteId, monitor.Revision, monitor.RetiredFrom));
        Assert.True(monitor.RetiredAt(Dec1.AddDays(1)));
    }

    [Fact]
    public void GivenRevisionEvents_ThenTheyAreMasterDataEventsTheCacheFollows() =>
        Assert.Subset(MasterDataCatalog.EventTypes.ToHashSet(),
            new HashSet<Type> { typeof(EnterpriseAmended), typeof(CameraMoved), typeof(CameraRetired), typeof(MonitorMoved), typeof(MonitorLimitsChanged), typeof(MonitorRetired) });
}
