using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.MasterData;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.MasterData;

public class MasterDataFeedSpecs
{
    static readonly DateTimeOffset Now = ReceivedAt;

    const string Golmud = """{ "regionId": "golmud", "name": "Golmud", "nameZh": "格尔木市", "kind": "city", "longitude": 94.9033, "latitude": 36.4167 }""";

    static TranslatedBatch Given(MasterDataCatalog known, string document) =>
        MasterDataFeed.Translate(JsonDocument.Parse(document).RootElement, known, Now);

    static TranslatedBatch When(string document) => Given(MasterDataCatalog.Empty, document);

    static string Enterprise(string code, string region = "golmud", string sites = "[]") => $$"""
        { "enterpriseId": "{{code}}", "name": "Qarhan Salt Lake Potash", "industry": "potash fertiliser", "regionId": "{{region}}",
          "annualSalesRevenueYuan": 1200000000, "longitude": 94.95, "latitude": 36.45, "sites": {{sites}} }
        """;

    static Rejection SingleRejection(TranslatedBatch batch) => Assert.Single(batch.Rejected);

    [Fact]
    public void GivenARegion_WhenTranslated_ThenItIsRegisteredOnTheRegionStream()
    {
        var (_, item) = Assert.Single(When($$"""{ "regions": [{{Golmud}}] }""").Accepted);

        Assert.Equal(("master-data:region:golmud", "region:golmud"), (item.Key, item.StreamKey));
        Assert.Equal([new RegionRegistered("golmud", "Golmud", "格尔木市", RegionKind.City, null, 94.9033, 36.4167, Now)], item.Events);
    }

    const string GolmudBounded = """{ "regionId": "golmud", "name": "Golmud", "nameZh": "格尔木市", "kind": "city", "longitude": 94.9033, "latitude": 36.4167, "boundary": [[93.0, 35.5], [95.6, 35.5], [95.3, 37.1], [93.0, 37.8]] }""";

    [Fact]
    public void GivenARegionWithABoundary_WhenTranslated_ThenTheBoundaryIsDrawnAsItsOwnRecordAndTheCatalogKeepsIt()
    {
        var batch = When($$"""{ "regions": [{{GolmudBounded}}] }""");

        Assert.Equal(2, batch.Accepted.Count);
        var (_, boundary) = batch.Accepted[1];
        Assert.StartsWith("master-data:region-boundary:golmud:", boundary.Key);
        var drawn = Assert.IsType<RegionBoundaryDrawn>(Assert.Single(boundary.Events));
        Assert.Equal([new(93.0, 35.5), new(95.6, 35.5), new(95.3, 37.1), new(93.0, 37.8)], drawn.Boundary);
        var catalog = MasterDataCatalog.Empty.ApplyAll(batch.Accepted.SelectMany(a => a.Item.Events));
        Assert.Equal(drawn.Boundary, catalog.Regions["golmud"].Boundary);
    }

    [Fact]
    public void GivenAKnownRegionSentAgainWithABoundary_WhenTranslated_ThenOnlyTheBoundaryIsNew_AndARedrawnOneHasAnotherIdentity()
    {
        var first = When($$"""{ "regions": [{{Golmud}}] }""");
        var known = MasterDataCatalog.Empty.ApplyAll(first.Accepted.SelectMany(a => a.Item.Events));

        var bounded = Given(known, $$"""{ "regions": [{{GolmudBounded}}] }""");
        var redrawn = Given(known, $$"""{ "regions": [{{GolmudBounded.Replace("93.0, 37.8", "93.0, 37.9")}}] }""");

        Assert.Equal(first.Accepted[0].Item.Key, bounded.Accepted[0].Item.Key);
        Assert.NotEqual(bounded.Accepted[1].Item.Key, redrawn.Accepted[1].Item.Key);
        Assert.Null(known.Regions["golmud"].Boundary);
    }

    [Fact]
    public void GivenABoundaryOfTwoPoints_WhenTranslated_ThenTheRegionIsRejectedSayingSo() =>
        Assert.Equal("regions: region 'golmud': a polygon needs at least 3 points, it has 2",
            SingleRejection(When($$"""{ "regions": [{{GolmudBounded.Replace(", [95.3, 37.1], [93.0, 37.8]", "")}}] }""")).Reason);

    [Fact]
    public void GivenAnEnterpriseListedBeforeTheRegionItNames_WhenTranslated_ThenRegionsComeFirstAndBothAreAccepted()
    {
        var batch = When($$"""{ "enterprises": [{{Enterprise(SaltLake)}}], "regions": [{{Golmud}}] }""");

        Assert.Empty(batch.Rejected);
        Assert.Equal(["master-data:region:golmud", $"master-data:enterprise:{SaltLake}"], batch.Accepted.Select(a => a.Item.Key));
        Assert.Equal(new EnterpriseRegistered(SaltLake, "Qarhan Salt Lake Potash", "potash fertiliser", "golmud", 1_200_000_000m, 94.95, 36.45, Now),
            batch.Accepted[1].Item.Events[0]);
        Assert.Equal(SaltLake, batch.Accepted[1].Item.StreamKey);
    }

    [Fact]
    public void GivenAnEnterpriseWithASiteCameraAndMonitor_WhenTranslated_ThenEachIsRegisteredWithItsOwnIdentityOnTheEnterpriseStream()
    {
        var sites = """
            [{ "siteId": "outfall-1", "kind": "outfall", "name": "Main outfall", "longitude": 94.95, "latitude": 36.45,
               "cameras": [{ "cameraId": "cam-1", "deviceCode": "63280100001320000001" }],
               "monitors": [{ "monitorId": "MN-632801-0001", "limits": { "w01018": 50, "w21003": 5 } }] }]
            """;

        var accepted = Given(Catalog, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: sites)}}] }""").Accepted;
        var events = accepted.SelectMany(a => a.Item.Events).ToList();

        Assert.Equal(
            [$"master-data:enterprise:{SaltLake}", "master-data:site:outfall-1", "master-data:camera:cam-1", "master-data:monitor:MN-632801-0001"],
            accepted.Select(a => a.Item.Key));
        Assert.All(accepted, a => Assert.Equal((0, SaltLake), (a.Index, a.Item.StreamKey)));
        Assert.Equal(4, events.Count);
        Assert.Equal(new SiteRegistered("outfall-1", SaltLake, "golmud", SiteKind.Outfall, "Main outfall", 94.95, 36.45, Now), events[1]);
        Assert.Equal(new CameraRegistered("cam-1", "outfall-1", SaltLake, "golmud", "63280100001320000001", Now), events[2]);
        var monitor = Assert.IsType<MonitorRegistered>(events[3]);
        Assert.Equal(("MN-632801-0001", "outfall-1", SaltLake), (monitor.MonitorId, monitor.SiteId, monitor.EnterpriseId));
        Assert.Equal(new Dictionary<string, double> { ["w01018"] = 50, ["w21003"] = 5 }, monitor.Limits);
    }

    [Fact]
    public void GivenAnEnterpriseInAnUnknownRegion_WhenTranslated_ThenRejectedNamingBoth()
    {
        var rejection = SingleRejection(When($$"""{ "regions": [{{Golmud}}], "enterprises": [{{Enterprise(SaltLake, region: "tianjun")}}] }"""));

        Assert.Equal((1, SaltLake, $"enterprises: region 'tianjun' of enterprise '{SaltLake}' is not registered"),
            (rejection.Index, rejection.RecordId, rejection.Reason));
    }

    [Fact]
    public void GivenAnEnterpriseWithAMistypedCreditCode_WhenTranslated_ThenRejectedWithTheCodesProblem() =>
        Assert.Equal("enterprises: the unified social credit code '91632801MA7523XK8B' has check character 'B' but its first 17 characters give 'A'",
            SingleRejection(Given(Catalog, $$"""{ "enterprises": [{{Enterprise("91632801MA7523XK8B")}}] }""")).Reason);

    [Fact]
    public void GivenASiteAlreadyBelongingToAnotherEnterprise_WhenTranslated_ThenRejectedNamingItsOwner()
    {
        var sites = """[{ "siteId": "slag-2", "kind": "slag-yard", "name": "Slag yard", "longitude": 97.4, "latitude": 37.38 }]""";

        Assert.Equal($"enterprises: site 'slag-2' already belongs to enterprise '{SodaAsh}'",
            SingleRejection(Given(Catalog, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: sites)}}] }""")).Reason);
    }

    [Fact]
    public void GivenASiteOfAnUnknownKind_WhenTranslated_ThenTheEnterpriseIsRejectedListingTheKinds()
    {
        var sites = """[{ "siteId": "pit-1", "kind": "open-pit", "name": "Pit", "longitude": 94.95, "latitude": 36.45 }]""";

        Assert.Equal("enterprises: 'kind' is 'open-pit'; use one of: outfall, tailings-pond, slag-yard",
            SingleRejection(Given(Catalog, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: sites)}}] }""")).Reason);
    }

    [Fact]
    public void GivenACameraWithAShortDeviceCode_WhenTranslated_ThenRejectedSayingA28181CodeHas20Digits()
    {
        var sites = """
            [{ "siteId": "outfall-1", "kind": "outfall", "name": "Main outfall", "longitude": 94.95, "latitude": 36.45,
               "cameras": [{ "cameraId": "cam-1", "deviceCode": "6328010000132" }] }]
            """;

        Assert.Equal("enterprises: camera 'cam-1' has device code '6328010000132'; a GB/T 28181 code has 20 digits",
            SingleRejection(Given(Catalog, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: sites)}}] }""")).Reason);
    }

    [Fact]
    public void GivenARegionWithAnUnknownKind_WhenTranslated_ThenRejectedListingTheKinds() =>
        Assert.Equal("regions: 'kind' is 'province'; use one of: city, county, administrative-committee, industrial-park",
            SingleRejection(When($$"""{ "regions": [{{Golmud.Replace("\"city\"", "\"province\"")}}] }""")).Reason);

    [Fact]
    public void GivenARegionPlacedOutsideHaixi_WhenTranslated_ThenRejected() =>
        Assert.Contains("is not in Haixi", SingleRejection(When($$"""{ "regions": [{{Golmud.Replace("94.9033", "116.4")}}] }""")).Reason);

    [Fact]
    public void GivenAParkWhoseParentComesEarlierInTheDocument_WhenTranslated_ThenItIsAccepted()
    {
        var park = """{ "regionId": "golmud-park", "name": "Golmud Park", "nameZh": "格尔木工业园", "kind": "industrial-park", "parentRegionId": "golmud", "longitude": 95.2, "latitude": 36.8 }""";

        var batch = When($$"""{ "regions": [{{Golmud}}, {{park}}] }""");

        Assert.Empty(batch.Rejected);
        Assert.Equal("golmud", Assert.IsType<RegionRegistered>(batch.Accepted[1].Item.Events[0]).ParentRegionId);
    }

    [Fact]
    public void GivenAParkWhoseParentComesLater_WhenTranslated_ThenTheParkIsRejectedNamingTheParent()
    {
        var park = """{ "regionId": "golmud-park", "name": "Golmud Park", "nameZh": "格尔木工业园", "kind": "industrial-park", "parentRegionId": "golmud", "longitude": 95.2, "latitude": 36.8 }""";

        var batch = When($$"""{ "regions": [{{park}}, {{Golmud}}] }""");

        Assert.Equal((0, "regions: parent region 'golmud' of region 'golmud-park' is not registered"), (SingleRejection(batch).Index, batch.Rejected[0].Reason));
        Assert.Equal(1, Assert.Single(batch.Accepted).Index);
    }

    [Fact]
    public void GivenAProtectedZone_WhenTranslated_ThenItIsDesignatedWithItsPolygon()
    {
        var zone = """{ "zoneId": "keluke-lake", "name": "Keluke Lake Wetland", "nameZh": "可鲁克湖湿地", "kind": "wetland reserve", "regionId": "delingha", "polygon": [[96.8, 37.2], [97.0, 37.2], [97.0, 37.35]] }""";

        var item = Assert.Single(Given(Catalog, $$"""{ "protectedZones": [{{zone}}] }""").Accepted).Item;

        var designated = Assert.IsType<ProtectedZoneDesignated>(Assert.Single(item.Events));
        Assert.Equal(("master-data:zone:keluke-lake", "zone:keluke-lake"), (item.Key, item.StreamKey));
        Assert.Equal([new GeoPoint(96.8, 37.2), new GeoPoint(97.0, 37.2), new GeoPoint(97.0, 37.35)], designated.Polygon);
        Assert.Equal(("keluke-lake", "delingha", "wetland reserve"), (designated.ZoneId, designated.RegionId, designated.Kind));
    }

    [Fact]
    public void GivenAZoneWithTwoPoints_WhenTranslated_ThenRejectedSayingAPolygonNeedsThree() =>
        Assert.Equal("protectedZones: zone 'z1': a polygon needs at least 3 points, it has 2",
            SingleRejection(Given(Catalog, """{ "protectedZones": [{ "zoneId": "z1", "name": "Z", "nameZh": "Z", "kind": "reserve", "regionId": "delingha", "polygon": [[96.8, 37.2], [97.0, 37.2]] }] }""")).Reason);

    static string ZoneWith(string polygon) =>
        $$"""{ "protectedZones": [{ "zoneId": "z1", "name": "Z", "nameZh": "Z", "kind": "reserve", "regionId": "delingha", "polygon": {{polygon}} }] }""";

    [Fact]
    public void GivenAZoneWithLatitudeAndLongitudeSwapped_WhenTranslated_ThenRejectedAsNotInHaixiLikeAnyOtherPosition()
    {
        var reason = SingleRejection(Given(Catalog, ZoneWith("[[37.2, 96.8], [37.2, 97.0], [37.35, 97.0]]"))).Reason;

        Assert.StartsWith("protectedZones: zone 'z1': ", reason);
        Assert.Contains("is not in Haixi", reason);
    }

    [Fact]
    public void GivenAZonePointTooLargeForANumber_WhenTranslated_ThenOnlyThatZoneIsRejected() =>
        Assert.StartsWith("protectedZones: zone 'z1': ", SingleRejection(Given(Catalog, ZoneWith("[[1e400, 37.2], [97.0, 37.2], [97.0, 37.35]]"))).Reason);

    [Fact]
    public void GivenALeaderForAnEnterpriseRegisteredInTheSameDocument_WhenTranslated_ThenTheLeaderIsAccepted()
    {
        var leader = $$"""{ "leaderId": "ldr-7", "name": "Zhang Wei", "title": "Deputy Mayor", "areaId": "{{SaltLake}}", "phone": "0979-8412345" }""";

        var batch = When($$"""{ "regions": [{{Golmud}}], "enterprises": [{{Enterprise(SaltLake)}}], "leaders": [{{leader}}] }""");

        Assert.Empty(batch.Rejected);
        Assert.Equal(new LeaderAssigned("ldr-7", "Zhang Wei", "Deputy Mayor", SaltLake, "0979-8412345", null, null, null, Now), batch.Accepted[2].Item.Events[0]);
        Assert.Equal("leader:ldr-7", batch.Accepted[2].Item.StreamKey);
    }

    [Fact]
    public void GivenALeaderForAnUnknownArea_WhenTranslated_ThenRejectedSayingItIsNeitherRegionNorEnterprise() =>
        Assert.Equal("leaders: area 'tianjun' of leader 'ldr-8' is neither a registered region nor enterprise",
            SingleRejection(Given(Catalog, """{ "leaders": [{ "leaderId": "ldr-8", "name": "Li Na", "title": "Director", "areaId": "tianjun" }] }""")).Reason);

    [Fact]
    public void GivenACommissionerForAnUnknownRegion_WhenTranslated_ThenRejectedNamingTheRegion() =>
        Assert.Equal("commissioners: region 'tianjun' of commissioner 'cm-1' is not registered",
            SingleRejection(Given(Catalog, """{ "commissioners": [{ "commissionerId": "cm-1", "name": "Ma Lin", "regionId": "tianjun" }] }""")).Reason);

    [Fact]
    public void GivenACommissionerForAKnownRegion_WhenTranslated_ThenAssigned() =>
        Assert.Equal([new CommissionerAssigned("cm-1", "Ma Lin", "golmud", null, "ma.lin@haixi.example", null, Now)],
            Assert.Single(Given(Catalog, """{ "commissioners": [{ "commissionerId": "cm-1", "name": "Ma Lin", "regionId": "golmud", "email": "ma.lin@haixi.example" }] }""").Accepted).Item.Events);

    [Fact]
    public void GivenAnArrayInsteadOfADocument_WhenTranslated_ThenTheWholeBodyIsRejected() =>
        Assert.Equal("the body should be a JSON object with lists: regions, enterprises, protectedZones, leaders, commissioners, experts, stewards",
            Assert.Throws<RecordRejected>(() => When($"[{Golmud}]")).Message);

    [Fact]
    public void GivenASectionThatIsNotAList_WhenTranslated_ThenTheWholeBodyIsRejectedNamingTheSection() =>
        Assert.Equal("'regions' should be a list", Assert.Throws<RecordRejected>(() => When($$"""{ "regions": {{Golmud}} }""")).Message);

    [Fact]
    public void GivenARegisteredEnterprise_WhenItComesAgainWithANewCamera_ThenTheCameraIsRegisteredBesideTheKnownOnes()
    {
        var first = """[{ "siteId": "outfall-1", "kind": "outfall", "name": "Main outfall", "longitude": 94.95, "latitude": 36.45, "cameras": [{ "cameraId": "cam-1" }] }]""";
        var again = """[{ "siteId": "outfall-1", "kind": "outfall", "name": "Main outfall", "longitude": 94.95, "latitude": 36.45, "cameras": [{ "cameraId": "cam-1" }, { "cameraId": "cam-9" }] }]""";
        var known = Catalog.ApplyAll(Given(Catalog, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: first)}}] }""").Accepted.SelectMany(a => a.Item.Events));

        var keys = Given(known, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: again)}}] }""").Accepted.Select(a => a.Item.Key);

        Assert.Contains("master-data:camera:cam-9", keys);
    }

    [Fact]
    public void GivenOneCameraListedAtTwoSitesOfAnEntry_WhenTranslated_ThenTheEntryIsRejected()
    {
        var sites = """
            [{ "siteId": "outfall-1", "kind": "outfall", "name": "A", "longitude": 94.95, "latitude": 36.45, "cameras": [{ "cameraId": "cam-1" }] },
             { "siteId": "outfall-2", "kind": "outfall", "name": "B", "longitude": 94.96, "latitude": 36.45, "cameras": [{ "cameraId": "cam-1" }] }]
            """;

        var rejection = SingleRejection(Given(Catalog, $$"""{ "enterprises": [{{Enterprise(SaltLake, sites: sites)}}] }"""));

        Assert.Equal("enterprises: camera 'cam-1' is listed twice", rejection.Reason);
    }
}
