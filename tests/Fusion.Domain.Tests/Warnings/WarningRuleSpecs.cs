using System.Collections.Immutable;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;
using static Fusion.Domain.Tests.Warnings.WarningSpec;

namespace Fusion.Domain.Tests.Warnings;

public class CountRuleSpecs
{
    [Fact]
    public void GivenTwoAlarmsIn24h_WhenAThirdArrives_ThenAWarningIsRaisedWithAllThreeAsEvidence()
    {
        var raised = Given(Count()).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(2)))
            .When(Alarm("a3", T0 + Hours(5))).Then<WarningRaised>();
        Assert.Equal(("discharge", WarningSubject.Site, Outfall, SaltLake, Severity.High), (raised.RuleId, raised.Subject, raised.SubjectId, raised.EnterpriseId, raised.Severity));
        Assert.Equal(["camera-alarm:a1", "camera-alarm:a2", "camera-alarm:a3"], raised.Evidence.Select(e => e.EventId));
        Assert.Equal("3 alarms at 废水总排放口", raised.Message);
        Assert.Equal($"discharge.{Outfall}.1", raised.WarningId);
    }

    [Fact]
    public void GivenOneAlarm_WhenASecondArrives_ThenNothingYet() =>
        Given(Count()).And(Alarm("a1", T0)).When(Alarm("a2", T0 + Hours(1))).ThenNothing();

    [Fact]
    public void GivenTwoAlarms_WhenTheThirdIsExactlyTheWindowAfterTheFirst_ThenItStillCounts() =>
        Given(Count()).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1))).When(Alarm("a3", T0 + Hours(24))).Then<WarningRaised>();

    [Fact]
    public void GivenTwoAlarms_WhenTheThirdIsJustPastTheWindow_ThenTheFirstHasLeftIt() =>
        Given(Count()).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1))).When(Alarm("a3", T0 + Hours(24) + TimeSpan.FromSeconds(1))).ThenNothing();

    [Fact]
    public void GivenAnOpenWarning_WhenTheConditionHoldsAgain_ThenEvidenceAndCountAreAddedToIt_NotASecondWarning()
    {
        var repeated = Given(Count(ackMinutes: 10_000)).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1)), Alarm("a3", T0 + Hours(2)))
            .When(Alarm("a4", T0 + Hours(3))).Then<WarningRepeated>();
        Assert.Equal(($"discharge.{Outfall}.1", 2), (repeated.WarningId, repeated.Count));
        Assert.Equal(["camera-alarm:a4"], repeated.Evidence.Select(e => e.EventId));
    }

    [Fact]
    public void GivenAnOpenWarning_WhenAPageHoldsTheConditionThreeTimes_ThenOneRepeatCarriesAllTheirEvidenceAndTheCountTheyComeTo()
    {
        var outcome = Given(Count(ackMinutes: 10_000)).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1)), Alarm("a3", T0 + Hours(2)))
            .WhenPage(Alarm("a4", T0 + Hours(3)), Alarm("a5", T0 + Hours(4)), Alarm("a6", T0 + Hours(5)));
        var repeated = outcome.Then<WarningRepeated>();
        Assert.Equal(($"discharge.{Outfall}.1", 4), (repeated.WarningId, repeated.Count));
        Assert.Equal(["camera-alarm:a4", "camera-alarm:a5", "camera-alarm:a6"], repeated.Evidence.Select(e => e.EventId));
    }

    [Fact]
    public void GivenTwoAlarms_WhenAPageRaisesTheWarningAndHoldsItTwiceMore_ThenItIsRaisedOnThreeAndRepeatedOnceWithTheOtherTwo()
    {
        var events = Given(Count(ackMinutes: 10_000)).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1)))
            .WhenPage(Alarm("a3", T0 + Hours(2)), Alarm("a4", T0 + Hours(3)), Alarm("a5", T0 + Hours(4))).Events;
        Assert.Equal(2, events.Length);
        Assert.Equal(["camera-alarm:a1", "camera-alarm:a2", "camera-alarm:a3"], Assert.IsType<WarningRaised>(events[0]).Evidence.Select(e => e.EventId));
        var repeated = Assert.IsType<WarningRepeated>(events[1]);
        Assert.Equal(3, repeated.Count);
        Assert.Equal(["camera-alarm:a4", "camera-alarm:a5"], repeated.Evidence.Select(e => e.EventId));
    }

    [Fact]
    public void GivenAResolvedWarning_WhenTheConditionHoldsAgain_ThenASecondWarningIsRaised()
    {
        var spec = Given(Count(ackMinutes: 10_000)).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1)), Alarm("a3", T0 + Hours(2)), Resolve($"discharge.{Outfall}.1"));
        Assert.Equal($"discharge.{Outfall}.2", spec.When(Alarm("a4", T0 + Hours(3))).Then<WarningRaised>().WarningId);
    }

    [Fact]
    public void GivenAnAlarmOfAnotherType_WhenCounted_ThenItDoesNotMatchTheFilter() =>
        Given(Count()).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1)))
            .When(Alarm("a3", T0 + Hours(2), Cameras.CameraAlarmType.SmokeAndDust)).ThenNothing();

    [Fact]
    public void GivenTheSameEventRedelivered_WhenObservedAgain_ThenNothingChanges()
    {
        var spec = Given(Count(atLeast: 1));
        var first = spec.When(Alarm("a1", T0)).Then<WarningRaised>();
        var book = WarningEvaluation.Observe(WarningBook.Empty(SaltLake), Observation.From(Alarm("a1", T0), 1), 1, new(new([Count(atLeast: 1)]), Catalog), T0);
        Assert.Empty(WarningEvaluation.Observe(book.Book, Observation.From(Alarm("a1", T0), 1), 1, new(new([Count(atLeast: 1)]), Catalog), T0).Events);
        Assert.NotNull(first);
    }

    [Fact]
    public void GivenASelfResolvingCountWarning_WhenItsEvidenceLeavesTheWindow_ThenTheRuleResolvesIt()
    {
        var spec = Given(Count(atLeast: 2, windowHours: 24, autoResolve: true, ackMinutes: 10_000)).And(Alarm("a1", T0), Alarm("a2", T0 + Hours(1)));
        spec.WhenClockMoves(Hours(23)).ThenNothing();
        var resolved = spec.WhenClockMoves(Hours(1.01)).Then<WarningResolved>();
        Assert.True(resolved.ByRule);
        Assert.Equal("discharge", resolved.ResolvedBy);
    }
}

public class PublicReportBurstSpecs
{
    static CountRule Burst(string? channel = null) => new("burst", "count", Severity.Medium, WarningSubject.Site, "{count} reports about {name}", false, Hours(2), null,
        [new([nameof(SignalKind.PublicReport)], channel is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add("channel", channel),
            null, 3, Days(2))]);

    static PublicReportFiled Via(string id, ReportChannel channel, DateTimeOffset at, string? duplicateOf = null) =>
        Risk.Haixi.Report(id, at) with { Channel = channel, DuplicateOf = duplicateOf, DuplicateSimilarity = duplicateOf is null ? null : 0.9 };

    [Fact]
    public void GivenTwoHotlineReports_WhenAThirdArrivesByWeChat_ThenAHotlineOnlyRuleDoesNotCountIt() =>
        Given(Burst("Hotline12369")).And(Via("r1", ReportChannel.Hotline12369, T0), Via("r2", ReportChannel.Hotline12369, T0 + Hours(1)))
            .When(Via("r3", ReportChannel.WeChat, T0 + Hours(2))).ThenNothing();

    [Fact]
    public void GivenTwoHotlineReports_WhenAThirdArrivesByHotline_ThenAHotlineOnlyRuleFires() =>
        Assert.Equal(3, Given(Burst("Hotline12369")).And(Via("r1", ReportChannel.Hotline12369, T0), Via("r2", ReportChannel.Hotline12369, T0 + Hours(1)))
            .When(Via("r3", ReportChannel.Hotline12369, T0 + Hours(2))).Then<WarningRaised>().Evidence.Count);

    [Fact]
    public void GivenReportsByEveryChannel_WhenARuleTakesSeveral_ThenItCountsThoseOnly() =>
        Given(Burst("Hotline12369|WeChat")).And(Via("r1", ReportChannel.Sms, T0), Via("r2", ReportChannel.Hotline12369, T0 + Hours(1)),
                Via("r3", ReportChannel.Email, T0 + Hours(1)), Via("r4", ReportChannel.WeChat, T0 + Hours(2)))
            .When(Via("r5", ReportChannel.WeChat, T0 + Hours(3))).Then<WarningRaised>();

    [Fact]
    public void GivenTwoReports_WhenARepeatOfOneArrives_ThenItIsOneMoreReportInTheBurst()
    {
        var raised = Given(Burst()).And(Via("r1", ReportChannel.Hotline12369, T0), Via("r2", ReportChannel.WeChat, T0 + Hours(1)))
            .When(Via("r3", ReportChannel.Hotline12369, T0 + Hours(2), duplicateOf: "r1")).Then<WarningRaised>();
        Assert.Contains("a repeat of r1", raised.Evidence[^1].Summary);
    }
}

public class CompositeRuleSpecs
{
    static readonly CountRule Blacklist = Count("blacklist", subject: WarningSubject.Enterprise, anyOf:
    [
        new([nameof(SignalKind.InspectionFinding)], System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, Severity.High, 3, Days(365)),
        new([nameof(SignalKind.InspectionFinding)], System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, Severity.Critical, 1, Days(365)),
    ]);

    static readonly DateOnly Later = new(2027, 6, 1);

    [Fact]
    public void GivenTwoSeriousFindingsInAYear_WhenAThirdArrives_ThenTheCriteriaAreMet() =>
        Assert.Equal("composite", Given(Blacklist).And(Inspection("i1", T0, Later, Severity.High), Inspection("i2", T0 + Days(100), Later, Severity.High))
            .When(Inspection("i3", T0 + Days(200), Later, Severity.High)).Then<WarningRaised>().RuleKind);

    [Fact]
    public void GivenTwoSeriousFindings_WhenAMediumOneArrives_ThenItDoesNotCount() =>
        Given(Blacklist).And(Inspection("i1", T0, Later, Severity.High), Inspection("i2", T0 + Days(100), Later, Severity.High))
            .When(Inspection("i3", T0 + Days(200), Later, Severity.Medium)).ThenNothing();

    [Fact]
    public void GivenNothing_WhenOneMajorIncidentArrives_ThenTheCriteriaAreMet() =>
        Given(Blacklist).When(Inspection("i1", T0, Later, Severity.Critical)).Then<WarningRaised>();
}

public class AbsenceRuleSpecs
{
    static readonly AbsenceRule Device = new("offline", Severity.Medium, WarningSubject.Site, "{name} silent", true, Hours(4), null, AbsenceOf.Device, TimeSpan.Zero);
    static readonly AbsenceRule Deposit = new("no-deposit", Severity.Medium, WarningSubject.Enterprise, "{name} no deposit", true, Days(3), null, AbsenceOf.Deposit, Days(100));

    [Fact]
    public void GivenACamera_WhenItIsReportedOffline_ThenAWarningAboutItsSite() =>
        Assert.Equal(Outfall, Given(Device).When(Offline("o1", T0)).Then<WarningRaised>().SubjectId);

    [Fact]
    public void GivenTwoCamerasOffline_WhenOneComesBack_ThenTheWarningStays_AndWhenBothAreBack_ThenItResolvesItself()
    {
        var spec = Given(Device).And(Offline("o1", T0), Offline("o2", T0 + Hours(1)));
        spec.When(Online("o1", T0 + Hours(2))).ThenNothing();
        Assert.True(spec.When(Online("o2", T0 + Hours(3))).Then<WarningResolved>().ByRule);
    }

    [Fact]
    public void GivenADeposit_WhenTheClockReachesJustBeforeThePeriod_ThenNothing() =>
        Given(Deposit).And(Risk.Haixi.Deposit("d1", 1000, 1000)).WhenClockMoves(Days(100) - TimeSpan.FromSeconds(1)).ThenNothing();

    [Fact]
    public void GivenADeposit_WhenTheClockReachesExactlyThePeriod_ThenAWarning() =>
        Assert.Contains("No fund deposit since", Given(Deposit).And(Risk.Haixi.Deposit("d1", 1000, 1000)).WhenClockMoves(Days(100)).Then<WarningRaised>().Evidence[0].Summary);

    static EnterpriseRegistered Registered(decimal sales) => new(SaltLake, "盐湖钾肥", "potash", Golmud, sales, 94.9, 36.4, T0);

    [Fact]
    public void GivenAnEnterpriseRegisteredWithSales_ThatNeverDeposits_WhenTheClockReachesJustBeforeThePeriod_ThenNothing() =>
        Given(Deposit).And(Registered(1_000_000)).WhenClockMoves(Days(100) - TimeSpan.FromSeconds(1)).ThenNothing();

    [Fact]
    public void GivenAnEnterpriseRegisteredWithSales_ThatNeverDeposits_WhenTheClockReachesExactlyThePeriod_ThenAWarning()
    {
        var raised = Given(Deposit).And(Registered(1_000_000)).WhenClockMoves(Days(100)).Then<WarningRaised>();
        Assert.Equal((SaltLake, $"fund-obligation:{SaltLake}"), (raised.SubjectId, raised.Evidence[0].EventId));
        Assert.StartsWith("No fund deposit at all since it was known to owe on", raised.Evidence[0].Summary);
    }

    [Fact]
    public void GivenAnEnterpriseRegisteredWithoutSales_WhenThePeriodPasses_ThenNothingIsOwed() =>
        Given(Deposit).And(Registered(0)).WhenClockMoves(Days(200)).ThenNothing();

    [Fact]
    public void GivenASalesDeclarationWithAnObligation_AndNoDeposit_WhenThePeriodPasses_ThenAWarning() =>
        Assert.Equal("fund-declaration:decl-1", Given(Deposit)
            .And(new Fusion.Domain.Funds.SalesRevenueDeclared("decl-1", SaltLake, Golmud, "2026-10", 9_000_000, 9_000, new DateOnly(2018, 1, 1), T0))
            .WhenClockMoves(Days(100)).Then<WarningRaised>().Evidence[0].EventId);

    [Fact]
    public void GivenARegistration_AndADepositDatedBeforeIt_WhenThePeriodFromTheDepositPasses_ThenTheDepositCounts_NotTheRegistration() =>
        Assert.StartsWith("No fund deposit since", Given(Deposit).And(Registered(1_000_000) with { RegisteredAt = T0 + Days(10) }, Risk.Haixi.Deposit("d1", 1000, 1000))
            .WhenClockMoves(Days(90)).Then<WarningRaised>().Evidence[0].Summary);

    [Fact]
    public void GivenARegistration_WhenItIsRegisteredAgainLater_ThenTheClockStillRunsFromTheFirst() =>
        Given(Deposit).And(Registered(1_000_000), Registered(2_000_000) with { RegisteredAt = T0 + Days(50) })
            .WhenClockMoves(Days(50)).Then<WarningRaised>();

    [Fact]
    public void GivenAnEnterpriseThatNeverDeposited_WhenItsFirstDepositArrives_ThenTheWarningResolvesItself() =>
        Given(Deposit).And(Registered(1_000_000), Days(101))
            .When(Risk.Haixi.Deposit("d1", 1000, 1000) with { DepositedAt = T0 + Days(101) }).Then<WarningResolved>();

    [Fact]
    public void GivenAMissingDepositWarning_WhenADepositArrives_ThenItResolvesItself() =>
        Given(Deposit).And(Risk.Haixi.Deposit("d1", 1000, 1000), Days(101))
            .When(Risk.Haixi.Deposit("d2", 1000, 1000) with { DepositedAt = T0 + Days(101) }).Then<WarningResolved>();
}

public class DeadlineRuleSpecs
{
    static readonly DeadlineRule Overdue = new("overdue", Severity.High, WarningSubject.Enterprise, "{name} overdue", false, Days(1), null, null);
    static readonly DateOnly RectifyBy = DateOnly.FromDateTime(T0.Date).AddDays(10);

    [Fact]
    public void GivenAFinding_WhenItsRectifyByDayIsNotYetOver_ThenNothing() =>
        Given(Overdue).And(Inspection("i1", T0, RectifyBy))
            .WhenClockMoves(new DateTimeOffset(RectifyBy.ToDateTime(new TimeOnly(23, 59, 59)), Beijing) - T0).ThenNothing();

    [Fact]
    public void GivenAFinding_WhenItsRectifyByDayEnds_ThenItIsOverdue() =>
        Assert.Equal(["inspection:i1"], Given(Overdue).And(Inspection("i1", T0, RectifyBy))
            .WhenClockMoves(new DateTimeOffset(RectifyBy.AddDays(1).ToDateTime(TimeOnly.MinValue), Beijing) - T0).Then<WarningRaised>().Evidence.Select(e => e.EventId));
}

public class LevelRuleSpecs
{
    static readonly LevelRule Red = new("red", Severity.High, WarningSubject.Enterprise, "{name} reached {level}", true, Hours(1), null, RiskLevel.Red, TimeSpan.FromMinutes(15));

    static RiskAssessed Assessed(RiskLevel level, double score, DateTimeOffset at) => new(SaltLake, RiskSubject.Enterprise, Golmud, score, level, "v1", 3, 1, null, null, at);

    [Fact]
    public void GivenYellow_WhenRedIsReached_ThenAWarning() =>
        Assert.Equal("盐湖钾肥 reached red", Given(Red).And(Assessed(RiskLevel.Yellow, 50, T0)).When(Assessed(RiskLevel.Red, 61, T0 + Hours(1))).Then<WarningRaised>().Message);

    [Fact]
    public void GivenRed_WhenTheScoreDecaysBelowOnRescoring_ThenTheWarningResolvesItself()
    {
        var spec = Given(Red).And(Assessed(RiskLevel.Red, 61, T0));
        var decision = spec.When((Func<WarningBook, DateTimeOffset, WarningDecision>)((b, now) =>
        {
            Assert.Equal(T0 + TimeSpan.FromMinutes(15), b.RescoreAt);
            return WarningEvaluation.Rescored(b, Observation.Level(SaltLake, RiskSubject.Enterprise, Golmud, 55, RiskLevel.Yellow, 0, now), null, new(new([Red]), Catalog), now);
        }));
        Assert.True(decision.Then<WarningResolved>().ByRule);
    }

    [Fact]
    public void GivenRedUnderTheAdoptedModel_WhenAReScoringUnderANewModelAssessesPartOfTheHistory_ThenTheWarningIsNotResolved() =>
        Given(Red).Adopted("v1").And(Assessed(RiskLevel.Red, 61, T0))
            .When(Assessed(RiskLevel.Green, 10, T0 + TimeSpan.FromMinutes(30)) with { ModelVersion = "v2" }).ThenNothing();

    [Fact]
    public void GivenRedUnderTheOldModel_WhenTheNewModelIsAdoptedAndTheSubjectIsStillRed_ThenTheSameWarningStays_NeitherResolvedNorRaisedAgain()
    {
        var spec = Given(Red).Adopted("v1").And(Assessed(RiskLevel.Red, 61, T0), Assessed(RiskLevel.Green, 10, T0 + Hours(1)) with { ModelVersion = "v2" });
        spec.When(AdoptModel("v2", RiskLevel.Red, 70, Red)).ThenNothing();
        // From then on the new model's assessments count: when it falls back, the same warning resolves itself.
        Assert.Equal($"red.{SaltLake}.1", spec.Adopted("v2").When(Assessed(RiskLevel.Yellow, 50, T0 + Hours(3)) with { ModelVersion = "v2" })
            .Then<WarningResolved>().WarningId);
    }

    [Fact]
    public void GivenRedUnderTheOldModel_WhenTheNewModelIsAdoptedAndTheSubjectIsNoLongerRed_ThenTheWarningResolvesItself() =>
        Assert.True(Given(Red).Adopted("v1").And(Assessed(RiskLevel.Red, 61, T0)).When(AdoptModel("v2", RiskLevel.Yellow, 45, Red)).Then<WarningResolved>().ByRule);

    [Fact]
    public void GivenYellowUnderTheOldModel_WhenTheNewModelIsAdoptedAtRed_ThenAWarningIsRaised() =>
        Given(Red).Adopted("v1").And(Assessed(RiskLevel.Yellow, 50, T0)).When(AdoptModel("v2", RiskLevel.Red, 65, Red)).Then<WarningRaised>();

    [Fact]
    public void GivenARegionRule_WhenAnEnterpriseLevelArrives_ThenItIsNotTheRegions() =>
        Given(Red with { Subject = WarningSubject.Region }).In("region:" + Golmud).When(Assessed(RiskLevel.Black, 90, T0)).ThenNothing();
}

public class EscalationSpecs
{
    static WarningSpec Raised(CountRule rule) => Given(rule).And(Alarm("a1", T0));

    static readonly CountRule Once = Count(atLeast: 1, ackMinutes: 30);

    [Fact]
    public void GivenAnEnterpriseWithItsOwnLeader_WhenAWarningIsRaised_ThenItGoesToThatLeader() =>
        Assert.Equal(["L-ENT"], Given(Once).When(Alarm("a1", T0)).Then<WarningRaised>().Recipients.Select(r => r.RecipientId));

    [Fact]
    public void GivenNoAcknowledgement_WhenThePeriodPasses_ThenItEscalatesToTheRegionsCommissioner_ThenToThePrefecture()
    {
        var spec = Raised(Once);
        spec.WhenClockMoves(TimeSpan.FromMinutes(29)).ThenNothing();
        var first = spec.WhenClockMoves(TimeSpan.FromMinutes(1)).Then<WarningEscalated>();
        Assert.Equal((1, "K-GOLMUD"), (first.Stage, first.Recipients.Single().RecipientId));
        var second = spec.WhenClockMoves(TimeSpan.FromMinutes(30)).Then<WarningEscalated>();
        Assert.Equal((2, "L-HAIXI-1", RecipientRole.PrefectureLeader), (second.Stage, second.Recipients.Single().RecipientId, second.Recipients.Single().Role));
        spec.WhenClockMoves(TimeSpan.FromHours(5)).ThenNothing();
    }

    [Fact]
    public void GivenAnAcknowledgedWarning_WhenThePeriodPasses_ThenItDoesNotEscalate()
    {
        var spec = Raised(Once);
        spec.When(Acknowledge($"discharge.{Outfall}.1")).Then<WarningAcknowledged>();
        spec.When(Acknowledge($"discharge.{Outfall}.1")).ThenNothing();
        spec.WhenClockMoves(TimeSpan.FromHours(2)).ThenNothing();
    }

    [Fact]
    public void GivenAParkWithoutLeaderOrCommissioner_WhenAWarningIsRaisedAndEscalated_ThenItFallsBackToTheParentRegion()
    {
        var spec = Given(Once).In(Potash).And();
        var raised = spec.When(Alarm("a1", T0, site: "park-outfall", enterprise: Potash) with { RegionId = Park }).Then<WarningRaised>();
        Assert.Equal([("L-GOLMUD", RecipientRole.RegionLeader)], raised.Recipients.Select(r => (r.RecipientId, r.Role)));
        Assert.Equal("K-GOLMUD", spec.WhenClockMoves(TimeSpan.FromMinutes(30)).Then<WarningEscalated>().Recipients.Single().RecipientId);
    }

    [Fact]
    public void GivenARegionWithNoCommissioner_WhenEscalated_ThenThePrefectureLeaderLinkedToIt() =>
        Assert.Equal(["L-HAIXI-2"], Responsibility.At(1, Catalog, null, "dulan", T0).Select(r => r.RecipientId));

    [Fact]
    public void GivenALeaderRecordedWithoutLevel_WhenFolded_ThenTheLevelFollowsFromTheArea() =>
        Assert.Equal(LeaderLevel.Region, Catalog.Leaders["L-GOLMUD"].Level);

    [Fact]
    public void GivenAReminderInterval_WhenTheWarningStaysOpen_ThenRemindersRepeat_EvenAfterAcknowledgement()
    {
        var spec = Raised(Count(atLeast: 1, ackMinutes: 600, remindMinutes: 60));
        spec.WhenClockMoves(TimeSpan.FromMinutes(59)).ThenNothing();
        Assert.Equal(1, spec.WhenClockMoves(TimeSpan.FromMinutes(1)).Then<WarningReminderSent>().Number);
        spec.When(Acknowledge($"discharge.{Outfall}.1"));
        Assert.Equal(2, spec.WhenClockMoves(TimeSpan.FromMinutes(60)).Then<WarningReminderSent>().Number);
        spec.When(Resolve($"discharge.{Outfall}.1")).Then<WarningResolved>();
        spec.WhenClockMoves(TimeSpan.FromMinutes(600)).ThenNothing();
    }

    [Fact]
    public void GivenAResolvedWarning_WhenAcknowledgedOrResolvedAgain_ThenRefused()
    {
        var spec = Raised(Once);
        spec.When(Resolve($"discharge.{Outfall}.1"));
        Assert.Throws<WarningClosed>(() => spec.When(Resolve($"discharge.{Outfall}.1")));
        Assert.Throws<WarningClosed>(() => spec.When(Acknowledge($"discharge.{Outfall}.1")));
    }
}

public class BlacklistCriteriaRuleSpecs
{
    static readonly CriteriaRule Blacklist = new("blacklist", Severity.Critical, WarningSubject.Enterprise, "{name} meets the blacklist criteria", false, Days(1), null, "blacklist");
    static readonly DateOnly Later = new(2027, 6, 1);

    [Fact]
    public void GivenTwoSeriousFindings_WhenAThirdArrivesWithinTwelveMonths_ThenTheWarningCarriesAllThree() =>
        Assert.Equal(["inspection:i1", "inspection:i2", "inspection:i3"],
            Given(Blacklist).And(Inspection("i1", T0, Later, Severity.High), Inspection("i2", T0 + Days(100), Later, Severity.High))
                .When(Inspection("i3", T0 + Days(200), Later, Severity.High)).Then<WarningRaised>().Evidence.Select(e => e.EventId));

    [Fact]
    public void GivenTwoSeriousFindings_WhenTheThirdComesAfterTheFirstLeftTheWindow_ThenNothing() =>
        Given(Blacklist).And(Inspection("i1", T0, Later, Severity.High), Inspection("i2", T0 + Days(100), Later, Severity.High))
            .When(Inspection("i3", T0.AddMonths(12) + Days(1), Later, Severity.High)).ThenNothing();

    [Fact]
    public void GivenNothing_WhenACriticalFindingArrives_ThenItIsAMajorIncident() =>
        Assert.Equal("MajorIncident", Given(Blacklist).When(Inspection("i1", T0, Later, Severity.Critical)).Then<WarningRaised>().Evidence[0].Kind);
}

public class VerifiedRectificationSpecs
{
    static readonly DeadlineRule Overdue = new("overdue", Severity.High, WarningSubject.Enterprise, "{name} overdue", true, Days(10), null, null);
    static readonly DateOnly RectifyBy = DateOnly.FromDateTime(T0.Date).AddDays(10);

    static global::Fusion.Domain.Rectification.RectificationVerified Verified(string finding, DateTimeOffset at) => new($"case-{finding}", finding, SaltLake, Golmud, null, "inspector", at);

    [Fact]
    public void GivenAFindingVerifiedInTime_WhenItsRectifyByDayPasses_ThenNothing() =>
        Given(Overdue).And(Inspection("i1", T0, RectifyBy), Verified("i1", T0 + Days(5))).WhenClockMoves(Days(20)).ThenNothing();

    [Fact]
    public void GivenAFinding_WhenItIsVerifiedInTime_ThenItsBookKeepsNeitherItsDeadlineNorItsVerification()
    {
        var book = Given(Overdue).And(Inspection("i1", T0, RectifyBy), Inspection("i2", T0, RectifyBy)).When(Verified("i1", T0 + Days(5))).ThenNothing().Decision.Book;
        Assert.Equal(["overdue|inspection:i2"], book.Deadlines.Keys);
        Assert.Empty(book.Verified);
    }

    [Fact]
    public void GivenTwoOverdueFindings_WhenOneIsVerified_ThenTheWarningStays_AndWhenBothAre_ThenItResolvesItself_AndNeitherIsKept()
    {
        var spec = Given(Overdue).And(Inspection("i1", T0, RectifyBy), Inspection("i2", T0, RectifyBy), Days(12));
        Assert.Equal(["inspection:i1"], spec.When(Verified("i1", T0 + Days(13))).ThenNothing().Decision.Book.Verified);
        var resolved = spec.When(Verified("i2", T0 + Days(14)));
        Assert.True(resolved.Then<WarningResolved>().ByRule);
        Assert.Empty(resolved.Decision.Book.Verified);
    }
}
