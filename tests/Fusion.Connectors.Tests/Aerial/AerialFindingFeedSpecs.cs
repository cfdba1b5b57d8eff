using System.Text.Json.Nodes;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.Aerial;
using Fusion.Domain.Common;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Aerial;

public class AerialFindingFeedSpecs
{
    static readonly AerialFindingFeed Feed = new();
    static readonly DateTimeOffset ObservedAt = new(2026, 11, 27, 14, 5, 0, Beijing);

    /// <summary>A drone sees dust 667 m north of the Golmud outfall; the patrol does not know whose it is.</summary>
    static readonly JsonObject NearTheOutfall = FeedSpec.Record(new AerialFindingRecord(
        "uav-2026-1127-07", "drone", "dust plume", "high", OutfallLongitude, OutfallLatitude + NorthBy(667), ObservedAt,
        Description: "yellow dust over the pond road"));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenAFindingWithin800mOfASite_WhenTranslated_ThenItIsAttributedToThatSiteAndItsEnterprise() =>
        When(NearTheOutfall).ThenEvents(new AerialFindingRecorded(
            "uav-2026-1127-07", AerialPlatform.Drone, "dust plume", Severity.High, OutfallLongitude, OutfallLatitude + NorthBy(667),
            "golmud", SaltLake, "outfall-1", null, "yellow dust over the pond road", null, ObservedAt))
            .ThenKeys("aerial-findings:uav-2026-1127-07", SaltLake);

    [Fact]
    public void GivenAFinding900mFromTheNearestSite_WhenTranslated_ThenItGoesUnattributedToTheRegionStream()
    {
        var outcome = When(NearTheOutfall.With("latitude", OutfallLatitude - NorthBy(900)));

        var finding = outcome.ThenKeys("aerial-findings:uav-2026-1127-07", "region:golmud").ThenSingle<AerialFindingRecorded>();
        Assert.Equal(("golmud", (string?)null, (string?)null), (finding.RegionId, finding.EnterpriseId, finding.SiteId));
    }

    [Fact]
    public void GivenAFindingAtAnIndustrialParksCentre_WhenUnattributed_ThenItGoesToTheCountyLevelRegionNotThePark() =>
        When(NearTheOutfall.With("longitude", 95.2).With("latitude", 36.8)).ThenKeys("aerial-findings:uav-2026-1127-07", "region:golmud");

    [Fact]
    public void GivenAFindingInsideAWetlandReserve_WhenTranslated_ThenItCarriesTheZoneAndGoesToTheNearestRegion()
    {
        var outcome = When(NearTheOutfall.With("longitude", 96.90).With("latitude", 37.28));

        var finding = outcome.ThenKeys("aerial-findings:uav-2026-1127-07", "region:delingha").ThenSingle<AerialFindingRecorded>();
        Assert.Equal(("keluke-lake", "delingha"), (finding.ProtectedZoneId, finding.RegionId));
    }

    [Fact]
    public void GivenAFindingOutsideAnyZone_WhenTranslated_ThenItHasNoZone() =>
        Assert.Null(When(NearTheOutfall).ThenSingle<AerialFindingRecorded>().ProtectedZoneId);

    [Fact]
    public void GivenTheSiteNamedByThePatrol_WhenTranslated_ThenThatSiteIsUsedEvenFarAway()
    {
        var finding = When(NearTheOutfall.With("siteId", "tailings-1").With("latitude", 37.0)).ThenSingle<AerialFindingRecorded>();

        Assert.Equal(("tailings-1", SaltLake), (finding.SiteId, finding.EnterpriseId));
    }

    [Fact]
    public void GivenTheEnterpriseNamedByThePatrol_WhenTranslated_ThenItIsAttributedWithoutASite() =>
        When(NearTheOutfall.With("enterpriseId", SodaAsh)).ThenKeys("aerial-findings:uav-2026-1127-07", SodaAsh);

    [Fact]
    public void GivenAnUnknownPlatform_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(NearTheOutfall.With("platform", "balloon")).ThenRejected("'platform' is 'balloon'; use one of: drone, helicopter, satellite");

    [Fact]
    public void GivenNoSeverity_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(NearTheOutfall.Without("severity")).ThenRejected("'severity' is missing; use one of: low, medium, high, critical");

    [Fact]
    public void GivenLatitudeAndLongitudeSwapped_WhenTranslated_ThenRejectedAsNotInHaixi() =>
        When(NearTheOutfall.With("longitude", 36.45).With("latitude", 94.95)).ThenRejectedSaying(
            "is not in Haixi", "give longitude (about 90–100) and latitude (about 35–39.5) in degrees");

    [Fact]
    public void GivenNoLongitude_WhenTranslated_ThenRejectedAsMissing() =>
        When(NearTheOutfall.Without("longitude")).ThenRejected("'longitude' is missing");

    [Fact]
    public void GivenAnUnregisteredSite_WhenTranslated_ThenRejectedNamingIt() =>
        When(NearTheOutfall.With("siteId", "pond-404")).ThenRejected("site 'pond-404' is not registered in master data");

    [Fact]
    public void GivenAnUnregisteredEnterprise_WhenTranslated_ThenRejectedNamingIt() =>
        When(NearTheOutfall.With("enterpriseId", Stranger)).ThenRejected($"enterprise '{Stranger}' is not registered in master data");

    [Fact]
    public void GivenAMistypedCreditCode_WhenTranslated_ThenRejectedWithTheCodesProblem() =>
        When(NearTheOutfall.With("enterpriseId", "91632801MA7523XK8B")).ThenRejected(
            "the unified social credit code '91632801MA7523XK8B' has check character 'B' but its first 17 characters give 'A'");

    [Fact]
    public void GivenASiteOfAnotherEnterprise_WhenTranslated_ThenRejectedNamingItsOwner() =>
        When(NearTheOutfall.With("enterpriseId", SodaAsh).With("siteId", "outfall-1")).ThenRejected(
            $"site 'outfall-1' belongs to enterprise '{SaltLake}', not '{SodaAsh}'");
}
