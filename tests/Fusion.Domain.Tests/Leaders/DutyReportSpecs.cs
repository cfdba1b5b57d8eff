using Fusion.Domain.Common;
using Fusion.Domain.Leaders;
using Fusion.Domain.MasterData;
using Fusion.Domain.Rectification;
using Fusion.Domain.Tests.Warnings;
using Fusion.Domain.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Leaders;

/// <summary>Given a leader's record (assignments, warnings, cases, visits) → When the year's duty report is generated → Then what it says.</summary>
public class DutyReportSpecs
{
    static DateTimeOffset On(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(8));
    static readonly DateTimeOffset June1 = Tenures.StartOf(new DateOnly(2026, 6, 1));

    /// <summary>L-ENT answers for SaltLake (since records began) until 1 June 2026, then for Potash in the park.</summary>
    static readonly MasterDataCatalog Catalog = WarningSpec.Catalog.ApplyAll(
        [new LeaderReassigned("L-ENT", "Ma", "deputy mayor", Potash, null, null, LeaderLevel.Enterprise, SaltLake, June1, June1)]);

    static readonly WarningRecipient Ma = new("L-ENT", RecipientRole.EnterpriseLeader, "Ma", null);
    static readonly WarningRecipient Li = new("L-GOLMUD", RecipientRole.RegionLeader, "Li", null);

    static WarningView Warning(string id, DateTimeOffset raised, WarningRecipient to, DateTimeOffset? acknowledged = null, string enterprise = SaltLake)
    {
        var view = WarningView.Apply(null, new WarningRaised(id, "discharge", "count", WarningSubject.Enterprise, enterprise, enterprise, Golmud, Severity.High, "m", [],
            null, null, [], [to], raised))!;
        return acknowledged is { } at ? WarningView.Apply(view, new WarningAcknowledged(id, null, "Ma", at))! : view;
    }

    static RectificationCase Case(string id, string enterprise, string region, DateTimeOffset opened, DateTimeOffset? verified = null) =>
        new(id, CaseOrigin.InspectionFinding, id, enterprise, region, null, "v", Severity.High, DateOnly.FromDateTime(opened.DateTime).AddDays(30), opened.AddDays(30),
            verified is null ? CaseStatus.AwaitingPlan : CaseStatus.Verified, false, [], [], opened, verified ?? opened, verified);

    static DutyReport Report(int year = 2026, IEnumerable<WarningView>? warnings = null, IEnumerable<RectificationCase>? cases = null, IEnumerable<LeaderVisit>? visits = null) =>
        DutyReport.Build(Catalog.Leaders["L-ENT"], year, warnings ?? [], cases ?? [], visits ?? [], Catalog);

    [Fact]
    public void GivenAReassignmentMidYear_WhenReported_ThenBothAreasAreListedWithTheirDates() =>
        Assert.Equal(new (string, DateTimeOffset?, DateTimeOffset?)[] { (SaltLake, null, June1), (Potash, June1, null) },
            Report().Areas.Select(a => (a.AreaId, a.From, a.Until)));

    [Fact]
    public void GivenWarningsThatReachedTheLeader_WhenReported_ThenCountedWithHowFastTheyWereAcknowledged()
    {
        var report = Report(warnings:
        [
            Warning("w1", On(2, 1), Ma, On(2, 1, 11)),          // 2 h
            Warning("w2", On(3, 1), Ma, On(3, 1, 15)),          // 6 h
            Warning("w3", On(4, 1), Ma),                        // never
            Warning("w4", On(4, 2), Li, On(4, 2, 10)),          // not to Ma
            Warning("w5", On(1, 1).AddYears(-1), Ma, On(1, 1).AddYears(-1).AddHours(1)), // last year
        ]);

        Assert.Equal((3, 2, 1), (report.Warnings.Received, report.Warnings.Acknowledged, report.Warnings.NotAcknowledged));
        Assert.Equal(((double?)4.0, (double?)6.0), (report.Warnings.MedianHoursToAcknowledge, report.Warnings.LongestHoursToAcknowledge));
        Assert.Equal(["w1", "w2", "w3"], report.Warnings.Items.Select(i => i.WarningId));
    }

    [Fact]
    public void GivenAWarningEscalatedToTheLeader_WhenReported_ThenItCountsFromWhenItReachedThem()
    {
        var raised = Warning("w1", On(2, 1), Li);
        var escalated = WarningView.Apply(raised, new WarningEscalated("w1", 1, [Ma], "not acknowledged", On(2, 1, 10)))!;
        var acknowledged = WarningView.Apply(escalated, new WarningAcknowledged("w1", null, "Ma", On(2, 1, 13)))!;

        var item = Assert.Single(Report(warnings: [acknowledged]).Warnings.Items);
        Assert.Equal((On(2, 1, 10), 3.0, 1), (item.ReceivedAt, item.HoursToAcknowledge!.Value, item.Stage));
    }

    [Fact]
    public void GivenCasesInBothAreas_WhenReported_ThenEachCountsForTheLeaderOnlyWhileTheyAnsweredForIt()
    {
        var report = Report(cases:
        [
            Case("c-salt-before", SaltLake, Golmud, On(3, 1), On(4, 1)),   // opened and closed while Ma answered for SaltLake
            Case("c-salt-after", SaltLake, Golmud, On(7, 1), On(8, 1)),    // after the move: L-NEW's
            Case("c-potash-before", Potash, WarningSpec.Park, On(3, 1)),   // before Ma took Potash on
            Case("c-potash-after", Potash, WarningSpec.Park, On(7, 1), On(9, 1)),
            Case("c-salt-straddles", SaltLake, Golmud, On(5, 1), On(7, 1)), // opened under Ma, closed after the move
        ]);

        Assert.Equal(["c-salt-before", "c-salt-straddles", "c-potash-after"], report.Cases.OpenedIds);
        Assert.Equal(["c-salt-before", "c-potash-after"], report.Cases.ClosedIds);
        Assert.Equal((3, 2), (report.Cases.Opened, report.Cases.Closed));
    }

    [Fact]
    public void GivenVisits_WhenReported_ThenStaysAndTheirDaysAndInspectionsOfTheYearAreCounted()
    {
        LeaderVisit Visit(string id, VisitKind kind, DateOnly from, int days, bool own) =>
            new(id, kind, Potash, WarningSpec.Park, from, from.AddDays(days - 1), "p", null, own, "Ma", On(12, 1));
        var report = Report(visits:
        [
            Visit("v1", VisitKind.Stay, new DateOnly(2026, 7, 1), 3, true),
            Visit("v2", VisitKind.Stay, new DateOnly(2026, 8, 1), 2, false),
            Visit("v3", VisitKind.Inspection, new DateOnly(2026, 9, 1), 1, true),
            Visit("v0", VisitKind.Stay, new DateOnly(2025, 12, 30), 5, true),
        ]);

        Assert.Equal((2, 5, 1, 2), (report.Visits.Stays, report.Visits.StayDays, report.Visits.Inspections, report.Visits.InOwnAreas));
        Assert.Equal(["v1", "v2", "v3"], report.Visits.Items.Select(v => v.VisitId));
    }

    [Fact]
    public void GivenAYearBeforeTheLeadersAssignmentsBegan_WhenReported_ThenTheUndatedFirstAssignmentStillCounts_ButNothingElse() =>
        Assert.Equal([SaltLake], Report(year: 2020).Areas.Select(a => a.AreaId));
}
