using System.Text.Json;
using Fusion.Domain;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;
using Fusion.Projections.Aerial;
using Fusion.Projections.Cameras;
using Fusion.Projections.Devices;
using Fusion.Projections.Emissions;
using Fusion.Projections.Funds;
using Fusion.Projections.Inspections;
using Fusion.Projections.MasterData;
using Fusion.Projections.Projection;
using Fusion.Projections.PublicReports;
using Fusion.Projections.Risk;
using Fusion.Projections.Warnings;
using Fusion.Domain.Warnings;
using static Fusion.Projections.Tests.Given;

namespace Fusion.Projections.Tests.Projection;

/// <summary>Given one stored event, when it is folded, then these rows (the events row first).</summary>
public class FoldSpecs
{
    static readonly DateTimeOffset Recorded = T0.AddHours(1);

    static IReadOnlyList<AnalyticsRow> Fold(AnalyticsEvent e) => AnalyticsFold.Fold(e);

    static EventRow EventsRow(AnalyticsEvent e) => Assert.IsType<EventRow>(Fold(e)[0]);

    [Fact]
    public void GivenCameraAlarm_WhenFolded_ThenAlarmRowAndSignalEventWithSeverityOfItsType()
    {
        var e = One(Streams.Enterprise(SaltLake), Alarm("a-1", SaltLake, Golmud, T0), sequence: 7);
        var rows = Fold(e);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new EventRow(7, SaltLake, "CameraAlarmRaised", RiskSignals.CameraFeed, SaltLake, Golmud, "site-1", "High", true, T0, Recorded,
            EventsRow(e).Payload), rows[0]);
        Assert.Equal(new CameraAlarmRow(7, "a-1", "cam-1", "site-1", SaltLake, Golmud, "AbnormalDischarge", "High", 0.8, "nvr", T0), rows[1]);
    }

    [Fact]
    public void GivenAerialFinding_WhenFolded_ThenFindingRow()
    {
        var rows = Fold(One(Streams.Region(Golmud), AerialFinding("f-1", Golmud, null, T0), 3));
        Assert.Equal(new AerialFindingRow(3, "f-1", "Drone", "dumping", "High", 94.91, 36.41, Golmud, null, null, null, "slag", T0,
            null, null, null, """{"type":"Point","coordinates":[94.91,36.41]}"""), rows[1]);
        Assert.Equal((RiskSignals.AerialFeed, true, (string?)null), (((EventRow)rows[0]).Feed, ((EventRow)rows[0]).Signal, ((EventRow)rows[0]).EnterpriseId));
    }

    [Fact]
    public void GivenPublicReport_WhenFolded_ThenNoReporterContactAnywhere()
    {
        var e = One(Streams.PublicReport("r-1"), Report("r-1", ReportChannel.WeChat, Golmud, T0, SaltLake), 4);
        var rows = Fold(e);
        Assert.Equal(new PublicReportRow(4, "r-1", "WeChat", Golmud, SaltLake, null, "black smoke at night", false, T0), rows[1]);
        var payload = ((EventRow)rows[0]).Payload;
        Assert.DoesNotContain("13800138000", payload);
        Assert.DoesNotContain("ReporterContact", payload);
        Assert.DoesNotContain(rows, r => r.ToString().Contains("13800138000"));
    }

    [Fact]
    public void GivenAReportFiledAsTheDuplicateOfAnEarlierOne_WhenFolded_ThenItsRowNamesTheFirstAndItIsNoSignal()
    {
        var rows = Fold(One(Streams.PublicReport("r-2"), new PublicReportFiled("r-2", ReportChannel.Sms, Golmud, SaltLake, "s-1", "black smoke again", false,
            "RC-2", "sealed-bytes", T0, DuplicateOf: "r-1", DuplicateSimilarity: 0.8), 9));
        Assert.Equal(new PublicReportRow(9, "r-2", "Sms", Golmud, SaltLake, "s-1", "black smoke again", false, T0, "r-1"), rows[1]);
        Assert.False(((EventRow)rows[0]).Signal);
        Assert.DoesNotContain("sealed-bytes", ((EventRow)rows[0]).Payload);
    }

    [Fact]
    public void GivenAnUnknownEventCarryingReporterContact_WhenFolded_ThenItIsRedactedToo()
    {
        var json = """{"ReportId":"r-9","Reward":{"ReporterContact":"wx:abc","Yuan":200},"PaidAt":"2026-03-02T00:00:00Z"}""";
        var payload = EventsRow(One("public-report:r-9", JsonDocument.Parse(json).RootElement, 5, type: "ReportRewardPaid")).Payload;
        Assert.Equal("""{"ReportId":"r-9","Reward":{"Yuan":200},"PaidAt":"2026-03-02T00:00:00Z"}""", payload);
    }

    [Fact]
    public void GivenInspectionFinding_WhenFolded_ThenFindingRowWithRectifyByDate()
    {
        var rows = Fold(One(Streams.InspectionFinding("i-1"), Finding("i-1", SaltLake, Golmud, new DateOnly(2026, 3, 10), T0), 9));
        Assert.Equal(new InspectionFindingRow(9, "i-1", SaltLake, Golmud, null, "unpermitted discharge", "High", new DateOnly(2026, 3, 10), "inspector-7", T0), rows[1]);
    }

    [Theory]
    [InlineData(1000, 1000)]
    [InlineData(400, 1000)]
    public void GivenFundDeposit_WhenFolded_ThenLedgerRowAndNoSignalOfItsOwn(decimal amount, decimal required)
    {
        var data = Deposit("d-1", SaltLake, Golmud, amount, required);
        var rows = Fold(One(SaltLake, data, 2));
        Assert.Equal(new FundDepositRow(2, "d-1", SaltLake, Golmud, "2026", amount, required * 1000, required, T0), rows[1]);
        Assert.False(((EventRow)rows[0]).Signal);
        Assert.Null(RiskSignals.From(data, 2));
    }

    [Fact]
    public void GivenAPeriodThatFellShort_WhenFolded_ThenAShortfallRowAndAHighSignal()
    {
        var rows = Fold(One(SaltLake, new Fusion.Domain.Funds.FundPeriodFellShort(SaltLake, Golmud, "2026-10", 1000m, 0m, 1000m, new DateOnly(2026, 11, 30), T0), 5));
        Assert.Equal(new FundShortfallRow(5, SaltLake, Golmud, "2026-10", 1000m, 0m, 1000m, new DateOnly(2026, 11, 30), T0), rows[1]);
        Assert.Equal((true, "High", "fund-deposits"), (((EventRow)rows[0]).Signal, ((EventRow)rows[0]).Severity, ((EventRow)rows[0]).Feed));
    }

    [Fact]
    public void GivenAmountWithMoreThanTwoDecimals_WhenFolded_ThenRoundedHalfAwayFromZero() =>
        Assert.Equal(12.35m, ((FundDepositRow)Fold(One(SaltLake, Deposit("d", SaltLake, Golmud, 12.345m, 10m)))[1]).AmountYuan);

    [Fact]
    public void GivenRiskAssessed_WhenFolded_ThenRiskHistoryRow()
    {
        var rows = Fold(One(Streams.Risk(Golmud), Assessment(Golmud, RiskSubject.Region, Golmud, 41.5, RiskLevel.Yellow, T0), 11));
        Assert.Equal(new RiskAssessmentRow(11, Golmud, "Region", Golmud, 41.5, "Yellow", "2026.11-1", 3, 10, T0), rows[1]);
        Assert.Equal(("risk", false), (((EventRow)rows[0]).Feed, ((EventRow)rows[0]).Signal));
    }

    [Fact]
    public void GivenMasterDataEvents_WhenFolded_ThenOneRowEach()
    {
        Assert.Equal(new RegionRow(1, Golmud, "Golmud", "格尔木市", "City", null, 94.9, 36.4, T0), Fold(One(Streams.Region(Golmud), Region(Golmud)))[1]);
        Assert.Equal(new EnterpriseRow(1, SaltLake, "Qinghai Salt Lake Potash", "potash", Golmud, 1_000_000_000m, 94.9, 36.4, T0),
            Fold(One(SaltLake, Enterprise(SaltLake, Golmud)))[1]);
        Assert.Equal(new SiteRow(1, "s-1", SaltLake, Golmud, "TailingsPond", "pond 1", 1, 2, T0),
            Fold(One(SaltLake, new SiteRegistered("s-1", SaltLake, Golmud, SiteKind.TailingsPond, "pond 1", 1, 2, T0)))[1]);
        Assert.Equal(new CameraRow(1, "c-1", "s-1", SaltLake, Golmud, "34020000001320000001", T0),
            Fold(One("camera:c-1", new CameraRegistered("c-1", "s-1", SaltLake, Golmud, "34020000001320000001", T0)))[1]);
        Assert.Equal(new LeaderRow(1, "l-1", "Li", "Deputy Mayor", Golmud, T0),
            Fold(One("leader:l-1", new LeaderAssigned("l-1", "Li", "Deputy Mayor", Golmud, "139", "li@example.cn", null, null, T0)))[1]);
        Assert.Equal(new CommissionerRow(1, "k-1", "Wang", Golmud, T0),
            Fold(One("commissioner:k-1", new CommissionerAssigned("k-1", "Wang", Golmud, null, null, null, T0)))[1]);
        Assert.Equal(new LeaderRow(1, "l-1", "Li", "Mayor", "delingha", T0.AddDays(2)),
            Fold(One("leader:l-1", new LeaderReassigned("l-1", "Li", "Mayor", "delingha", null, null, LeaderLevel.Region, Golmud, T0.AddDays(2), T0)))[1]);
        Assert.Equal(new CommissionerRow(1, "k-1", "Wang", "delingha", T0.AddDays(2)),
            Fold(One("commissioner:k-1", new CommissionerReassigned("k-1", "Wang", "delingha", null, null, Golmud, T0.AddDays(2), T0)))[1]);
        Assert.Equal(new ProtectedZoneRow(1, "z-1", "Qaidam", "柴达木", "reserve", Golmud, "[[1,2],[3,4],[5,6]]", T0),
            Fold(One("zone:z-1", new ProtectedZoneDesignated("z-1", "Qaidam", "柴达木", "reserve", Golmud, [new GeoPoint(1, 2), new GeoPoint(3, 4), new GeoPoint(5, 6)], T0)))[1]);
    }

    [Fact]
    public void GivenMonitorRegistered_WhenFolded_ThenMonitorAndOneLimitRowPerPollutant()
    {
        var rows = Fold(One("monitor:mn-1", new MonitorRegistered("mn-1", "s-1", SaltLake, Golmud, new Dictionary<string, double> { ["w01018"] = 50, ["a21026"] = 35 }, T0)));
        Assert.Equal([
            new MonitorRow(1, "mn-1", "s-1", SaltLake, Golmud, T0),
            new MonitorLimitRow(1, "mn-1", "a21026", 35),
            new MonitorLimitRow(1, "mn-1", "w01018", 50),
        ], rows.Skip(1));
    }

    [Fact]
    public void GivenMasterDataRevisions_WhenFolded_ThenTheSubjectsRowIsReplacedAsItStands()
    {
        var dec1 = T0.AddDays(10);
        Assert.Equal(new EnterpriseRow(1, SaltLake, "Qarhan Salt Lake Potash", "potash", Golmud, 1_380_000_000m, 94.95, 36.45, T0, 2),
            Fold(One(Streams.Enterprise(SaltLake), new EnterpriseAmended(SaltLake, 2, Golmud, "Qarhan Salt Lake Potash", "potash", 1_380_000_000m, 94.95, 36.45, T0)))[1]);
        Assert.Equal(new CameraRow(1, "c-1", "s-2", SaltLake, Golmud, null, T0),
            Fold(One(Streams.Enterprise(SaltLake), new CameraMoved("c-1", 1, "s-2", SaltLake, Golmud, null, "s-1", T0)))[1]);
        Assert.Equal(new CameraRow(1, "c-1", "s-2", SaltLake, Golmud, null, T0, dec1),
            Fold(One(Streams.Enterprise(SaltLake), new CameraRetired("c-1", "s-2", SaltLake, Golmud, null, dec1, T0)))[1]);
        Assert.Equal(new MonitorRow(1, "mn-1", "s-2", SaltLake, Golmud, T0),
            Fold(One(Streams.Enterprise(SaltLake), new MonitorMoved("mn-1", 1, "s-2", SaltLake, Golmud, "s-1", T0)))[1]);
        Assert.Equal(new MonitorRow(1, "mn-1", "s-2", SaltLake, Golmud, T0, dec1),
            Fold(One(Streams.Enterprise(SaltLake), new MonitorRetired("mn-1", "s-2", SaltLake, Golmud, dec1, T0)))[1]);
        Assert.Equal([new MonitorLimitRow(1, "mn-1", "w01018", 40, dec1)],
            Fold(One(Streams.Enterprise(SaltLake), new MonitorLimitsChanged("mn-1", 2, "s-2", SaltLake, Golmud, new Dictionary<string, double> { ["w01018"] = 40 }, dec1, T0))).Skip(1));
    }

    [Fact]
    public void GivenEmissionLimitExceededByName_WhenFolded_ThenExceedanceRowWithHoursOfItsPeriod()
    {
        var json = $$"""{"MonitorId":"mn-1","SiteId":"s-1","EnterpriseId":"{{SaltLake}}","RegionId":"golmud","Pollutant":"w01018","Value":80,"Limit":50,"PeriodStart":"2026-03-01T00:00:00+08:00","PeriodEnd":"2026-03-01T03:00:00+08:00","DetectedAt":"2026-03-01T03:05:00+08:00"}""";
        var rows = Fold(One("monitor:mn-1", json, 21, type: "EmissionLimitExceeded"));
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(new EmissionExceedanceRow(21, "mn-1", "s-1", SaltLake, Golmud, "w01018", 80, 50, start, start.AddHours(3), 3, null, start.AddMinutes(185)), rows[1]);
        Assert.Equal((EmissionExceedances.Feed, true), (((EventRow)rows[0]).Feed, ((EventRow)rows[0]).Signal));
    }

    [Fact]
    public void GivenAnHourlyExceedanceWithoutPeriod_WhenFolded_ThenOneHour() =>
        Assert.Equal(1, ((EmissionExceedanceRow)Fold(One("monitor:mn-1", """{"MonitorId":"mn-1","Pollutant":"a21026","Value":70,"Limit":35,"OccurredAt":"2026-03-01T10:00:00Z"}""", type: "EmissionLimitExceeded"))[1]).Hours);

    [Fact]
    public void GivenCameraOfflineAndBackOnlineByName_WhenFolded_ThenStatusChanges()
    {
        var off = Fold(One("camera:c-1", """{"CameraId":"c-1","EnterpriseId":"E","LastSeenAt":"2026-03-01T00:00:00Z","DetectedAt":"2026-03-01T00:10:00Z"}""", 5, type: "CameraWentOffline"));
        var on = Fold(One("camera:c-1", """{"CameraId":"c-1","BackOnlineAt":"2026-03-01T02:00:00Z"}""", 6, type: "CameraCameOnline"));
        Assert.Equal(new DeviceStatusRow(5, "camera", "c-1", "E", null, null, "offline", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)), off[1]);
        Assert.Equal(new DeviceStatusRow(6, "camera", "c-1", null, null, null, "online", new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero)), on[1]);
        Assert.True(((EventRow)off[0]).Signal);
        Assert.False(((EventRow)on[0]).Signal);
    }

    [Fact]
    public void GivenAWarningLifecycle_WhenFolded_ThenWarningAndTransitionRows()
    {
        var t = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var raised = Fold(One("warning:w-1", new WarningRaised("w-1", "three-alarms-24h", "count", WarningSubject.Site, "s-1", "E", Golmud, Severity.High, "3 alarms",
            [new WarningEvidence("camera-alarm:a-1", 3, "CameraAlarm", "alarm", t)], 40, RiskLevel.Yellow, [], [], t), 30));
        var ack = Fold(One("warning:w-1", new WarningAcknowledged("w-1", null, "leader-1", t.AddMinutes(30)), 31));
        var escalated = Fold(One("warning:w-1", new WarningEscalated("w-1", 1, [new WarningRecipient("k-1", RecipientRole.Commissioner, "Wang", null)], "not acknowledged within 30 min", t.AddMinutes(20)), 32));
        var resolved = Fold(One("warning:w-1", new WarningResolved("w-1", "fixed", false, "k-1", t.AddHours(5)), 33));
        Assert.Equal(new WarningRow(30, "w-1", "three-alarms-24h", "s-1", "E", Golmud, "High", "3 alarms", t), raised[1]);
        Assert.Equal(new WarningTransitionRow(31, "w-1", "acknowledged", "leader-1", null, t.AddMinutes(30)), ack[1]);
        Assert.Equal(new WarningTransitionRow(32, "w-1", "escalated", "k-1", "not acknowledged within 30 min", t.AddMinutes(20)), escalated[1]);
        Assert.Equal(new WarningTransitionRow(33, "w-1", "resolved", "k-1", "fixed", t.AddHours(5)), resolved[1]);
    }

    [Fact]
    public void GivenPublicReportVerifiedByName_WhenFolded_ThenVerificationRow() =>
        Assert.Equal(new PublicReportVerificationRow(40, "r-1", "Substantiated", "High", "officer-2", new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero)),
            Fold(One("public-report:r-1", """{"ReportId":"r-1","Verdict":"Substantiated","Severity":3,"VerifiedBy":"officer-2","VerifiedAt":"2026-03-02T00:00:00Z"}""", 40, type: "PublicReportVerified"))[1]);

    [Fact]
    public void GivenRectificationVerified_WhenFolded_ThenCaseStepAndTheFindingsRectification()
    {
        var at = new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero);
        var rows = Fold(One(Streams.Case("finding-i-1"), new Fusion.Domain.Rectification.RectificationVerified("finding-i-1", "i-1", SaltLake, Golmud, "ok", "k-1", at), 41));
        Assert.Equal(new Fusion.Projections.Rectification.CaseTransitionRow(41, "finding-i-1", "i-1", "verified", "k-1", "ok", null, at), rows[1]);
        Assert.Equal(new RectificationRow(41, "i-1", "verified", "k-1", at), rows[2]);
    }

    [Fact]
    public void GivenCompletionReportedButNotVerified_WhenFolded_ThenACaseStepButNoRectification()
    {
        var rows = Fold(One(Streams.Case("finding-i-1"), new Fusion.Domain.Rectification.RectificationReportedComplete("finding-i-1", "i-1", "done", "manager", T0), 42));
        Assert.Equal([typeof(EventRow), typeof(Fusion.Projections.Rectification.CaseTransitionRow)], rows.Select(r => r.GetType()));
    }

    [Fact]
    public void GivenAnyOtherEvent_WhenFolded_ThenOnlyAnEventsRowWithCommonFieldsByName()
    {
        var rows = Fold(One(SaltLake, """{"EnterpriseId":"E","RegionId":"golmud","Severity":"High","ListedAt":"2026-03-01T00:00:00Z"}""", 50, type: "EnterpriseBlacklisted"));
        var row = Assert.Single(rows);
        Assert.Equal(new EventRow(50, SaltLake, "EnterpriseBlacklisted", null, "E", Golmud, null, "High", false,
            new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), Recorded,
            """{"EnterpriseId":"E","RegionId":"golmud","Severity":"High","ListedAt":"2026-03-01T00:00:00Z"}"""), row);
    }

    [Fact]
    public void GivenTypedEvent_WhenFolded_ThenPayloadHasRecordNamesAndEnumNames() =>
        Assert.Equal(
            $$"""{"AlarmId":"a-1","CameraId":"cam-1","SiteId":"site-1","EnterpriseId":"{{SaltLake}}","RegionId":"golmud","AlarmType":"AbnormalDischarge","Confidence":0.8,"SnapshotUrl":"https://snap/1.jpg","Source":"nvr","OccurredAt":"2026-03-01T08:00:00+08:00"}""",
            EventsRow(One(SaltLake, Alarm("a-1", SaltLake, Golmud, T0))).Payload);

    [Fact]
    public void GivenSameEventTwice_WhenFolded_ThenSameRows() =>
        Assert.Equal(Fold(One(SaltLake, Alarm("a-1", SaltLake, Golmud, T0))), Fold(One(SaltLake, Alarm("a-1", SaltLake, Golmud, T0))));

    [Fact]
    public void EveryRowTypeTheFoldMakesHasATable()
    {
        foreach (var t in typeof(AnalyticsRow).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AnalyticsRow))))
            Assert.True(AnalyticsSchema.ByRowType.ContainsKey(t), $"{t.Name} has no table");
    }
}

public class EnforcementFoldSpecs
{
    [Fact]
    public void GivenAListingDecided_WhenFolded_ThenABlacklistRowWithTheTerm()
    {
        var from = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = AnalyticsFold.Fold(One(Streams.Blacklist(SaltLake), new Fusion.Domain.Blacklist.EnterpriseBlacklisted(
            SaltLake, "P-1", "Salt Lake", Golmud, Fusion.Domain.Blacklist.BlacklistReason.RepeatedViolations, from, from.AddYears(2), "HX-1", "prefecture", from), 60));
        Assert.Equal(new Fusion.Projections.Blacklist.BlacklistRow(60, SaltLake, "P-1", "listed", "RepeatedViolations", from, from.AddYears(2), "prefecture", "HX-1", from), rows[1]);
        Assert.Equal("blacklist", Assert.IsType<EventRow>(rows[0]).Feed);
    }
}

/// <summary>Device telemetry and exceedances are folded from their types; the rows are those their payloads would give.</summary>
public class DeviceFoldSpecs
{
    public static TheoryData<object> Telemetry() =>
    [
        new Fusion.Domain.Monitoring.MonitoringDataReported("MN-1:20261128080000123:2051", "MN-1", "site-1", SaltLake, Golmud, Fusion.Domain.Monitoring.DataPeriod.Minute, "32",
            [new Fusion.Domain.Monitoring.PollutantReading("w01018", 950.5, null, 900, 990, 4.2, "N")], T0.AddTicks(1_234_567).ToOffset(TimeSpan.FromHours(8)), T0.AddSeconds(5)),
        new Fusion.Domain.Monitoring.MonitoringDataReported("MN-2:x", "MN-2", "", "", "", Fusion.Domain.Monitoring.DataPeriod.Hour, "31", [], T0.ToOffset(TimeSpan.FromHours(-5)), T0),
        new Fusion.Domain.Monitoring.EquipmentStatusReported("MN-1:s", "MN-1", "site-1", SaltLake, Golmud, [new Fusion.Domain.Monitoring.EquipmentStatus("i12001", 4)],
            T0.AddMilliseconds(999), T0.AddSeconds(1)),
        new CameraKeepaliveReceived("CAM-1", "34020000001320000001", 42, "OK", T0.AddTicks(7).ToOffset(TimeSpan.FromHours(8))),
        new Fusion.Domain.Monitoring.EmissionLimitExceeded("ex-1", "MN-1", "site-1", SaltLake, Golmud, "MN-1:r", "w01018", "COD", "mg/L",
            Fusion.Domain.Monitoring.DataPeriod.Day, 123.456789, 100, "N", T0.AddTicks(3).ToOffset(TimeSpan.FromHours(8))),
        new Fusion.Domain.Monitoring.EmissionLimitExceeded("ex-2", "MN-2", "", "", "", "MN-2:r", "a21026", "SO2", "mg/m3",
            Fusion.Domain.Monitoring.DataPeriod.Minute, 0.1 + 0.2, 0.3, "T", T0),
        new Fusion.Domain.Monitoring.EmissionLimitExceeded("ex-3", "MN-3", "site-3", SaltLake, Golmud, "MN-3:r", "a34013", "dust", "mg/m3",
            Fusion.Domain.Monitoring.DataPeriod.Hour, double.NaN, 30, "N", T0.AddHours(-1)),
    ];

    [Theory]
    [MemberData(nameof(Telemetry))]
    public void GivenADeviceEvent_WhenFoldedFromItsType_ThenTheSameRowsAsReadFromItsPayload(object telemetry)
    {
        var e = One("device", telemetry, sequence: 11);
        var (typed, typedRows) = AnalyticsFold.Typed(e)!.Value;
        var (read, readRows) = AnalyticsFold.Untyped(e, new JsonFields(Payload.Json(telemetry)));
        Assert.Equal(read, typed);
        Assert.Equal(read.OccurredAt!.Value.UtcTicks, typed.OccurredAt!.Value.UtcTicks);
        Assert.Equal(readRows, typedRows);
        Assert.Equal(typedRows.Length + 1, AnalyticsFold.Fold(e).Count);
    }
}
