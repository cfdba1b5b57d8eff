using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Connectors.Tests.Hj212;

public class MonitoringGapsSpecs
{
    static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    static MonitoringDataReported Hour(int hour, string codFlag, string ammoniaFlag = "N", string flowFlag = "N") =>
        new($"r{hour}", Given.Mn, Given.Site, Given.Enterprise, Given.Region, DataPeriod.Hour, "32",
            [new("w01018", 30, null, null, null, null, codFlag), new("w21003", 1, null, null, null, null, ammoniaFlag), new("w00000", 9, null, null, null, null, flowFlag)],
            Given.T0.AddHours(hour), Given.T0.AddHours(hour + 1).AddMinutes(1));

    static (MonitorWatch, List<object>) Observe(params MonitoringDataReported[] data)
    {
        var watch = MonitorWatch.Empty;
        var events = new List<object>();
        foreach (var d in data)
        {
            (watch, var items) = MonitoringGaps.Observe(watch, d, Given.Catalog, TwoHours);
            events.AddRange(items.SelectMany(i => i.Events));
        }
        return (watch, events);
    }

    [Fact]
    public void GivenHoursInMaintenance_WhenTheyReachTheAllowedGap_ThenMonitoringGapDetectedOnce()
    {
        var (_, events) = Observe(Hour(0, "N"), Hour(1, "M"), Hour(2, "M"), Hour(3, "M"));
        var gap = Assert.IsType<MonitoringGapDetected>(Assert.Single(events));
        var expected = new MonitoringGapDetected("010000A8900016F000169DC0:Maintenance:20261128100000", Given.Mn, Given.Site, Given.Enterprise, Given.Region,
            GapReason.Maintenance, ["w01018"], Given.T0.AddHours(1), Given.T0.AddHours(3).AddMinutes(1));
        Assert.Equal(expected, gap with { PollutantCodes = expected.PollutantCodes });
        Assert.Equal(["w01018"], gap.PollutantCodes);
    }

    [Fact]
    public void GivenAReportedGap_WhenANormalHourArrives_ThenMonitoringResumedWithTheGapsLength()
    {
        var (_, events) = Observe(Hour(1, "D"), Hour(2, "D"), Hour(3, "D"), Hour(4, "N"));
        var resumed = Assert.IsType<MonitoringResumed>(events[^1]);
        Assert.Equal((GapReason.Fault, 3.0, Given.T0.AddHours(1), Given.T0.AddHours(4)), (resumed.Reason, resumed.GapHours, resumed.Since, resumed.ResumedAt));
        Assert.Equal(((MonitoringGapDetected)events[0]).GapId, resumed.GapId);
    }

    [Fact]
    public void GivenAShortCalibration_WhenNormalDataFollows_ThenNothingIsAppended() =>
        Assert.Empty(Observe(Hour(1, "C"), Hour(2, "N"), Hour(3, "C"), Hour(4, "N")).Item2);

    [Fact]
    public void GivenFlaggedPollutantsWithoutALimit_WhenObserved_ThenTheyAreNoGap() =>
        Assert.Empty(Observe(Hour(1, "N", flowFlag: "F"), Hour(2, "N", flowFlag: "F"), Hour(3, "N", flowFlag: "F")).Item2);

    [Fact]
    public void GivenAMonitorThatFallsSilent_WhenTheTimerRunsPastTheAllowedSilence_ThenANoDataGap_AndWhenDataReturns_ThenResumed()
    {
        var clock = new FakeTimeProvider(Given.T0);
        var watch = MonitoringGaps.Start(MonitorWatch.Empty, Given.Catalog, clock.GetUtcNow());
        (watch, _) = MonitoringGaps.Observe(watch, Hour(-1, "N") with { ReceivedAt = clock.GetUtcNow() }, Given.Catalog, TwoHours);

        clock.Advance(TimeSpan.FromMinutes(119));
        (watch, var none) = MonitoringGaps.Detect(watch, Given.Catalog, clock.GetUtcNow(), TwoHours);
        Assert.Empty(none);

        clock.Advance(TimeSpan.FromMinutes(2));
        (watch, var items) = MonitoringGaps.Detect(watch, Given.Catalog, clock.GetUtcNow(), TwoHours);
        var silent = items.Select(i => Assert.IsType<MonitoringGapDetected>(Assert.Single(i.Events))).ToArray();
        Assert.Equal([Given.Mn, Given.StackMn], silent.Select(g => g.MonitorId));
        Assert.All(silent, g => Assert.Equal((GapReason.NoData, Given.T0), (g.Reason, g.Since)));
        Assert.Equal(["w01018", "w21003"], silent[0].PollutantCodes);
        Assert.Equal(Streams.Enterprise(Given.Enterprise), items[0].StreamKey);

        clock.Advance(TimeSpan.FromMinutes(30));
        (watch, var again) = MonitoringGaps.Detect(watch, Given.Catalog, clock.GetUtcNow(), TwoHours);
        Assert.Empty(again);

        (_, var back) = MonitoringGaps.Observe(watch, Hour(2, "N") with { ReceivedAt = clock.GetUtcNow() }, Given.Catalog, TwoHours);
        var resumed = Assert.IsType<MonitoringResumed>(Assert.Single(Assert.Single(back).Events));
        Assert.Equal((GapReason.NoData, silent[0].GapId, 2.52), (resumed.Reason, resumed.GapId, resumed.GapHours));
    }

    [Fact]
    public void GivenAMonitorThatNeverSentData_WhenNotStartedOnTheCatalog_ThenItIsNotWatched() =>
        Assert.Empty(MonitoringGaps.Detect(MonitorWatch.Empty, Given.Catalog, Given.T0.AddDays(1), TwoHours).Items);

    [Fact]
    public void GivenTheSameSilenceDetectedAfterARestart_ThenTheSameKeySoNothingIsAppendedTwice()
    {
        var lastSeen = Given.T0;
        var now = Given.T0.AddHours(3);
        IReadOnlyList<IngestItem> Detect() =>
            MonitoringGaps.Detect(MonitoringGaps.Start(MonitorWatch.Empty with { Received = MonitorWatch.Empty.Received.Restore(Given.Mn, lastSeen, false) }, Given.Catalog, now), Given.Catalog, now, TwoHours).Items;
        Assert.Equal(Detect()[0].Key, Detect()[0].Key);
    }

    [Fact]
    public void GivenASilenceReportedHere_WhenTheStoreShowsDataTakenByAnotherSilo_ThenResumedUnderTheSameKeyAsWhereTheDataArrived()
    {
        var silentAt = Given.T0.AddHours(3);
        var watch = MonitorWatch.Empty with { Received = MonitorWatch.Empty.Received.Restore(Given.Mn, Given.T0, false) };
        (watch, var gaps) = MonitoringGaps.Detect(watch, Given.Catalog, silentAt, TwoHours);
        var gap = (MonitoringGapDetected)Assert.Single(gaps).Events[0];

        var storedAt = silentAt.AddMinutes(20);
        (watch, var item) = MonitoringGaps.Heard(watch, Given.Mn, storedAt, Given.Catalog);
        var resumed = Assert.IsType<MonitoringResumed>(Assert.Single(item!.Events));
        Assert.Equal((gap.GapId, GapReason.NoData, Given.T0, storedAt), (resumed.GapId, resumed.Reason, resumed.Since, resumed.ResumedAt));
        var (_, there) = MonitoringGaps.Observe(MonitorWatch.Empty with { Received = MonitorWatch.Empty.Received.Restore(Given.Mn, Given.T0, true) },
            Hour(3, "N") with { ReceivedAt = storedAt }, Given.Catalog, TwoHours);
        Assert.Equal(item.Key, Assert.Single(there).Key);

        (_, var again) = MonitoringGaps.Heard(watch, Given.Mn, storedAt, Given.Catalog);
        Assert.Null(again);
    }

    [Fact]
    public void GivenAMonitorNotSilentHere_WhenTheStoreShowsNewerData_ThenItIsOnlyHeardFrom()
    {
        var watch = MonitorWatch.Empty with { Received = MonitorWatch.Empty.Received.Restore(Given.Mn, Given.T0, false) };
        var (heard, item) = MonitoringGaps.Heard(watch, Given.Mn, Given.T0.AddMinutes(90), Given.Catalog);
        Assert.Null(item);
        Assert.Empty(MonitoringGaps.Detect(heard, Given.Catalog, Given.T0.AddHours(3), TwoHours).Items);
    }
}
