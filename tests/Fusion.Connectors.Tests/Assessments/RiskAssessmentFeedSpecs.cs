using System.Text.Json.Nodes;
using Fusion.Connectors.Assessments;
using Fusion.Connectors.Tests.Ingest;
using Fusion.Domain.Assessments;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Assessments;

/// <summary>Third-party risk pre-assessments (measure 3): each open issue a signal like a finding, resolved by a later assessment.</summary>
public class RiskAssessmentFeedSpecs
{
    static readonly RiskAssessmentFeed Feed = new();
    static readonly DateTimeOffset AssessedAt = new(2026, 11, 20, 15, 0, 0, Beijing);

    static readonly JsonObject OfTheSaltLake = FeedSpec.Record(new RiskAssessmentRecord(
        "PA-2026-031", "enterprise", SaltLake, "青海环科评估有限公司", "较大",
        [new("I-1", "tailings pond liner worn at the north edge", "重大"), new("I-2", "no emergency pond for the outfall", "medium")],
        new DateOnly(2027, 1, 31), AssessedAt));

    static FeedOutcome When(JsonObject record) => FeedSpec.Given(Catalog).When(Feed, record);

    [Fact]
    public void GivenAnEnterprisesAssessment_WhenTranslated_ThenTheAssessmentAndEachIssueAreRecordedOnItsStream()
    {
        var item = When(OfTheSaltLake).ThenKeys("risk-assessments:PA-2026-031", SaltLake).ThenAccepted();

        Assert.Equal(new RiskPreAssessmentRecorded("PA-2026-031", AssessedSubject.Enterprise, SaltLake, "golmud", SaltLake, Severity.Medium, 2,
            new DateOnly(2027, 1, 31), "青海环科评估有限公司", AssessedAt), item.Events[0]);
        var issue = Assert.IsType<AssessmentIssueFound>(item.Events[1]);
        Assert.Equal(("I-1", Severity.High), (issue.IssueId, issue.Severity));
    }

    [Fact]
    public void GivenAnOpenIssue_WhenItBecomesASignal_ThenItHoldsLikeAFindingUntilTheRemediationIsDue()
    {
        var signal = RiskSignals.From(When(OfTheSaltLake).ThenAccepted().Events[1], 9)!;

        Assert.Equal(("assessment:PA-2026-031:I-1", SignalKind.AssessmentIssue, SaltLake, new DateOnly(2027, 1, 31)),
            (signal.SignalId, signal.Kind, signal.EnterpriseId, signal.OpenUntil));
    }

    [Fact]
    public void GivenAFollowUpFindingAnIssueResolved_WhenTranslated_ThenTheIssuesSignalLeavesTheEnterprisesScore()
    {
        var followUp = OfTheSaltLake.With("assessmentId", "PA-2027-002").With("issues", new JsonArray())
            .With("resolvedIssues", new JsonArray(new JsonObject { ["assessmentId"] = "PA-2026-031", ["issueId"] = "I-1" }));
        var resolved = Assert.IsType<AssessmentIssueResolved>(When(followUp).ThenAccepted().Events[1]);

        var change = RiskStateChanges.From(resolved, 12);
        Assert.Equal((SaltLake, "assessment:PA-2026-031:I-1"), (change?.EnterpriseId, change?.ClosedSignalId));
    }

    [Fact]
    public void GivenAProtectedZonesAssessment_WhenTranslated_ThenItsIssuesAreRegionLevelInsideTheZoneAndFade()
    {
        var item = When(OfTheSaltLake.With("subjectKind", "protected-zone").With("subjectId", "keluke-lake")).ThenKeys("risk-assessments:PA-2026-031", "zone:keluke-lake").ThenAccepted();

        var signal = RiskSignals.From(item.Events[1], 3)!;
        Assert.Equal(("delingha", (string?)null, true, (DateOnly?)null), (signal.RegionId, signal.EnterpriseId, signal.InsideProtectedZone, signal.OpenUntil));
    }

    [Fact]
    public void GivenAnIndustrialPark_WhenTranslated_ThenItsIssuesGoToThePark() =>
        When(OfTheSaltLake.With("subjectKind", "industrial-park").With("subjectId", "golmud-park")).ThenKeys("risk-assessments:PA-2026-031", "region:golmud-park");

    [Fact]
    public void GivenACountyNamedAsAPark_WhenTranslated_ThenRejected() =>
        When(OfTheSaltLake.With("subjectKind", "industrial-park").With("subjectId", "golmud")).ThenRejected("industrial park 'golmud' is not registered in master data");

    [Fact]
    public void GivenAnUnknownGrade_WhenTranslated_ThenRejectedListingTheChoices() =>
        When(OfTheSaltLake.With("riskLevel", "severe")).ThenRejected("'riskLevel' is 'severe'; use one of: low, medium, high, critical, 一般, 较大, 重大, 特别重大");

    [Fact]
    public void GivenADueDateBeforeTheAssessment_WhenTranslated_ThenRejected() =>
        When(OfTheSaltLake.With("remediationDueBy", "2026-11-01")).ThenRejected("'remediationDueBy' 2026-11-01 is before the assessment (2026-11-20)");
}
