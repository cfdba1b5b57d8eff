using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Cameras;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.Inspections;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.PublicReports;
using Fusion.Connectors.Simulation;
using Fusion.Domain.Aerial;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;

namespace Fusion.Connectors.Tests.Simulation;

public class HaixiSimulatorTests
{
    static readonly TimeSpan China = TimeSpan.FromHours(8);
    static readonly DateTimeOffset Start = new(2026, 10, 29, 0, 0, 0, China);
    static readonly DateTimeOffset Now = Start.AddDays(30).AddHours(9).AddMinutes(30);

    static readonly MasterDataDocument Seed = HaixiSeed.Generate();
    static readonly Lazy<MasterDataCatalog> LazyCatalog = new(() =>
    {
        var batch = MasterDataFeed.Translate(JsonSerializer.SerializeToElement(Seed, HaixiSeed.JsonOptions), MasterDataCatalog.Empty, Start);
        return MasterDataCatalog.Empty.ApplyAll(batch.Accepted.SelectMany(a => a.Item.Events));
    });
    static readonly Lazy<(HaixiSimulator Simulator, IReadOnlyList<SimulatedBatch> Batches)> LazyRun = new(() =>
    {
        var simulator = new HaixiSimulator(Seed, Start);
        return (simulator, simulator.Between(Start, Now).ToList());
    });

    static MasterDataCatalog Catalog => LazyCatalog.Value;
    static HaixiSimulator Simulator => LazyRun.Value.Simulator;
    static IReadOnlyList<SimulatedBatch> Batches => LazyRun.Value.Batches;
    static IEnumerable<T> All<T>() => Batches.SelectMany(b => b.Records).OfType<T>();

    static string Json(IEnumerable<SimulatedBatch> batches) =>
        string.Join("\n", batches.Select(b => $"{b.Feed} {b.At:O} {JsonSerializer.Serialize(b.Records, SimulatorRunner.WireOptions)}"));

    static TranslatedBatch Translate(SimulatedBatch batch) =>
        Feeds.Translate(Feeds.Unhosted(batch.Feed), JsonSerializer.SerializeToElement(batch.Records, SimulatorRunner.WireOptions), Catalog, Now);

    static IEnumerable<object> Events(IEnumerable<SimulatedBatch> batches) =>
        batches.SelectMany(b => Translate(b).Accepted).SelectMany(a => a.Item.Events);

    [Fact]
    public void GivenTheSameSeedAndStart_WhenRunTwice_ThenTheBatchesAreIdentical() =>
        Assert.Equal(Json(Batches), Json(new HaixiSimulator(HaixiSeed.Generate(), Start).Between(Start, Now)));

    [Fact]
    public void GivenAnotherSeed_WhenRun_ThenTheRecordsDiffer() =>
        Assert.NotEqual(Json(Batches.Take(20)), Json(new HaixiSimulator(Seed, Start, seed: 7).Between(Start, Now).Take(20)));

    [Fact]
    public void GivenAWindowSplitAnywhere_WhenPlayedInPieces_ThenTheRecordsAreTheSameAsInOnePiece()
    {
        var whole = Simulator.Between(Start.AddDays(3), Start.AddDays(4)).SelectMany(b => b.Records).ToList();
        var pieces = new List<object>();
        for (var t = Start.AddDays(3); t < Start.AddDays(4); t = t.AddSeconds(4321))
            pieces.AddRange(Simulator.Between(t, Min(t.AddSeconds(4321), Start.AddDays(4))).SelectMany(b => b.Records));
        Assert.NotEmpty(whole);
        // Feeds interleave differently when cut differently; the records themselves must be the same.
        static IEnumerable<string> Sorted(IEnumerable<object> records) => records.Select(r => JsonSerializer.Serialize(r, SimulatorRunner.WireOptions)).Order(StringComparer.Ordinal);
        Assert.Equal(Sorted(whole), Sorted(pieces));
    }

    [Fact]
    public void GivenALaterStart_WhenTheWindowsOverlap_ThenTheOverlapHasTheSameRecordIds()
    {
        // A re-run a day later backfills from a day later: what it shares with the first run must be duplicates.
        var later = new HaixiSimulator(Seed, Start.AddDays(1));
        var window = (From: Start.AddDays(5), Until: Start.AddDays(8));
        Assert.Equal(Ids(Simulator.Between(window.From, window.Until)), Ids(later.Between(window.From, window.Until)));
    }

    [Fact]
    public void GivenTheSeedCatalog_WhenEveryGeneratedRecordIsTranslated_ThenNoneIsRejected()
    {
        var rejected = Batches.SelectMany(b => Translate(b).Rejected.Select(r => $"{b.Feed} {r.RecordId}: {r.Reason}")).ToList();
        Assert.Empty(rejected);
        var ids = Batches.SelectMany(b => Ids([b]).Select(id => $"{b.Feed}:{id}")).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void GivenThirtyDays_ThenEveryFeedHasBackgroundAtPlausibleRates()
    {
        var perFeed = Batches.GroupBy(b => b.Feed).ToDictionary(g => g.Key, g => g.Sum(b => b.Records.Count));
        // Background, plus story (a), the repeat offenders' incidents and the noisy cameras' false alarms.
        Assert.InRange(perFeed[SimulationFeeds.CameraAlarms], 30 * 24 * 3 * 0.8, 30 * 24 * 3 * 1.2 + 2400);
        Assert.InRange(perFeed[SimulationFeeds.AerialFindings], 40, 160);
        Assert.InRange(perFeed[SimulationFeeds.PublicReports], 120, 260);
        Assert.InRange(perFeed[SimulationFeeds.InspectionFindings], 10, 60);
        // Every enterprise deposits for last month, except the one that stopped: it only declares its sales.
        Assert.Equal(Seed.Enterprises!.Count - 1, perFeed[SimulationFeeds.FundDeposits]);
        Assert.Equal(1, perFeed[SimulationFeeds.SalesRevenue]);
        Assert.Equal(5, All<CameraAlarmRecord>().Select(a => a.AlarmType).Distinct().Count());
        Assert.Equal(3, All<AerialFindingRecord>().Select(a => a.Platform).Distinct().Count());
        Assert.Equal(4, All<PublicReportRecord>().Select(a => a.Channel).Distinct().Count());
        Assert.True(All<AerialFindingRecord>().Count(f => f.Severity is "low" or "medium") > 0.75 * All<AerialFindingRecord>().Count());
        Assert.All(All<InspectionFindingRecord>(), f => Assert.True(f.RectifyBy > DateOnly.FromDateTime(f.RecordedAt.DateTime)));
    }

    [Fact]
    public void GivenAnyRecord_ThenItsTimesAreChinaTimeAndInsideTheWindow()
    {
        foreach (var b in Batches)
            foreach (var at in b.Records.Select(TimeOf))
            {
                Assert.Equal(China, at.Offset);
                Assert.InRange(at, Start, Now);
                Assert.True(at <= b.At);
            }
        var hours = Batches.Select(b => b.At.Ticks / TimeSpan.TicksPerHour).ToList();
        Assert.Equal(hours, hours.Order());
    }

    [Fact]
    public void GivenStoryA_ThenTheOutfallCameraRaisesAbnormalDischargeEveryHourOrTwo()
    {
        var story = Simulator.Stories.Discharge!;
        Assert.Equal("outfall", Catalog.Sites[story.SiteId].Kind.ToString().ToLowerInvariant());
        Assert.Equal(story.SiteId, Catalog.Cameras[story.CameraId].SiteId);
        var alarms = All<CameraAlarmRecord>().Where(a => a.CameraId == story.CameraId && a.AlarmType == "abnormal-discharge" && a.Confidence >= 0.75).OrderBy(a => a.OccurredAt).ToList();
        var hours = (Now - story.From).TotalHours;
        Assert.InRange(story.From, Start.AddDays(20), Now.AddDays(-1));
        Assert.InRange(alarms.Count, hours / 2, hours);
        Assert.All(alarms.Zip(alarms.Skip(1)), p => Assert.True(p.Second.OccurredAt - p.First.OccurredAt < TimeSpan.FromHours(3), $"gap {p.First.OccurredAt:O} → {p.Second.OccurredAt:O}"));
        Assert.True(alarms[0].OccurredAt - story.From < TimeSpan.FromHours(1));
    }

    [Fact]
    public void GivenStoryB_ThenADroneFindsDumpingInsideTheHaloxylonReserveTracedToTheNearbySite()
    {
        var story = Simulator.Stories.Dumping!;
        var finding = Assert.Single(All<AerialFindingRecord>(), f => f.FindingId == story.FindingId);
        Assert.Equal(("drone", "illegal-dumping"), (finding.Platform, finding.FindingType));
        Assert.Contains(finding.Severity, new[] { "high", "critical" });
        var reserve = Catalog.Zones["QAIDAM-HALOXYLON"];
        var position = new GeoPoint(finding.Longitude!.Value, finding.Latitude!.Value);
        Assert.True(Geo.Contains(reserve.Polygon, position));
        var site = Catalog.Sites[story.SiteId];
        Assert.False(Geo.Contains(reserve.Polygon, site.Location));
        Assert.InRange(Geo.DistanceMetres(site.Location, position), 500, 8000);

        var recorded = Assert.IsType<AerialFindingRecorded>(Assert.Single(Events(Batches.Where(b => b.Records.Contains(finding)))
            .OfType<AerialFindingRecorded>(), e => e.FindingId == story.FindingId));
        Assert.Equal((story.EnterpriseId, story.SiteId, "QAIDAM-HALOXYLON"), (recorded.EnterpriseId, recorded.SiteId, recorded.ProtectedZoneId));
        var signal = RiskSignals.From(recorded, 1)!;
        Assert.True(signal.InsideProtectedZone);

        // The next day's satellite pass outlines the same ground: another platform at the same site, so both are "highest".
        var pass = Assert.Single(All<AerialFindingRecord>(), f => f.Platform == "satellite" && f.SiteId == story.SiteId && f.Geometry is not null);
        var passed = Assert.Single(Events(Batches.Where(b => b.Records.Contains(pass))).OfType<AerialFindingRecorded>(), e => e.FindingId == pass.FindingId);
        Assert.Equal(("QAIDAM-HALOXYLON", story.SiteId), (passed.ProtectedZoneId, passed.SiteId));
        var contributions = RiskScoring.Contributions([signal, RiskSignals.From(passed, 2)!], new RiskModel(), pass.ObservedAt);
        Assert.All(contributions, c => Assert.Equal((CorroborationLevel.Highest, story.At), (c.Level, c.FirstDetectedAt!.Value)));
    }

    [Fact]
    public void GivenStoryC_ThenABurstOfHotlineAndWeChatReportsIsFollowedByAnInspection()
    {
        var story = Simulator.Stories.Reports!;
        var site = Catalog.Sites[story.SiteId];
        var reports = All<PublicReportRecord>().Where(r => story.ReportIds.Contains(r.ReportId)).ToList();
        Assert.InRange(reports.Count, 6, 12);
        Assert.Equal(["hotline-12369", "wechat"], reports.Select(r => r.Channel).Distinct().Order());
        Assert.True(reports.Max(r => r.ReceivedAt) - reports.Min(r => r.ReceivedAt) <= TimeSpan.FromHours(5));
        Assert.All(reports, r => Assert.InRange(Geo.DistanceMetres(site.Location, new(r.Longitude!.Value, r.Latitude!.Value)), 0, PublicReportFeed.AttributionRadiusMetres));

        var received = Events(Batches.Where(b => b.Feed == SimulationFeeds.PublicReports)).OfType<PublicReportFiled>().Where(e => story.ReportIds.Contains(e.ReportId)).ToList();
        Assert.All(received, e => Assert.Equal((story.EnterpriseId, story.SiteId), (e.EnterpriseId, e.SiteId)));

        var inspection = Assert.Single(All<InspectionFindingRecord>(), f => f.FindingId == story.InspectionFindingId);
        Assert.Equal((story.EnterpriseId, story.SiteId), (inspection.EnterpriseId, inspection.SiteId));
        Assert.InRange(inspection.RecordedAt - reports.Max(r => r.ReceivedAt), TimeSpan.FromHours(1), TimeSpan.FromDays(2));
        Assert.Contains(inspection.Severity, new[] { "high", "critical" });
    }

    [Fact]
    public void GivenTheStories_ThenTheyConcernThreeDifferentEnterprisesWithinTheBackfill()
    {
        var s = Simulator.Stories;
        Assert.Equal(3, new[] { s.Discharge!.EnterpriseId, s.Dumping!.EnterpriseId, s.Reports!.EnterpriseId }.Distinct().Count());
        Assert.All(new[] { s.Discharge.From, s.Dumping.At, s.Reports.From, s.Reports.InspectionAt }, t => Assert.InRange(t, Now.AddDays(-6), Now.AddDays(-1)));
    }

    [Fact]
    public void GivenTwoMonths_ThenEveryEnterpriseDepositsMonthlyAndAboutOneInTenFallsShort()
    {
        var simulator = new HaixiSimulator(Seed, Start);
        var records = simulator.Between(Start, Start.AddDays(95)).SelectMany(b => b.Records).ToList();
        var deposits = records.OfType<FundDepositRecord>().ToList();
        var stopped = simulator.Stories.StoppedDepositing!;
        var enterprises = Seed.Enterprises!.Where(e => e.EnterpriseId != stopped).ToDictionary(e => e.EnterpriseId);
        // The enterprise that stopped depositing declares its sales every month and pays nothing.
        Assert.DoesNotContain(deposits, d => d.EnterpriseId == stopped);
        Assert.Equal(["2026-10", "2026-11", "2026-12"], records.OfType<SalesRevenueRecord>().Where(s => s.EnterpriseId == stopped).Select(s => s.Period).Order());
        Assert.Equal(["2026-10", "2026-11", "2026-12"], deposits.Select(d => d.Period).Distinct().Order());
        foreach (var period in deposits.GroupBy(d => d.Period))
            Assert.Equal(enterprises.Keys.Order(), period.Select(d => d.EnterpriseId).Order());
        Assert.All(deposits, d => Assert.InRange(d.DepositedAt.Day, 1, 15));
        Assert.All(deposits, d => Assert.InRange(d.SalesRevenueYuan, enterprises[d.EnterpriseId].AnnualSalesRevenueYuan / 12 * 0.8m, enterprises[d.EnterpriseId].AnnualSalesRevenueYuan / 12 * 1.2m));
        var shortShare = deposits.Count(d => d.AmountYuan < Math.Round(d.SalesRevenueYuan * new Fusion.Domain.Funds.FundPolicy().ObligationRate, 2)) / (double)deposits.Count;
        Assert.InRange(shortShare, 0.06, 0.14);
        // Some enterprises are short every month: the blacklist criteria need repeat offenders.
        Assert.Contains(deposits.GroupBy(d => d.EnterpriseId), g => g.All(d => d.AmountYuan < d.SalesRevenueYuan * new Fusion.Domain.Funds.FundPolicy().ObligationRate));
    }

    [Fact]
    public void GivenTheGroundTruth_ThenEveryEnterpriseIsLabelledAndPlayedAsItsLabelSays()
    {
        var conduct = Simulator.Conduct;
        var stories = Simulator.Stories;
        Assert.Equal(Seed.Enterprises!.Where(e => e.Sites is { Count: > 0 }).Select(e => e.EnterpriseId).Order(), conduct.Keys.Order());
        Assert.Equal(new[] { stories.Discharge!.EnterpriseId, stories.Dumping!.EnterpriseId, stories.Reports!.EnterpriseId, stories.StoppedDepositing! }.Order(),
            conduct.Where(c => c.Value == EnterpriseConduct.StoryCase).Select(c => c.Key).Order());
        var offenders = conduct.Where(c => c.Value == EnterpriseConduct.RepeatOffender).Select(c => c.Key).ToHashSet();
        var noisy = conduct.Where(c => c.Value == EnterpriseConduct.NoisyButCompliant).Select(c => c.Key).ToHashSet();
        Assert.InRange(offenders.Count, conduct.Count * 0.02, conduct.Count * 0.10);
        Assert.InRange(noisy.Count, conduct.Count * 0.02, conduct.Count * 0.10);

        // Offenders fall short every month, see incidents on their own cameras and get the serious findings.
        Assert.All(All<FundDepositRecord>().Where(d => offenders.Contains(d.EnterpriseId)), d => Assert.True(d.AmountYuan < d.SalesRevenueYuan * new Fusion.Domain.Funds.FundPolicy().ObligationRate));
        var alarms = All<CameraAlarmRecord>().Select(a => (Alarm: a, Enterprise: Catalog.Cameras[a.CameraId].EnterpriseId)).ToList();
        var incidents = alarms.Where(a => a.Alarm.AlarmId.Contains("-CA-O-")).ToList();
        Assert.NotEmpty(incidents);
        Assert.All(incidents, a => Assert.True(offenders.Contains(a.Enterprise) && a.Alarm.Confidence >= 0.6 && a.Alarm.AlarmType is not ("other" or "tamper")));
        Assert.All(All<InspectionFindingRecord>().Where(f => !offenders.Contains(f.EnterpriseId) && !f.FindingId.Contains("-IF-C-")), f => Assert.NotEqual("critical", f.Severity));
        Assert.All(All<AerialFindingRecord>().Where(f => f.FindingId.Contains("-AF-O-")), f => Assert.Contains(f.EnterpriseId!, offenders));
        Assert.All(All<AerialFindingRecord>().Where(f => f.Severity == "critical" && f.EnterpriseId is { } e && !offenders.Contains(e)), f => Assert.Equal(stories.Dumping.FindingId, f.FindingId));
        // Noisy cameras cry wolf at low confidence, several times a day.
        var falseAlarms = alarms.Where(a => a.Alarm.AlarmId.Contains("-CA-N-")).ToList();
        Assert.All(falseAlarms, a => Assert.True(noisy.Contains(a.Enterprise) && a.Alarm.Confidence <= 0.6));
        Assert.InRange(falseAlarms.Count, noisy.Count * 30 * 2, noisy.Count * 30 * 4);
    }

    [Fact]
    public void GivenThirtyDaysOfSignals_WhenScored_ThenTheStoryEnterprisesStandOutAndMostAreGreen()
    {
        var events = Batches.SelectMany(b => Translate(b).Accepted).SelectMany(a => a.Item.Events).ToList();
        var signals = events.Select((e, i) => RiskSignals.From(e, i + 1)).OfType<RiskSignal>().Where(s => s.EnterpriseId is not null).ToList();
        var model = new RiskModel();
        var scores = signals.GroupBy(s => s.EnterpriseId!)
            .ToDictionary(g => g.Key, g => RiskScoring.Score(g.Key, RiskSubject.Enterprise, g.ToList(), false, model, Now));
        double ScoreOf(string id) => scores.TryGetValue(id, out var s) ? s.Score : 0;
        var all = Seed.Enterprises!.Select(e => ScoreOf(e.EnterpriseId)).Order().ToList();
        var stories = Simulator.Stories;

        Assert.True(all[all.Count / 2] < model.LevelBands[0], $"median {all[all.Count / 2]}");
        Assert.True(all.Count(s => s >= model.LevelBands[0]) < all.Count / 4, $"{all.Count(s => s >= model.LevelBands[0])} not green");
        var top = Seed.Enterprises!.OrderByDescending(e => ScoreOf(e.EnterpriseId)).Take(10).Select(e => e.EnterpriseId).ToList();
        Assert.Contains(stories.Discharge!.EnterpriseId, top);
        Assert.Contains(stories.Dumping!.EnterpriseId, top);
        Assert.Contains(stories.Reports!.EnterpriseId, top);
    }

    static IReadOnlyList<string> Ids(IEnumerable<SimulatedBatch> batches) => batches.SelectMany(b => b.Records).Select(r => r switch
    {
        CameraAlarmRecord x => x.AlarmId,
        AerialFindingRecord x => x.FindingId,
        PublicReportRecord x => x.ReportId,
        InspectionFindingRecord x => x.FindingId,
        FundDepositRecord x => x.DepositId,
        SalesRevenueRecord x => x.DeclarationId!,
        _ => throw new InvalidOperationException(r.GetType().Name),
    }).ToList();

    static DateTimeOffset TimeOf(object r) => r switch
    {
        CameraAlarmRecord x => x.OccurredAt,
        AerialFindingRecord x => x.ObservedAt,
        PublicReportRecord x => x.ReceivedAt,
        InspectionFindingRecord x => x.RecordedAt,
        FundDepositRecord x => x.DepositedAt,
        SalesRevenueRecord x => x.DeclaredAt!.Value,
        _ => throw new InvalidOperationException(r.GetType().Name),
    };

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
