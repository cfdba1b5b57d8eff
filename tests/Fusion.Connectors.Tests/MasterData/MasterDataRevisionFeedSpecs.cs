using System.Text.Json;
using Fusion.Connectors.Cameras;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.MasterData;
using Fusion.Domain.Monitoring;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.MasterData;

/// <summary>A document naming what is already registered, as it stands now → revision events, once each.</summary>
public class MasterDataRevisionFeedSpecs
{
    static readonly DateTimeOffset Now = ReceivedAt;
    static readonly DateTimeOffset Nov25 = Tenures.StartOf(new DateOnly(2026, 11, 25));
    const string Mn = "010000A8900016F000169DC0";

    static TranslatedBatch Given(MasterDataCatalog known, string document, bool revise = true) =>
        MasterDataFeed.Translate(JsonDocument.Parse(document).RootElement, known, Now, revise: revise);

    /// <summary>The catalog after the batch is stored: as the pipeline does, an item whose key was stored before appends nothing.</summary>
    static MasterDataCatalog Applied(MasterDataCatalog known, TranslatedBatch batch) =>
        known.ApplyAll(batch.Accepted.Where(a => !Stored.Contains(a.Item.Key) && !Registration(a.Item.Key)).SelectMany(a => a.Item.Events));

    // Everything Known holds was registered under these keys; a registration key of an id already known is a duplicate.
    static readonly HashSet<string> Stored = [];
    static bool Registration(string key) =>
        key.Split(':') is [_, "enterprise" or "site" or "camera" or "monitor", var id] && (Catalog.Enterprises.ContainsKey(id) || Catalog.Sites.ContainsKey(id) || Catalog.Cameras.ContainsKey(id) || id == Mn);

    static object[] Events(TranslatedBatch batch, string keyPrefix) =>
        batch.Accepted.Where(a => a.Item.Key.StartsWith($"master-data:{keyPrefix}:", StringComparison.Ordinal)).SelectMany(a => a.Item.Events).ToArray();

    static string Doc(string revenue = "1200000000", string name = "Qarhan Salt Lake Potash", string region = "golmud",
        string camera = """{ "cameraId": "cam-1", "deviceCode": "63280100001320000001" }""", string cameraSite = "outfall-1",
        string monitor = $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 50 } }""", string monitorSite = "outfall-1") => $$"""
        { "enterprises": [{ "enterpriseId": "{{SaltLake}}", "name": "{{name}}", "industry": "potash fertiliser", "regionId": "{{region}}",
          "annualSalesRevenueYuan": {{revenue}}, "longitude": 94.95, "latitude": 36.45, "sites": [
            { "siteId": "outfall-1", "kind": "outfall", "name": "Main outfall", "longitude": 94.95, "latitude": 36.45,
              "cameras": [{{(cameraSite == "outfall-1" ? camera : "")}}], "monitors": [{{(monitorSite == "outfall-1" ? monitor : "")}}] },
            { "siteId": "tailings-1", "kind": "tailings-pond", "name": "North tailings pond", "longitude": 94.98, "latitude": 36.47,
              "cameras": [{{(cameraSite == "tailings-1" ? camera : "")}}], "monitors": [{{(monitorSite == "tailings-1" ? monitor : "")}}] }] }] }
        """;

    /// <summary>Haixi with the Salt Lake's monitor registered (COD limit 50).</summary>
    static readonly MasterDataCatalog Known = Catalog.ApplyAll(Given(Catalog, Doc()).Accepted.SelectMany(a => a.Item.Events));

    [Fact]
    public void GivenTheRegisteredDocumentAgain_WhenTranslated_ThenOnlyRegistrationsWhichAreDuplicates() =>
        Assert.All(Given(Known, Doc()).Accepted, a => Assert.Matches("^master-data:(enterprise|site|camera|monitor):[^:]+$", a.Item.Key));

    [Fact]
    public void GivenAnEnterpriseWithRevisedSales_WhenTranslated_ThenEnterpriseAmendedRevision1OnItsStream()
    {
        var batch = Given(Known, Doc(revenue: "1380000000"));

        var amended = Assert.Single(batch.Accepted, a => a.Item.Key.StartsWith($"master-data:enterprise-amended:{SaltLake}:1:", StringComparison.Ordinal)).Item;
        Assert.Equal(Fusion.Domain.Streams.Enterprise(SaltLake), amended.StreamKey);
        Assert.Equal([new EnterpriseAmended(SaltLake, 1, "golmud", "Qarhan Salt Lake Potash", "potash fertiliser", 1_380_000_000m, 94.95, 36.45, Now)], amended.Events);
        Assert.Equal(1_380_000_000m, Applied(Known, batch).Enterprises[SaltLake].AnnualSalesRevenueYuan);
    }

    [Fact]
    public void GivenTheSameRevisionTwice_WhenTranslated_ThenTheSecondIsNoRevision_AndTwoSilosStillBehindGiveItOneKey()
    {
        var first = Given(Known, Doc(revenue: "1380000000"));
        var elsewhere = Given(Known, Doc(revenue: "1380000000.00"));
        var again = Given(Applied(Known, first), Doc(revenue: "1380000000"));

        Assert.Empty(Events(again, "enterprise-amended"));
        Assert.Equal(first.Accepted.Select(a => a.Item.Key), elsewhere.Accepted.Select(a => a.Item.Key));
    }

    [Fact]
    public void GivenARevisionUndoneAndRedone_WhenTranslated_ThenEachIsItsOwnRevision()
    {
        var keys = new List<string>();
        var catalog = Known;
        foreach (var revenue in new[] { "1380000000", "1200000000", "1380000000" })
        {
            var batch = Given(catalog, Doc(revenue: revenue));
            keys.Add(Assert.Single(batch.Accepted, a => a.Item.Key.Contains("enterprise-amended")).Item.Key);
            catalog = Applied(catalog, batch);
        }

        Assert.Equal(3, keys.Distinct().Count());
        Assert.Equal(3, catalog.Enterprises[SaltLake].Revision);
    }

    [Fact]
    public void GivenAnotherRegion_WhenTranslated_ThenTheEntryIsRejectedNamingTheField() =>
        Assert.Equal($"enterprises: 'regionId' of enterprise '{SaltLake}' is 'delingha', but it is registered in 'golmud'; an enterprise's region cannot be amended",
            Assert.Single(Given(Known, Doc(region: "delingha")).Rejected).Reason);

    [Fact]
    public void GivenTheSeedWithOlderValues_WhenLoadedWithoutRevising_ThenItIsAllDuplicatesAndUndoesNothing()
    {
        var amended = Applied(Known, Given(Known, Doc(revenue: "1380000000", cameraSite: "tailings-1")));

        var seed = Given(amended, Doc(), revise: false);

        Assert.Empty(seed.Rejected);
        Assert.All(seed.Accepted, a => Assert.True(Registration(a.Item.Key)));
        Assert.Equal(1_380_000_000m, Applied(amended, seed).Enterprises[SaltLake].AnnualSalesRevenueYuan);
        Assert.Equal("tailings-1", Applied(amended, seed).Cameras["cam-1"].SiteId);
    }

    [Fact]
    public void GivenACameraListedAtAnotherSite_WhenTranslated_ThenCameraMoved() =>
        Assert.Equal([new CameraMoved("cam-1", 1, "tailings-1", SaltLake, "golmud", "63280100001320000001", "outfall-1", Now)],
            Events(Given(Known, Doc(cameraSite: "tailings-1")), "camera-moved"));

    [Fact]
    public void GivenACameraRetiredOnADay_WhenTranslated_ThenRetiredFromThatDayOnce_AndARetiredCameraDoesNotMove()
    {
        var retire = Given(Known, Doc(camera: """{ "cameraId": "cam-1", "deviceCode": "63280100001320000001", "retiredOn": "2026-11-25" }"""));
        var retired = Applied(Known, retire);

        Assert.Equal([new CameraRetired("cam-1", "outfall-1", SaltLake, "golmud", "63280100001320000001", Nov25, Now)], Events(retire, "camera-retired"));
        Assert.Empty(Events(Given(retired, Doc()), "camera-retired"));
        Assert.Equal($"enterprises: 'siteId' of camera 'cam-1': it was retired from 2026-11-25 at site 'outfall-1'; a retired camera does not move (register the device under a new id)",
            Assert.Single(Given(retired, Doc(cameraSite: "tailings-1")).Rejected).Reason);
    }

    [Fact]
    public void GivenNewLimitsFromADay_WhenTranslated_ThenMonitorLimitsChanged_AndLimitsFromBeforeThemAreRefused()
    {
        var change = Given(Known, Doc(monitor: $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 40 }, "limitsFrom": "2026-11-25" }"""));
        var changed = Applied(Known, change);

        Assert.Equal([new MonitorLimitsChanged(Mn, 1, "outfall-1", SaltLake, "golmud", new Dictionary<string, double> { ["w01018"] = 40 }, Nov25, Now)],
            Events(change, "monitor-limits"), new LimitsComparer());
        Assert.Contains("'limitsFrom' of monitor", Assert.Single(Given(changed,
            Doc(monitor: $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 30 }, "limitsFrom": "2026-11-24" }""")).Rejected).Reason);
    }

    [Fact]
    public void GivenARetirementOrLimitsFromADayStillToCome_WhenTranslated_ThenRefusedNamingTheField()
    {
        Assert.Equal("enterprises: 'retiredOn' of camera 'cam-1' is 2026-11-29, a day still to come; post the change on or after the day it takes effect",
            Assert.Single(Given(Known, Doc(camera: """{ "cameraId": "cam-1", "retiredOn": "2026-11-29" }""")).Rejected).Reason);
        Assert.StartsWith($"enterprises: 'limitsFrom' of monitor '{Mn}' is 2026-11-29",
            Assert.Single(Given(Known, Doc(monitor: $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 40 }, "limitsFrom": "2026-11-29" }""")).Rejected).Reason);
    }

    [Fact]
    public void GivenAMonitorListedWithoutLimits_WhenTranslated_ThenItsLimitsStayAsTheyAre() =>
        Assert.Empty(Events(Given(Known, Doc(monitor: $$"""{ "monitorId": "{{Mn}}", "accessPassword": "654321" }""")), "monitor-limits"));

    [Fact]
    public void GivenAMonitorMovedWithNewLimits_WhenTranslated_ThenMovedThenLimitsChangedAtTheNewSite_Revisions1And2()
    {
        var batch = Given(Known, Doc(monitorSite: "tailings-1", monitor: $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 40 } }"""));

        var moved = Assert.IsType<MonitorMoved>(Assert.Single(Events(batch, "monitor-moved")));
        var limits = Assert.IsType<MonitorLimitsChanged>(Assert.Single(Events(batch, "monitor-limits")));
        Assert.Equal((1, "tailings-1", 2, "tailings-1", Now), (moved.Revision, moved.SiteId, limits.Revision, limits.SiteId, limits.EffectiveFrom));
    }

    [Fact]
    public void GivenChangedLimits_WhenDataArrive_ThenEachPeriodIsJudgedByTheLimitsInForceThen()
    {
        var changed = Applied(Known, Given(Known, Doc(monitor: $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 40 }, "limitsFrom": "2026-11-25" }""")));

        Assert.Empty(Exceedances(changed, "20261124230000", 45));
        Assert.Equal(40, Assert.Single(Exceedances(changed, "20261125000000", 45)).Limit);
    }

    [Fact]
    public void GivenARetiredMonitor_WhenItsDataForAPeriodAfterArrive_ThenRefusedWithTheReason_AndDataBeforeAreTaken()
    {
        var retired = Applied(Known, Given(Known, Doc(monitor: $$"""{ "monitorId": "{{Mn}}", "limits": { "w01018": 50 }, "retiredOn": "2026-11-25" }""")));

        Assert.Equal($"MN '{Mn}' was retired from 2026-11-25; its data for periods from then are refused",
            Assert.Throws<RecordRejected>(() => Exceedances(retired, "20261125010000", 45)).Message);
        Assert.Empty(Exceedances(retired, "20261124230000", 45));
    }

    [Fact]
    public void GivenARetiredCamera_WhenItsAlarmArrives_ThenRefusedWithTheReason()
    {
        var retired = Applied(Known, Given(Known, Doc(camera: """{ "cameraId": "cam-1", "retiredOn": "2026-11-20" }""")));

        FeedSpec.Given(retired).When(new CameraAlarmFeed(), FeedSpec.Record(new CameraAlarmRecord("alarm-1", "cam-1", "abnormal-discharge", 0.9, Now)))
            .ThenRejected("camera 'cam-1' was retired from 2026-11-20; its alarms from then are refused");
    }

    static IEnumerable<EmissionLimitExceeded> Exceedances(MasterDataCatalog catalog, string dataTime, double cod) =>
        Hj212Feed.Translate(Hj212Parser.Parse($"QN=20261201090030123;ST=32;CN=2061;PW=123456;MN={Mn};Flag=5;CP=&&DataTime={dataTime};w01018-Avg={cod},w01018-Flag=N&&"),
            catalog, Now).SelectMany(i => i.Events).OfType<EmissionLimitExceeded>().ToList();

    sealed class LimitsComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) =>
            x is MonitorLimitsChanged a && y is MonitorLimitsChanged b
                ? a with { Limits = b.Limits } == b && a.Limits.OrderBy(l => l.Key).SequenceEqual(b.Limits.OrderBy(l => l.Key))
                : object.Equals(x, y);

        public int GetHashCode(object obj) => 0;
    }
}
