using Fusion.Domain.Common;
using Fusion.Domain.Rectification;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Rectification;

/// <summary>Every transition of a rectification case, allowed and refused.</summary>
public class RectificationDeciderSpecs
{
    const string Case = "finding-f1";
    static readonly DateOnly Nov30 = new(2026, 11, 30);
    static readonly DateTimeOffset DueAt = RectificationPolicy.DueAt(Nov30, Beijing);
    static readonly RectificationPolicy Policy = new();
    static readonly DateTimeOffset Now = T0.AddDays(3);

    static OpenCase Open(DateOnly? rectifyBy = null, Severity severity = Severity.High) =>
        new(Case, CaseOrigin.InspectionFinding, "f1", SaltLake, Golmud, Outfall, "untreated discharge", severity, rectifyBy, T0, ["k-1"], Policy, T0);

    static readonly RectificationCaseOpened Opened = RectificationDecider.Open(Open(Nov30));
    static readonly RectificationPlanSubmitted Submitted = new(Case, "f1", "reline the pond", "manager", T0.AddDays(1));
    static readonly RectificationPlanAccepted Accepted = new(Case, "f1", null, "k-1", T0.AddDays(2));
    static readonly RectificationPlanReturned Returned = new(Case, "f1", "no dates in the plan", "k-1", T0.AddDays(2));
    static readonly RectificationReportedComplete Reported = new(Case, "f1", "relined", "manager", T0.AddDays(10));
    static readonly RectificationVerified Verified = new(Case, "f1", SaltLake, Golmud, null, "k-1", T0.AddDays(11));
    static readonly RectificationRejected Rejected = new(Case, "f1", "still seeping", "k-1", T0.AddDays(11));
    static readonly RectificationOverdue Overdue = new(Case, "f1", SaltLake, Golmud, Nov30, ["k-1"], DueAt.AddSeconds(1));

    [Fact]
    public void GivenNothing_WhenOpenedForAFindingWithARectifyByDate_ThenTheDeadlineIsThatDayEndingInTheFindingsOffset() =>
        CaseSpec.Given().When(Open(Nov30)).Then(new RectificationCaseOpened(
            Case, CaseOrigin.InspectionFinding, "f1", SaltLake, Golmud, Outfall, "untreated discharge", Severity.High, Nov30, DueAt, false, ["k-1"], T0));

    [Theory]
    [InlineData(Severity.Low, 90)]
    [InlineData(Severity.Critical, 15)]
    public void GivenNothing_WhenOpenedWithoutARectifyByDate_ThenThePolicysDaysForTheSeverity(Severity severity, int days)
    {
        var opened = Assert.IsType<RectificationCaseOpened>(Assert.Single(CaseSpec.Given().When(Open(null, severity)).Events));
        Assert.Equal(DateOnly.FromDateTime(T0.Date).AddDays(days), opened.Deadline);
        Assert.True(opened.DeadlineDefaulted);
    }

    [Fact]
    public void GivenAnOpenCase_WhenOpenedAgain_ThenNothing() => CaseSpec.Given(Opened).When(Open(Nov30)).Then();

    [Fact]
    public void GivenNoCase_WhenAPlanIsSubmitted_ThenRefused() =>
        CaseSpec.Given().When(new SubmitPlan("plan", "manager", Now)).ThenRefused("no such case");

    [Fact]
    public void GivenAnOpenCase_WhenAPlanIsSubmitted_ThenPlanSubmitted() =>
        CaseSpec.Given(Opened).When(new SubmitPlan("reline the pond", "manager", T0.AddDays(1))).Then(Submitted);

    [Fact]
    public void GivenAReturnedPlan_WhenARevisedPlanIsSubmitted_ThenPlanSubmitted() =>
        CaseSpec.Given(Opened, Submitted, Returned).When(new SubmitPlan("reline the pond", "manager", T0.AddDays(1))).Then(Submitted);

    [Fact]
    public void GivenASubmittedPlan_WhenAnotherIsSubmitted_ThenRefused() =>
        CaseSpec.Given(Opened, Submitted).When(new SubmitPlan("again", "manager", Now)).ThenRefused("waiting for its plan to be accepted");

    [Fact]
    public void GivenASubmittedPlan_WhenAccepted_ThenPlanAccepted() =>
        CaseSpec.Given(Opened, Submitted).When(new AcceptPlan(null, "k-1", T0.AddDays(2))).Then(Accepted);

    [Fact]
    public void GivenASubmittedPlan_WhenSentBack_ThenPlanReturned() =>
        CaseSpec.Given(Opened, Submitted).When(new ReturnPlan("no dates in the plan", "k-1", T0.AddDays(2))).Then(Returned);

    [Fact]
    public void GivenNoPlan_WhenAccepted_ThenRefused() =>
        CaseSpec.Given(Opened).When(new AcceptPlan(null, "k-1", Now)).ThenRefused("awaiting a rectification plan");

    [Fact]
    public void GivenNoPlan_WhenSentBack_ThenRefused() =>
        CaseSpec.Given(Opened).When(new ReturnPlan("why", "k-1", Now)).ThenRefused("awaiting a rectification plan");

    [Fact]
    public void GivenAnAcceptedPlan_WhenWorkIsReportedComplete_ThenReportedComplete() =>
        CaseSpec.Given(Opened, Submitted, Accepted).When(new ReportComplete("relined", "manager", T0.AddDays(10))).Then(Reported);

    [Fact]
    public void GivenAPlanNotYetAccepted_WhenWorkIsReportedComplete_ThenRefused() =>
        CaseSpec.Given(Opened, Submitted).When(new ReportComplete("relined", "manager", Now)).ThenRefused("Cannot report the work complete");

    [Fact]
    public void GivenWorkReportedComplete_WhenVerified_ThenVerifiedAndTheCaseIsClosed()
    {
        var spec = CaseSpec.Given(Opened, Submitted, Accepted, Reported);
        Assert.True(spec.State!.IsOpen); // reported complete is not closed
        spec.When(new VerifyCompletion(null, "k-1", T0.AddDays(11))).Then(Verified);
        Assert.False(spec.And(Verified).State!.IsOpen);
    }

    [Fact]
    public void GivenWorkReportedComplete_WhenRejected_ThenRejectedAndTheWorkIsInProgressAgain()
    {
        var spec = CaseSpec.Given(Opened, Submitted, Accepted, Reported);
        spec.When(new RejectCompletion("still seeping", "k-1", T0.AddDays(11))).Then(Rejected);
        Assert.Equal(CaseStatus.InProgress, spec.And(Rejected).State!.Status);
        spec.When(new ReportComplete("relined", "manager", T0.AddDays(10))).Then(Reported);
    }

    [Fact]
    public void GivenWorkInProgress_WhenVerified_ThenRefused() =>
        CaseSpec.Given(Opened, Submitted, Accepted).When(new VerifyCompletion(null, "k-1", Now)).ThenRefused("in progress");

    [Fact]
    public void GivenWorkInProgress_WhenRejected_ThenRefused() =>
        CaseSpec.Given(Opened, Submitted, Accepted).When(new RejectCompletion("no", "k-1", Now)).ThenRefused("in progress");

    [Fact]
    public void GivenAVerifiedCase_WhenVerifiedAgain_ThenNothing() =>
        CaseSpec.Given(Opened, Submitted, Accepted, Reported, Verified).When(new VerifyCompletion(null, "k-1", Now)).Then();

    [Theory]
    [MemberData(nameof(CommandsOnAClosedCase))]
    public void GivenAVerifiedCase_WhenAnythingElse_ThenRefusedBecauseItIsClosed(CaseCommand command) =>
        CaseSpec.Given(Opened, Submitted, Accepted, Reported, Verified).When(command).ThenRefused("verified and is closed");

    public static TheoryData<CaseCommand> CommandsOnAClosedCase() =>
    [
        new SubmitPlan("p", "m", Now), new AcceptPlan(null, "k", Now), new ReturnPlan("r", "k", Now), new ReportComplete("r", "m", Now),
        new RejectCompletion("r", "k", Now), new ExtendDeadline(Nov30.AddDays(10), "r", "k", Now), new DeclareOverdue(DueAt.AddDays(1)),
    ];

    [Fact]
    public void GivenAnOpenCase_WhenTheDeadlineIsExtendedWithAReason_ThenExtendedToTheNewDayEndingInTheSameOffset() =>
        CaseSpec.Given(Opened, Submitted).When(new ExtendDeadline(Nov30.AddDays(14), "equipment delivery delayed", "k-1", Now))
            .Then(new RectificationDeadlineExtended(Case, "f1", Nov30, Nov30.AddDays(14), DueAt.AddDays(14), "equipment delivery delayed", "k-1", Now));

    [Fact]
    public void GivenAnOpenCase_WhenExtendedToAnEarlierDay_ThenRejected() =>
        CaseSpec.Given(Opened).When(new ExtendDeadline(Nov30, "no change", "k-1", Now)).ThenRejected("must be after the current one");

    [Fact]
    public void GivenAnOpenCase_WhenExtendedWithoutAReason_ThenRejected() =>
        CaseSpec.Given(Opened).When(new ExtendDeadline(Nov30.AddDays(3), " ", "k-1", Now)).ThenRejected("'reason' is required");

    [Fact]
    public void GivenAnOpenCase_WhenACommandNamesNobody_ThenRejected() =>
        CaseSpec.Given(Opened).When(new SubmitPlan("plan", "", Now)).ThenRejected("'by' is required");

    [Fact]
    public void GivenAnOverdueCase_WhenExtended_ThenRefused() =>
        CaseSpec.Given(Opened, Overdue).When(new ExtendDeadline(Nov30.AddDays(3), "late", "k-1", Now)).ThenRefused("went overdue");

    [Fact]
    public void GivenAnOpenCase_WhenDeclaredOverdueAtTheLastMomentOfItsDeadline_ThenRefused() =>
        CaseSpec.Given(Opened).When(new DeclareOverdue(DueAt)).ThenRefused("has not passed");

    [Fact]
    public void GivenAnOpenCase_WhenDeclaredOverdueJustAfterItsDeadline_ThenEscalatedToTheCommissionersAndAccountabilityRecorded() =>
        CaseSpec.Given(Opened, Submitted).When(new DeclareOverdue(DueAt.AddSeconds(1))).Then(
            Overdue,
            new AccountabilityRecorded(Case, "f1", SaltLake, Golmud, "Rectification of 'untreated discharge' not verified by its deadline 2026-11-30", DueAt.AddSeconds(1)));

    [Fact]
    public void GivenAnExtendedDeadline_WhenDeclaredOverdueAfterTheOldDeadline_ThenRefused() =>
        CaseSpec.Given(Opened, new RectificationDeadlineExtended(Case, "f1", Nov30, Nov30.AddDays(7), DueAt.AddDays(7), "delay", "k-1", Now))
            .When(new DeclareOverdue(DueAt.AddDays(1))).ThenRefused("2026-12-07 has not passed");

    [Fact]
    public void GivenAnOverdueCase_WhenDeclaredOverdueAgain_ThenNothing() =>
        CaseSpec.Given(Opened, Overdue).When(new DeclareOverdue(DueAt.AddDays(2))).Then();

    [Fact]
    public void GivenAnOverdueCase_WhenWorkIsVerified_ThenItStillCloses() =>
        CaseSpec.Given(Opened, Overdue, Submitted, Accepted, Reported).When(new VerifyCompletion(null, "k-1", T0.AddDays(11))).Then(Verified);
}
