using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.Simulation;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Tests.Simulation;

public class HaixiSeedTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 30, 0, TimeSpan.FromHours(8));
    static readonly MasterDataDocument Seed = HaixiSeed.Generate();

    static IEnumerable<SiteRecord> Sites => Seed.Enterprises!.SelectMany(e => e.Sites ?? []);
    static IEnumerable<CameraRecord> Cameras => Sites.SelectMany(s => s.Cameras ?? []);
    static IEnumerable<MonitorRecord> Monitors => Sites.SelectMany(s => s.Monitors ?? []);

    [Fact]
    public void GivenTheSameSeed_WhenGeneratedTwice_ThenTheJsonIsIdentical() =>
        Assert.Equal(HaixiSeed.Serialize(HaixiSeed.Generate()), HaixiSeed.Serialize(HaixiSeed.Generate()));

    [Fact]
    public void GivenAnotherSeed_WhenGenerated_ThenTheEnterprisesDiffer() =>
        Assert.NotEqual(Seed.Enterprises!.Select(e => e.EnterpriseId), HaixiSeed.Generate(7).Enterprises!.Select(e => e.EnterpriseId));

    /// <summary>Set FUSION_WRITE_SEED=1 and run this test to rewrite the committed file after a deliberate change.</summary>
    [Fact]
    public void GivenTheGenerator_WhenRun_ThenItGivesExactlyTheCommittedSeedFile()
    {
        var generated = HaixiSeed.Serialize(Seed);
        if (Environment.GetEnvironmentVariable("FUSION_WRITE_SEED") == "1")
            File.WriteAllText(SeedFile.Path, generated);
        Assert.True(File.Exists(SeedFile.Path), $"{SeedFile.Path} is missing");
        var committed = File.ReadAllText(SeedFile.Path).ReplaceLineEndings("\n");
        Assert.True(committed == generated, "the committed seed file differs from HaixiSeed.Generate(); run this test with FUSION_WRITE_SEED=1 and commit the file");
    }

    [Fact]
    public void GivenTheCommittedSeedFile_WhenRead_ThenItRoundTripsToTheSameDocument() =>
        Assert.Equal(HaixiSeed.Serialize(Seed), HaixiSeed.Serialize(HaixiSeed.Deserialize(File.ReadAllText(SeedFile.Path))));

    [Fact]
    public void GivenAnEmptyCatalog_WhenTheSeedIsTranslated_ThenEveryEntryIsAccepted()
    {
        var body = JsonSerializer.SerializeToElement(Seed, HaixiSeed.JsonOptions);
        var batch = MasterDataFeed.Translate(body, MasterDataCatalog.Empty, Now);

        Assert.Empty(batch.Rejected);
        var entries = Seed.Regions!.Count + Seed.Enterprises!.Count + Seed.ProtectedZones!.Count + Seed.Leaders!.Count + Seed.Commissioners!.Count;
        Assert.Equal(entries, batch.Accepted.Select(a => a.Index).Distinct().Count());
        // Each site, camera, monitor, fund account and region boundary is registered with an identity of its own.
        var boundaries = Seed.Regions!.Count(r => r.Boundary is not null);
        var accounts = Seed.Enterprises!.Sum(e => e.FundAccounts?.Count ?? 0);
        Assert.Equal(Seed.Enterprises!.Count, accounts);
        Assert.Equal(entries + boundaries + accounts + Sites.Count() + Sites.Sum(s => s.Cameras!.Count + (s.Monitors?.Count ?? 0)), batch.Accepted.Count);
        var catalog = MasterDataCatalog.Empty.ApplyAll(batch.Accepted.SelectMany(a => a.Item.Events));
        Assert.Equal(Sites.Count(), catalog.Sites.Count);
        Assert.Equal(7, boundaries);
        // Each county-level area's seat lies inside its own drawn boundary and no other.
        var placement = Fusion.Connectors.Ingest.Placement.Of(catalog);
        Assert.All(catalog.Regions.Values.Where(r => r.Boundary is not null), r => Assert.Equal(r.RegionId, placement.RegionContaining(Fusion.Connectors.Ingest.Placement.Point(r.Centre))?.RegionId));
        Assert.Equal(Cameras.Count(), catalog.Cameras.Count);
        Assert.Equal(Cameras.Count(), catalog.CamerasByDeviceCode.Count);
        Assert.Equal(Monitors.Count(), catalog.Monitors.Count);
    }

    [Fact]
    public void GivenTheSeed_ThenItHasTheRealCountyLevelAreasAndPilotZoneParks()
    {
        var regions = Seed.Regions!.ToDictionary(r => r.RegionId);
        Assert.Equal(("city", "格尔木市"), (regions["GOLMUD"].Kind, regions["GOLMUD"].NameZh));
        Assert.Equal(("city", "德令哈市"), (regions["DELINGHA"].Kind, regions["DELINGHA"].NameZh));
        Assert.Equal(("city", "茫崖市"), (regions["MANGYA"].Kind, regions["MANGYA"].NameZh));
        Assert.Equal(["WULAN", "DULAN", "TIANJUN"], Seed.Regions!.Where(r => r.Kind == "county").Select(r => r.RegionId));
        Assert.Equal("administrative-committee", regions["DAQAIDAM"].Kind);
        foreach (var park in new[] { "GOLMUD-IP", "DELINGHA-IP", "DAQAIDAM-IP", "WULAN-IP" })
        {
            Assert.Equal("industrial-park", regions[park].Kind);
            Assert.NotNull(regions[park].ParentRegionId);
            var parent = regions[regions[park].ParentRegionId!];
            Assert.True(Geo.DistanceMetres(new(parent.Longitude, parent.Latitude), new(regions[park].Longitude, regions[park].Latitude)) < 30_000, park);
        }
        // Golmud lies south-west of Delingha, Mangya far to the west.
        Assert.True(regions["GOLMUD"].Longitude < regions["DELINGHA"].Longitude && regions["GOLMUD"].Latitude < regions["DELINGHA"].Latitude);
        Assert.True(regions["MANGYA"].Longitude < 91.5);
    }

    [Fact]
    public void GivenTheSeed_ThenEnterprisesAreManyValidAndSpreadOverTheRealIndustries()
    {
        var enterprises = Seed.Enterprises!;
        Assert.InRange(enterprises.Count, 300, 400);
        Assert.All(enterprises, e => Assert.Null(CreditCode.Problem(e.EnterpriseId)));
        Assert.All(enterprises, e => Assert.StartsWith("91632", e.EnterpriseId));
        Assert.Equal(enterprises.Count, enterprises.Select(e => e.EnterpriseId).Distinct().Count());
        Assert.Equal(enterprises.Count, enterprises.Select(e => e.Name).Distinct().Count());
        var industries = enterprises.GroupBy(e => e.Industry).ToDictionary(g => g.Key, g => g.Count());
        foreach (var industry in new[] { "potash", "salt-lake-chemicals", "lithium", "soda-ash", "nonferrous-mining", "nonferrous-smelting", "coal-mining", "oil-and-gas", "cement" })
            Assert.True(industries.GetValueOrDefault(industry) >= 5, $"{industry}: {industries.GetValueOrDefault(industry)}");
        Assert.All(enterprises.Where(e => e.Industry == "soda-ash"), e => Assert.StartsWith("DELINGHA", e.RegionId));
        Assert.All(enterprises.Where(e => e.Industry == "oil-and-gas"), e => Assert.True(e.RegionId is "MANGYA-IP" or "LENGHU-IP" or "GOLMUD-IP", e.RegionId));
        Assert.All(enterprises, e => Assert.InRange(e.AnnualSalesRevenueYuan, 5_000_000m, 30_000_000_000m));
        Assert.Contains(enterprises, e => e.AnnualSalesRevenueYuan < 50_000_000m);
        Assert.Contains(enterprises, e => e.AnnualSalesRevenueYuan > 5_000_000_000m);
    }

    [Fact]
    public void GivenTheSeed_ThenEveryPositionIsInsideHaixiNearItsRegionAndOutsideTheReserves()
    {
        var regions = Seed.Regions!.ToDictionary(r => r.RegionId);
        var zones = Seed.ProtectedZones!.Select(z => z.Polygon.Select(p => new GeoPoint(p[0], p[1])).ToList()).ToList();
        foreach (var e in Seed.Enterprises!)
        {
            var region = regions[e.RegionId];
            // Parks are compact; a county's salt lakes, coal fields and mining districts lie far out (Taijinar and Qimantag are 150–250 km from Golmud).
            var within = region.Kind == "industrial-park" ? 15_000 : 300_000;
            Assert.True(Geo.DistanceMetres(new(region.Longitude, region.Latitude), new(e.Longitude, e.Latitude)) < within, $"{e.Name} is far from {e.RegionId}");
            foreach (var p in new[] { new GeoPoint(e.Longitude, e.Latitude) }.Concat((e.Sites ?? []).Select(s => new GeoPoint(s.Longitude, s.Latitude))))
            {
                Assert.InRange(p.Longitude, 90, 100);
                Assert.InRange(p.Latitude, 35, 39.5);
                Assert.All(zones, z => Assert.False(Geo.Contains(z, p), $"{e.Name} has a place inside a reserve"));
            }
        }
    }

    [Fact]
    public void GivenTheSeed_ThenSitesCamerasAndMonitorsAreCompleteAndUnique()
    {
        Assert.All(Seed.Enterprises!, e => Assert.InRange(e.Sites!.Count, 1, 4));
        Assert.All(Sites, s => Assert.InRange(s.Cameras!.Count, 1, 3));
        Assert.Equal(Sites.Count(), Sites.Select(s => s.SiteId).Distinct().Count());
        Assert.Equal(Cameras.Count(), Cameras.Select(c => c.CameraId).Distinct().Count());
        Assert.Equal(Cameras.Count(), Cameras.Select(c => c.DeviceCode).Distinct().Count());
        Assert.All(Cameras, c => Assert.Matches("^6328[0-9]{16}$", c.DeviceCode!));
        Assert.Equal(Monitors.Count(), Monitors.Select(m => m.MonitorId).Distinct().Count());
        Assert.All(Monitors, m => Assert.Matches("^[0-9]{14}$", m.MonitorId));
        Assert.InRange(Monitors.Count(), 200, 900);
        Assert.All(Sites.Where(s => s.Kind == "outfall"), s => Assert.Single(s.Monitors!));
        Assert.All(Sites.Where(s => s.Kind != "outfall"), s => Assert.Null(s.Monitors));
        Assert.All(Monitors, m => Assert.True(
            m.Limits.Keys.Order().SequenceEqual(["w01018", "w21003"]) || m.Limits.Keys.Order().SequenceEqual(["a21002", "a21026", "a34013"]),
            string.Join(",", m.Limits.Keys)));
        Assert.All(Monitors.Where(m => m.Limits.ContainsKey("w01018")), m => Assert.Contains(m.Limits["w01018"], new[] { 50.0, 100.0 }));
        Assert.All(Monitors.Where(m => m.Limits.ContainsKey("a21026")), m => Assert.InRange(m.Limits["a21026"], 100, 200));
        Assert.All(Monitors.Where(m => m.Limits.ContainsKey("a21002")), m => Assert.InRange(m.Limits["a21002"], 100, 300));
        Assert.All(Monitors.Where(m => m.Limits.ContainsKey("a34013")), m => Assert.InRange(m.Limits["a34013"], 10, 30));
        // Mines keep tailings ponds, smelters slag yards.
        Assert.All(Seed.Enterprises!.Where(e => e.Industry == "nonferrous-mining"), e => Assert.Contains(e.Sites!, s => s.Kind == "tailings-pond"));
        Assert.All(Seed.Enterprises!.Where(e => e.Industry == "nonferrous-smelting"), e => Assert.Contains(e.Sites!, s => s.Kind == "slag-yard"));
    }

    [Fact]
    public void GivenTheHaloxylonReserve_ThenAnEnterpriseSiteLiesJustOutsideIt()
    {
        var reserve = Seed.ProtectedZones!.Single(z => z.NameZh == "柴达木梭梭林国家级自然保护区");
        Assert.InRange(reserve.Polygon.Count, 6, 20);
        var ring = reserve.Polygon.Select(p => new GeoPoint(p[0], p[1])).ToList();
        var delingha = Seed.Regions!.Single(r => r.RegionId == "DELINGHA");
        Assert.True(Geo.DistanceMetres(Centroid(ring), new(delingha.Longitude, delingha.Latitude)) < 60_000);
        var close = Sites.Where(s => ring.Min(p => Geo.DistanceMetres(p, new(s.Longitude, s.Latitude))) < 15_000
                                     && !Geo.Contains(ring, new(s.Longitude, s.Latitude))
                                     && Enumerable.Range(0, ring.Count).Min(i => EdgeDistance(ring, i, new(s.Longitude, s.Latitude))) < 4_000).ToList();
        Assert.InRange(close.Count, 1, 3);
    }

    [Fact]
    public void GivenTheSeed_ThenZonesLeadersAndCommissionersAreInPlace()
    {
        Assert.InRange(Seed.ProtectedZones!.Count, 5, 8);
        Assert.All(Seed.ProtectedZones!, z => Assert.InRange(z.Polygon.Count, 6, 20));
        Assert.Contains(Seed.ProtectedZones!, z => z.NameZh.Contains("可鲁克湖"));
        Assert.Contains(Seed.ProtectedZones!, z => z.NameZh.Contains("胡杨林"));
        Assert.Contains(Seed.ProtectedZones!, z => z.NameZh.Contains("三江源"));
        Assert.Contains(Seed.ProtectedZones!, z => z.NameZh.Contains("青海湖") && z.RegionId == "TIANJUN");
        Assert.All(Seed.Regions!, r => Assert.Contains(Seed.Leaders!, l => l.AreaId == r.RegionId));
        Assert.All(Seed.Regions!.Where(r => r.Kind == "industrial-park"), r => Assert.True(Seed.Leaders!.Count(l => l.AreaId == r.RegionId) >= 2));
        Assert.Equal(Seed.Leaders!.Count, Seed.Leaders!.Select(l => l.LeaderId).Distinct().Count());
        Assert.Equal(11, Seed.Commissioners!.Count);
        Assert.True(Seed.Commissioners!.Select(c => c.RegionId).Distinct().Count() >= 7);
        Assert.All(Seed.Leaders!, l => Assert.EndsWith("@example.cn", l.Email));
        Assert.All(Seed.Commissioners!, c => Assert.EndsWith("@example.cn", c.Email));
    }

    static GeoPoint Centroid(IReadOnlyList<GeoPoint> ring) => new(ring.Average(p => p.Longitude), ring.Average(p => p.Latitude));

    static double EdgeDistance(IReadOnlyList<GeoPoint> ring, int i, GeoPoint p)
    {
        var (a, b) = (ring[i], ring[(i + 1) % ring.Count]);
        return Enumerable.Range(0, 101).Min(k => Geo.DistanceMetres(p, new(a.Longitude + k / 100.0 * (b.Longitude - a.Longitude), a.Latitude + k / 100.0 * (b.Latitude - a.Latitude))));
    }
}
