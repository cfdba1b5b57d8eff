using Fusion.Domain.Common;
using Fusion.Domain.Suggestions;
using Fusion.Domain.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;
using static Fusion.Domain.Tests.Warnings.WarningSpec;

namespace Fusion.Domain.Tests.Suggestions;

/// <summary>Measure 10: submitted → assigned with its response deadline → answered (late or not); a breached deadline warns.</summary>
public class SuggestionSpecs
{
    static readonly SuggestionPolicy Policy = new() { ResponseDays = 90 };
    static readonly SuggestionSubmitted Submitted = new("S-1", "关于加强盐湖周边扬尘治理的建议", "...", "张代表", SuggestionGroup.PeoplesCongressDeputy, "格尔木代表团", Golmud,
        new DateOnly(2026, 11, 2), "office", T0);
    // T0 is 2026-11-02 09:00 in Beijing: 90 days on is 2027-01-31.
    static readonly SuggestionAssigned Assigned = new("S-1", "州生态环境局", Golmud, new DateOnly(2026, 11, 2), new DateOnly(2027, 1, 31), "多杰太", T0);

    static object[] Decide(SuggestionCommand command, params object[] history)
    {
        try { return SuggestionDecider.Decide(command, Suggestion.Fold(history)); }
        catch (Exception e) when (e is DomainRejected or TransitionRefused) { return [e]; }
    }

    [Fact]
    public void GivenNothing_WhenSubmitted_ThenSubmittedWithItsGroup_AndTheSameAgainDecidesNothing()
    {
        var command = new SubmitSuggestion("S-1", "关于加强盐湖周边扬尘治理的建议", "...", "张代表", SuggestionGroup.PeoplesCongressDeputy, "格尔木代表团", Golmud, null, "office", T0);
        Assert.Equal(Submitted, Assert.Single(Decide(command)));
        Assert.Empty(Decide(command, Submitted));
    }

    [Fact]
    public void GivenASubmission_WhenAssigned_ThenItsDeadlineIsTheResponseDaysOnInBeijing() =>
        Assert.Equal(Assigned, Assert.Single(Decide(new AssignSuggestion("州生态环境局", null, "多杰太", Policy, T0), Submitted)));

    [Fact]
    public void GivenAnAssignment_WhenAnsweredOnItsLastDay_ThenInTime_AndTheDayAfter_ThenLate()
    {
        var lastDay = new DateTimeOffset(2027, 1, 31, 23, 0, 0, Beijing);
        Assert.False(Assert.IsType<SuggestionAnswered>(Assert.Single(Decide(new AnswerSuggestion("已部署专项整治", "dept", lastDay), Submitted, Assigned))).Late);
        Assert.True(Assert.IsType<SuggestionAnswered>(Assert.Single(Decide(new AnswerSuggestion("已部署专项整治", "dept", lastDay + Hours(1)), Submitted, Assigned))).Late);
    }

    [Fact]
    public void GivenASessionsSuggestion_WhenItsAssignmentDocumentIsRecordedLater_ThenTheDeadlineRunsFromTheDocumentsDay()
    {
        var proposed = Submitted with { ProposedOn = new DateOnly(2026, 3, 10) };
        Assert.Equal(new DateOnly(2026, 7, 18), Assert.IsType<SuggestionAssigned>(Assert.Single(Decide(new AssignSuggestion("州生态环境局", new DateOnly(2026, 4, 19), "x", Policy, T0), proposed))).RespondBy);
        Assert.Contains("'assignedOn'", Assert.IsType<DomainRejected>(Assert.Single(Decide(new AssignSuggestion("州生态环境局", new DateOnly(2026, 3, 1), "x", Policy, T0), proposed))).Message);
        Assert.Contains("'assignedOn'", Assert.IsType<DomainRejected>(Assert.Single(Decide(new AssignSuggestion("州生态环境局", new DateOnly(2026, 11, 3), "x", Policy, T0), proposed))).Message);
    }

    [Fact]
    public void GivenAnAssignmentWhoseDeadlineHadPassedWhenRecorded_WhenObserved_ThenTheWarningIsRaisedAtOnce() =>
        Assert.Equal("suggestion:S-1", Given(Overdue).In($"region:{Golmud}").And(Submitted with { ProposedOn = new DateOnly(2026, 3, 10) })
            .When(Assigned with { AssignedOn = new DateOnly(2026, 4, 19), RespondBy = new DateOnly(2026, 7, 18) }).Then<WarningRaised>().Evidence.Single().EventId);

    [Fact]
    public void GivenASubmission_WhenAnsweredBeforeAssignment_ThenRefused() =>
        Assert.Contains("assign it first", Assert.IsType<TransitionRefused>(Assert.Single(Decide(new AnswerSuggestion("a", "b", T0), Submitted))).Message);

    [Fact]
    public void GivenAnAssignment_WhenAssignedToAnotherDepartment_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new AssignSuggestion("州水利局", null, "x", Policy, T0), Submitted, Assigned)));

    [Fact]
    public void GivenASubmissionWithoutATitle_WhenSubmitted_ThenRejectedNamingTheField() =>
        Assert.Contains("'title'", Assert.IsType<DomainRejected>(Assert.Single(Decide(
            new SubmitSuggestion("S-2", " ", "...", "李委员", SuggestionGroup.CppccMember, null, Golmud, null, "office", T0)))).Message);

    // The warning rule (deadline, of: suggestion) on the region

    static readonly DeadlineRule Overdue = new("suggestion-overdue", Severity.Medium, WarningSubject.Region, "{region} suggestion overdue", true, Days(2), null, null, DeadlineOf.Suggestion);
    static readonly TimeSpan ToDeadlinePassed = new DateTimeOffset(2027, 2, 1, 0, 0, 0, Beijing) - T0;

    [Fact]
    public void GivenAnAssignedSuggestion_WhenItsLastDayEnds_ThenTheRegionsLeadersAreWarned()
    {
        var spec = Given(Overdue).In($"region:{Golmud}").And(Submitted, Assigned);
        spec.WhenClockMoves(ToDeadlinePassed - Hours(1)).ThenNothing();
        var raised = spec.WhenClockMoves(Hours(1)).Then<WarningRaised>();
        Assert.Equal((WarningSubject.Region, Golmud, "suggestion:S-1"), (raised.Subject, raised.SubjectId, raised.Evidence.Single().EventId));
        Assert.Equal(["L-GOLMUD"], raised.Recipients.Select(r => r.RecipientId));
    }

    [Fact]
    public void GivenAnOverdueWarning_WhenTheSuggestionIsAnswered_ThenItResolvesItself()
    {
        var spec = Given(Overdue).In($"region:{Golmud}").And(Submitted, Assigned, ToDeadlinePassed);
        Assert.True(spec.When(new SuggestionAnswered("S-1", "州生态环境局", Golmud, "answer", true, "dept", T0 + ToDeadlinePassed + Days(1))).Then<WarningResolved>().ByRule);
    }

    [Fact]
    public void GivenASuggestionAnsweredInTime_WhenItsDeadlinePasses_ThenNothing() =>
        Given(Overdue).In($"region:{Golmud}").And(Submitted, Assigned, new SuggestionAnswered("S-1", "州生态环境局", Golmud, "answer", false, "dept", T0 + Days(30)))
            .WhenClockMoves(Days(100)).ThenNothing();

    [Fact]
    public void GivenAFindingDeadlineRule_WhenASuggestionIsOverdue_ThenItIsNotItsConcern() =>
        Given(new DeadlineRule("overdue", Severity.High, WarningSubject.Enterprise, "x", true, Days(1), null, null)).In($"region:{Golmud}").And(Submitted, Assigned)
            .WhenClockMoves(Days(100)).ThenNothing();

    [Fact]
    public void GivenADeadlineRuleOfSuggestionsAboutAnEnterprise_WhenParsed_ThenRefusedNamingTheSubject() =>
        Assert.Contains("rule 'x': field 'subject': a suggestion is about a region", WarningRuleSet.Parse([new RuleSpec
        {
            Id = "x", Kind = "deadline", Of = "suggestion", Severity = "medium", Subject = "enterprise", Message = "m", AcknowledgeWithin = "1.00:00:00",
        }]).Errors);

    [Fact]
    public void GivenTheShippedKindOfRule_WhenParsed_ThenADeadlineRuleOfSuggestions() =>
        Assert.Equal(DeadlineOf.Suggestion, Assert.IsType<DeadlineRule>(Assert.Single(WarningRuleSet.Parse([new RuleSpec
        {
            Id = "x", Kind = "deadline", Of = "suggestion", Severity = "medium", Subject = "region", Message = "m", AcknowledgeWithin = "1.00:00:00",
        }]).Rules.Rules)).Of);
}
