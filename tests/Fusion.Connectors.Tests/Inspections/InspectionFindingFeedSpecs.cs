using System.Text.Json.Nodes;
using Fusion.Connectors.Inspections;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.Common;
using Fusion.Domain.Inspections;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Inspections;

public class InspectionFindingFeedSpecs
{
    static readonly InspectionFindingFeed Feed = new();
    static readonly DateTimeOffset RecordedAt = new(2026, 11, 27, 16, 40, 0, Beijing);

    static readonly JsonObject Finding = FeedSpec.Record(new InspectionFindingRecord(
        "HX-DC-2026-118", SaltLake, "Tailings pond seepage not contained", "high", new DateOnly(2026, 12, 31),
        "Commissioner Li", RecordedAt, SiteId: "tailings-1"));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenAFindingAtARegisteredSite_WhenTranslated_ThenItIsRecordedOnItsOwnStream() =>
        When(Finding)
            .ThenEvents(new InspectionFindingRecorded("HX-DC-2026-118", SaltLake, "golmud", "tailings-1",
                "Tailings pond seepage not contained", Severity.High, new DateOnly(2026, 12, 31), "Commissioner Li", RecordedAt))
            .ThenKeys("inspection-findings:HX-DC-2026-118", "inspection:HX-DC-2026-118");

    [Fact]
    public void GivenAFindingAboutTheWholeEnterprise_WhenTranslated_ThenItHasNoSite() =>
        Assert.Null(When(Finding.Without("siteId")).ThenSingle<InspectionFindingRecorded>().SiteId);

    [Fact]
    public void GivenRectifyByTheSameDayAsRecorded_WhenTranslated_ThenItIsAccepted() =>
        Assert.Equal(new DateOnly(2026, 11, 27), When(Finding.With("rectifyBy", "2026-11-27")).ThenSingle<InspectionFindingRecorded>().RectifyBy);

    [Fact]
    public void GivenRectifyByBeforeTheFindingWasRecorded_WhenTranslated_ThenRejectedGivingBothDates() =>
        When(Finding.With("rectifyBy", "2026-11-26")).ThenRejected("'rectifyBy' 2026-11-26 is before the finding was recorded (2026-11-27)");

    /// <summary>00:30 on 28 November in Beijing is still 27 November in UTC; the local date counts.</summary>
    [Fact]
    public void GivenRecordedJustAfterMidnightBeijingTime_WhenRectifyByIsThePreviousDay_ThenRejected() =>
        When(Finding.With("recordedAt", "2026-11-28T00:30:00+08:00").With("rectifyBy", "2026-11-27")).ThenRejected(
            "'rectifyBy' 2026-11-27 is before the finding was recorded (2026-11-28)");

    [Fact]
    public void GivenRectifyByInAnotherFormat_WhenTranslated_ThenRejectedShowingTheExpectedForm() =>
        When(Finding.With("rectifyBy", "31/12/2026")).ThenRejected("'rectifyBy' should be a date like 2026-12-31, not '31/12/2026'");

    [Fact]
    public void GivenNoEnterprise_WhenTranslated_ThenRejectedAsMissing() =>
        When(Finding.Without("enterpriseId")).ThenRejected("'enterpriseId' is missing or empty");

    [Fact]
    public void GivenAnUnregisteredEnterprise_WhenTranslated_ThenRejectedNamingIt() =>
        When(Finding.With("enterpriseId", Stranger).Without("siteId")).ThenRejected($"enterprise '{Stranger}' is not registered in master data");

    [Fact]
    public void GivenACreditCodeWithALetterO_WhenTranslated_ThenRejectedPointingAtIt() =>
        When(Finding.With("enterpriseId", "91632801MA7523XKOA")).ThenRejected(
            "the unified social credit code '91632801MA7523XKOA' has 'O' at position 17, which is not allowed (capitals only, no I, O, S, V, Z)");

    [Fact]
    public void GivenASiteOfAnotherEnterprise_WhenTranslated_ThenRejectedNamingItsOwner() =>
        When(Finding.With("siteId", "slag-2")).ThenRejected($"site 'slag-2' belongs to enterprise '{SodaAsh}', not '{SaltLake}'");

    [Fact]
    public void GivenAnUnknownSeverity_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(Finding.With("severity", "severe")).ThenRejected("'severity' is 'severe'; use one of: low, medium, high, critical");

    [Fact]
    public void GivenNoRecorder_WhenTranslated_ThenRejectedAsMissing() =>
        When(Finding.With("recordedBy", null)).ThenRejected("'recordedBy' is missing or empty");
}
