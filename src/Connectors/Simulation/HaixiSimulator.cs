using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Cameras;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Inspections;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.PublicReports;
using Fusion.Domain.Common;

namespace Fusion.Connectors.Simulation;

/// <summary>The ingest feeds the simulator writes to: the {feed} of POST /api/ingest/{feed}.</summary>
public static class SimulationFeeds
{
    public const string CameraAlarms = "camera-alarms";
    public const string AerialFindings = "aerial-findings";
    public const string PublicReports = "public-reports";
    public const string InspectionFindings = "inspection-findings";
    public const string FundDeposits = "fund-deposits";
    public const string SalesRevenue = "sales-revenue";

    public static readonly IReadOnlyList<string> All = [CameraAlarms, AerialFindings, PublicReports, InspectionFindings, FundDeposits, SalesRevenue];
}

/// <summary>
/// Records of one feed, in time order, to be posted together as a JSON array. Records are the feed's
/// record types (CameraAlarmRecord, AerialFindingRecord, …). At is the time of the latest record.
/// </summary>
public sealed record SimulatedBatch(string Feed, DateTimeOffset At, IReadOnlyList<object> Records);

/// <summary>How busy the background is. The defaults keep most enterprises green and let the stories stand out.</summary>
public sealed record SimulationRates
{
    /// <summary>Prefecture-wide, all day: AI cameras see something about every twenty minutes.</summary>
    public double CameraAlarmsPerHour { get; init; } = 3;

    /// <summary>Per hour between 09:00 and 18:00: drone, helicopter and satellite patrol findings.</summary>
    public double AerialFindingsPerDaytimeHour { get; init; } = 0.35;

    /// <summary>Averaged over the day; most arrive between 08:00 and 22:00.</summary>
    public double PublicReportsPerHour { get; init; } = 0.25;

    /// <summary>Per hour between 09:00 and 18:00 on weekdays.</summary>
    public double InspectionFindingsPerWorkingHour { get; init; } = 0.12;

    /// <summary>
    /// Share of monthly fund deposits that fall short of 1‰ of the month's sales revenue. Half of it
    /// comes from the repeat offenders, who fall short every month.
    /// </summary>
    public double FundShortfallShare { get; init; } = 0.10;

    /// <summary>Per repeat offender and day: an incident its own cameras (or, at a site without one, a drone) see.</summary>
    public double OffenderIncidentsPerDay { get; init; } = 0.4;

    /// <summary>Share of inspection findings made at repeat offenders (inspectors go where the trouble is).</summary>
    public double OffenderInspectionShare { get; init; } = 0.35;

    /// <summary>Share of enterprises whose cameras cry wolf: compliant, yet their cameras raise low-confidence alarms.</summary>
    public double NoisyCompliantShare { get; init; } = 0.05;

    /// <summary>Per noisy-but-compliant enterprise and day: false alarms of its cameras.</summary>
    public double NoisyFalseAlarmsPerDay { get; init; } = 3;
}

/// <summary>
/// How the simulator plays an enterprise: the ground truth a calibration measures the risk model
/// against. Only the calibration harness reads it; the platform gets the feeds' records and nothing else.
/// Repeat offenders and story cases misbehave; quiet and noisy-but-compliant enterprises do not.
/// </summary>
public enum EnterpriseConduct { Quiet, NoisyButCompliant, RepeatOffender, StoryCase }

/// <summary>(a) An outfall camera raising abnormal-discharge alarms every hour or two from From on.</summary>
public sealed record DischargeStory(string EnterpriseId, string SiteId, string CameraId, DateTimeOffset From);

/// <summary>(b) A drone sees illegal dumping inside a nature reserve, traced to a nearby enterprise's site.</summary>
public sealed record DumpingStory(string EnterpriseId, string SiteId, string ZoneId, string FindingId, double Longitude, double Latitude, DateTimeOffset At);

/// <summary>(c) A burst of 12369 hotline and WeChat reports about one site, then an inspection finding there.</summary>
public sealed record ReportBurstStory(string EnterpriseId, string SiteId, IReadOnlyList<string> ReportIds, DateTimeOffset From, string InspectionFindingId, DateTimeOffset InspectionAt);

/// <summary>The scripted stories, as chosen from the master data; a story is null when the master data cannot carry it.</summary>
/// <summary>StoppedDepositing: the enterprise that still declares its sales but stopped paying into its fund (from the simulation's start).</summary>
public sealed record SimulationStories(DischargeStory? Discharge, DumpingStory? Dumping, ReportBurstStory? Reports, string? StoppedDepositing = null);

/// <summary>
/// Plays realistic Haixi event streams: background noise on every feed plus three scripted stories.
/// Pure and deterministic: it never reads the clock. Background records belong to hour slots counted
/// from a fixed epoch and are drawn from a random stream seeded by (seed, feed, hour), so their ids and
/// contents do not depend on the window asked for or on the start: re-running over the same hours gives
/// duplicates, not new events. Stories are placed relative to Start's day (the runner starts 30 days
/// back, so they fall 2–5 days before "now"); their ids do not depend on time, so a later re-run
/// repeats them as duplicates. Not thread-safe (it caches each month's fund deposits).
/// </summary>
public sealed class HaixiSimulator
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, ChinaOffset);

    const long CameraStream = 1, AerialStream = 2, ReportStream = 3, InspectionStream = 4, FundStream = 5, ChronicStream = 6, StoryAStream = 7, StoryStream = 8,
        OffenderStream = 9, NoisyStream = 10, NoisyChoiceStream = 11;
    const string EnforcementTeam = "海西州生态环境综合行政执法支队";

    readonly int seed;
    readonly SimulationRates rates;
    readonly List<Ent> enterprises;
    readonly List<SiteInfo> sites;
    readonly List<(CameraRecord Camera, SiteInfo Site)> cameras;
    readonly IReadOnlyList<IReadOnlyList<GeoPoint>> zoneRings;
    readonly Dictionary<string, RegionRecord> regions;
    readonly Dictionary<string, List<CommissionerRecord>> commissionersByRegion;
    readonly List<Item> scripted = [];
    readonly Dictionary<long, List<Item>> fundsByMonth = [];
    readonly List<Ent> offenders;
    readonly HashSet<string> offenderIds;
    readonly List<Ent> noisy;

    sealed record Ent(EnterpriseRecord Record, IReadOnlyList<SiteInfo> Sites, long Key);
    sealed record SiteInfo(SiteRecord Record, EnterpriseRecord Enterprise, bool AirOutlet)
    {
        public GeoPoint Location => new(Record.Longitude, Record.Latitude);
    }
    readonly record struct Item(string Feed, DateTimeOffset At, object Record);

    public HaixiSimulator(MasterDataDocument masterData, DateTimeOffset start, int seed = HaixiSeed.DefaultSeed, SimulationRates? rates = null)
    {
        this.seed = seed;
        this.rates = rates ?? new SimulationRates();
        Start = start.ToOffset(ChinaOffset);
        regions = (masterData.Regions ?? []).ToDictionary(r => r.RegionId);
        enterprises = (masterData.Enterprises ?? [])
            .Select(e => new Ent(e, (e.Sites ?? []).Select(s => new SiteInfo(s, e, (s.Monitors ?? []).Any(m => m.Limits.Keys.Any(k => k.StartsWith('a'))))).ToList(), StableSeed.Of(e.EnterpriseId)))
            .Where(e => e.Sites.Count > 0)
            .ToList();
        sites = enterprises.SelectMany(e => e.Sites).ToList();
        cameras = sites.SelectMany(s => (s.Record.Cameras ?? []).Select(c => (c, s))).ToList();
        zoneRings = (masterData.ProtectedZones ?? []).Select(z => (IReadOnlyList<GeoPoint>)z.Polygon.Select(p => new GeoPoint(p[0], p[1])).ToList()).ToList();
        commissionersByRegion = (masterData.Commissioners ?? []).GroupBy(c => c.RegionId).ToDictionary(g => g.Key, g => g.ToList());
        if (enterprises.Count == 0) throw new ArgumentException("the master data has no enterprise with a site to simulate", nameof(masterData));
        Stories = ChooseStories(masterData);
        var chronicShare = this.rates.FundShortfallShare / 2;
        offenders = enterprises.Where(e => new Random(StableSeed.Of(seed, ChronicStream, e.Key)).NextDouble() < chronicShare).ToList();
        offenderIds = offenders.Select(e => e.Record.EnterpriseId).ToHashSet();
        // One enterprise stops depositing: a compliant one (no other story, not a repeat offender) with the largest sales.
        string?[] taken = [Stories.Discharge?.EnterpriseId, Stories.Dumping?.EnterpriseId, Stories.Reports?.EnterpriseId];
        Stories = Stories with
        {
            StoppedDepositing = enterprises.Where(e => !taken.Contains(e.Record.EnterpriseId) && !offenderIds.Contains(e.Record.EnterpriseId))
                .OrderByDescending(e => e.Record.AnnualSalesRevenueYuan).ThenBy(e => e.Record.EnterpriseId, StringComparer.Ordinal)
                .Select(e => e.Record.EnterpriseId).FirstOrDefault(),
        };
        noisy = enterprises.Where(e => !offenderIds.Contains(e.Record.EnterpriseId) && e.Sites.Any(x => x.Record.Cameras is { Count: > 0 })
            && new Random(StableSeed.Of(seed, NoisyChoiceStream, e.Key)).NextDouble() < this.rates.NoisyCompliantShare).ToList();
        string?[] storyCases = [Stories.Discharge?.EnterpriseId, Stories.Dumping?.EnterpriseId, Stories.Reports?.EnterpriseId, Stories.StoppedDepositing];
        Conduct = enterprises.ToDictionary(e => e.Record.EnterpriseId, e =>
            storyCases.Contains(e.Record.EnterpriseId) ? EnterpriseConduct.StoryCase
            : offenderIds.Contains(e.Record.EnterpriseId) ? EnterpriseConduct.RepeatOffender
            : noisy.Any(n => n.Key == e.Key) ? EnterpriseConduct.NoisyButCompliant
            : EnterpriseConduct.Quiet);
    }

    /// <summary>Ground truth for calibration: how each enterprise (with a site) is played. Never an input to scoring.</summary>
    public IReadOnlyDictionary<string, EnterpriseConduct> Conduct { get; }

    public DateTimeOffset Start { get; }

    public SimulationStories Stories { get; }

    /// <summary>
    /// Every record whose time is in [from, until) and not before Start, as one batch per feed and hour,
    /// hour by hour. Asking for [a, b) and then [b, c) gives exactly what [a, c) gives.
    /// </summary>
    public IEnumerable<SimulatedBatch> Between(DateTimeOffset from, DateTimeOffset until)
    {
        if (from < Start) from = Start;
        for (var hour = HourOf(from); SlotStart(hour) < until; hour++)
        {
            var items = Slot(hour).Where(i => i.At >= from && i.At < until).OrderBy(i => i.At).ToList();
            foreach (var feed in SimulationFeeds.All)
            {
                var records = items.Where(i => i.Feed == feed).ToList();
                if (records.Count > 0) yield return new SimulatedBatch(feed, records[^1].At, records.Select(i => i.Record).ToList());
            }
        }
    }

    static long HourOf(DateTimeOffset t) => (long)Math.Floor((t - Epoch).TotalHours);
    static DateTimeOffset SlotStart(long hour) => Epoch.AddHours(hour);
    static DateTimeOffset Local(DateTimeOffset t) => t.ToOffset(ChinaOffset);

    IEnumerable<Item> Slot(long hour)
    {
        var start = SlotStart(hour);
        var end = start.AddHours(1);
        return CameraAlarms(hour, start)
            .Concat(AerialFindings(hour, start))
            .Concat(PublicReports(hour, start))
            .Concat(InspectionFindings(hour, start))
            .Concat(FundDeposits(start).Where(i => i.At >= start && i.At < end))
            .Concat(OffenderIncidents(hour, start))
            .Concat(FalseAlarms(hour, start))
            .Concat(DischargeStoryAlarm(hour, start))
            .Concat(scripted.Where(i => i.At >= start && i.At < end));
    }

    Random Stream(long stream, long hour) => new(StableSeed.Of(seed, stream, hour));

    string Id(string feed, long hour, int index) => $"SIM{seed}-{feed}-{hour}-{index:D2}";

    // ---- background -------------------------------------------------------------------------------

    IEnumerable<Item> CameraAlarms(long hour, DateTimeOffset start)
    {
        if (cameras.Count == 0) yield break;
        var rng = Stream(CameraStream, hour);
        var n = Poisson(rng, rates.CameraAlarmsPerHour);
        for (var i = 0; i < n; i++)
        {
            var (camera, site) = cameras[rng.Next(cameras.Count)];
            var type = HaixiNames.Weighted(rng, AlarmTypesFor(site));
            var confidence = Math.Round(0.35 + 0.6 * Math.Pow(rng.NextDouble(), 1.5), 2);
            var at = start.AddSeconds(rng.Next(3600));
            var id = Id("CA", hour, i);
            yield return new Item(SimulationFeeds.CameraAlarms, at, new CameraAlarmRecord(id, camera.CameraId, type, confidence, at, Snapshot(id)));
        }
    }

    static (string, int)[] AlarmTypesFor(SiteInfo site) => site.Record.Kind switch
    {
        "outfall" when site.AirOutlet => [("smoke-and-dust", 45), ("other", 40), ("tamper", 15)],
        "outfall" => [("other", 45), ("abnormal-discharge", 30), ("tamper", 15), ("illegal-dumping", 10)],
        "tailings-pond" => [("other", 40), ("illegal-dumping", 25), ("abnormal-discharge", 20), ("tamper", 15)],
        _ => [("smoke-and-dust", 30), ("illegal-dumping", 30), ("other", 25), ("tamper", 15)],
    };

    static readonly (string Type, string Description, int Weight)[] AerialTypes =
    [
        ("uncovered-stockpile", "堆场物料未苫盖，存在扬尘隐患", 25),
        ("dust-emission", "厂区及运输道路扬尘明显", 20),
        ("illegal-dumping", "戈壁滩发现疑似倾倒的固体废物", 15),
        ("abnormal-discharge", "排口下游地表有疑似废水漫流痕迹", 10),
        ("tailings-seepage", "尾矿库坝体外侧有渗水痕迹", 10),
        ("unauthorised-construction", "发现未报批的新建构筑物", 10),
        ("vegetation-damage", "地表植被遭车辆碾压破坏", 5),
        ("unlicensed-mining", "发现疑似无证采挖痕迹", 5),
    ];

    IEnumerable<Item> AerialFindings(long hour, DateTimeOffset start)
    {
        if (start.Hour is < 9 or >= 18) yield break;
        var rng = Stream(AerialStream, hour);
        var n = Poisson(rng, rates.AerialFindingsPerDaytimeHour);
        for (var i = 0; i < n; i++)
        {
            var platform = HaixiNames.Weighted(rng, [("drone", 60), ("helicopter", 15), ("satellite", 25)]);
            var (type, description, _) = AerialTypes[HaixiNames.Weighted(rng, AerialTypes.Select((t, k) => (k, t.Weight)).ToArray())];
            var severity = HaixiNames.Weighted(rng, [("low", 55), ("medium", 33), ("high", 10), ("critical", 2)]);
            var site = sites[rng.Next(sites.Count)];
            var attributed = rng.NextDouble() < 0.7;
            // What patrols see next to a compliant enterprise is dust and stockpiles, never a critical case.
            if (attributed && severity == "critical" && !offenderIds.Contains(site.Enterprise.EnterpriseId)) severity = "medium";
            // Attributed findings lie within a few hundred metres of a site; the rest out on the gobi, never in a reserve.
            var position = attributed ? Around(rng, site.Location, 50, 300) : Around(rng, site.Location, 2000, 8000);
            var named = attributed && rng.NextDouble() < 0.4;
            var at = start.AddSeconds(rng.Next(3600));
            var id = Id("AF", hour, i);
            yield return new Item(SimulationFeeds.AerialFindings, at, new AerialFindingRecord(
                id, platform, type, severity, position.Longitude, position.Latitude, at,
                named ? site.Enterprise.EnterpriseId : null, named ? site.Record.SiteId : null,
                description, $"https://aerial.example.cn/haixi/{id}.jpg"));
        }
    }

    static readonly IReadOnlyDictionary<string, string[]> Complaints = new Dictionary<string, string[]>
    {
        ["water"] = ["排污口夜间排放发黑的废水，气味刺鼻", "厂区外排水沟出现大量白色泡沫", "怀疑企业偷排废水流入戈壁滩", "排污口附近的水发黄，有异味"],
        ["air"] = ["烟囱冒黄烟，周边有刺激性气味", "夜间烟囱排放大量黑烟", "厂区附近粉尘很大，车辆上落满灰", "凌晨闻到很重的化工味"],
        ["tailings-pond"] = ["尾矿库坝体渗水，下游地面发白", "尾矿库周边大风天扬尘严重", "尾矿库旁有车辆夜间倾倒废料", "尾矿库下游出现黄色积水"],
        ["slag-yard"] = ["渣场没有覆盖，大风天扬尘严重", "有车辆往戈壁滩倾倒废渣", "渣场周围有烧焦味和黑烟", "废渣堆到了厂区围墙外面"],
    };

    static string[] ComplaintsFor(SiteInfo site) =>
        Complaints[site.Record.Kind == "outfall" ? (site.AirOutlet ? "air" : "water") : site.Record.Kind];

    IEnumerable<Item> PublicReports(long hour, DateTimeOffset start)
    {
        var rng = Stream(ReportStream, hour);
        var rate = rates.PublicReportsPerHour * (start.Hour is >= 8 and < 22 ? 1.5 : 0.25);
        var n = Poisson(rng, rate);
        for (var i = 0; i < n; i++)
        {
            var e = enterprises[rng.Next(enterprises.Count)];
            var site = e.Sites[rng.Next(e.Sites.Count)];
            var channel = HaixiNames.Weighted(rng, [("hotline-12369", 40), ("wechat", 35), ("sms", 10), ("email", 15)]);
            var content = HaixiNames.Pick(rng, ComplaintsFor(site));
            var at = start.AddSeconds(rng.Next(3600));
            var id = Id("PR", hour, i);
            var contact = rng.NextDouble() < 0.45 ? Contact(rng, channel, id) : null;
            PublicReportRecord record;
            switch (HaixiNames.Weighted(rng, [("enterprise", 35), ("site", 25), ("position", 25), ("region", 15)]))
            {
                case "enterprise":
                    record = new(id, channel, $"{e.Record.Name}：{content}", at, EnterpriseId: e.Record.EnterpriseId, ReporterContact: contact);
                    break;
                case "site":
                    record = new(id, channel, $"{e.Record.Name}{site.Record.Name}：{content}", at, SiteId: site.Record.SiteId, ReporterContact: contact);
                    break;
                case "position":
                    var p = Around(rng, site.Location, 80, 300);
                    record = new(id, channel, content, at, Longitude: p.Longitude, Latitude: p.Latitude, ReporterContact: contact);
                    break;
                default:
                    record = new(id, channel, $"{RegionName(e.Record.RegionId)}一带：{content}", at, RegionId: CountyOf(e.Record.RegionId), ReporterContact: contact);
                    break;
            }
            yield return new Item(SimulationFeeds.PublicReports, at, record);
        }
    }

    static string Contact(Random rng, string channel, string id) => channel switch
    {
        "wechat" => $"wechat:o-sim-{StableSeed.Of(id) & 0xFFFFFF:x6}",
        "email" => $"reporter-{StableSeed.Of(id) & 0xFFFF:x4}@example.cn",
        _ => $"1390977{rng.Next(10_000):D4}",
    };

    static readonly IReadOnlyDictionary<string, string[]> Violations = new Dictionary<string, string[]>
    {
        ["water"] = ["在线监测设备未正常运行，数据缺失", "废水处理设施未正常运行", "排污口规范化整治不到位，标识牌缺失", "超标排放废水"],
        ["air"] = ["除尘设施未正常运行", "废气在线监测数据造假嫌疑，比对监测偏差超限", "无组织排放控制措施不到位", "脱硫设施旁路未封闭"],
        ["tailings-pond"] = ["尾矿库防渗层破损", "尾矿库未按要求开展隐患排查", "尾矿库排洪设施不畅", "尾矿库在线监测设施缺失"],
        ["slag-yard"] = ["渣场未采取防尘覆盖措施", "一般工业固废台账不全", "危险废物混入一般固废堆存", "渣场防渗、防流失措施不到位"],
        ["enterprise"] = ["环境风险应急预案未备案", "环保设施未与主体工程同时运行", "环境管理台账记录不全", "未按规定提取生态环保专项基金"],
    };

    IEnumerable<Item> InspectionFindings(long hour, DateTimeOffset start)
    {
        if (start.Hour is < 9 or >= 18 || start.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) yield break;
        var rng = Stream(InspectionStream, hour);
        var n = Poisson(rng, rates.InspectionFindingsPerWorkingHour);
        for (var i = 0; i < n; i++)
        {
            var atOffender = offenders.Count > 0 && rng.NextDouble() < rates.OffenderInspectionShare;
            var e = atOffender ? offenders[rng.Next(offenders.Count)] : enterprises[rng.Next(enterprises.Count)];
            var site = rng.NextDouble() < 0.7 ? e.Sites[rng.Next(e.Sites.Count)] : null;
            var violation = HaixiNames.Pick(rng, Violations[site is null ? "enterprise" : site.Record.Kind == "outfall" ? (site.AirOutlet ? "air" : "water") : site.Record.Kind]);
            // A compliant enterprise's findings are paperwork and upkeep; the serious ones are the offenders'.
            var severity = offenderIds.Contains(e.Record.EnterpriseId)
                ? HaixiNames.Weighted(rng, [("low", 10), ("medium", 35), ("high", 40), ("critical", 15)])
                : HaixiNames.Weighted(rng, [("low", 40), ("medium", 50), ("high", 10)]);
            var at = start.AddSeconds(rng.Next(3600));
            var days = severity switch { "critical" => rng.Next(3, 8), "high" => rng.Next(7, 16), "medium" => rng.Next(15, 31), _ => rng.Next(30, 61) };
            yield return new Item(SimulationFeeds.InspectionFindings, at, new InspectionFindingRecord(
                Id("IF", hour, i), e.Record.EnterpriseId, violation, severity, DateOnly.FromDateTime(at.DateTime).AddDays(days),
                RecordedBy(rng, e.Record.RegionId), at, site?.Record.SiteId));
        }
    }

    string RecordedBy(Random rng, string regionId)
    {
        var candidates = commissionersByRegion.GetValueOrDefault(regionId) ?? commissionersByRegion.GetValueOrDefault(CountyOf(regionId)) ?? [];
        return candidates.Count > 0 && rng.NextDouble() < 0.5 ? $"督察专员{candidates[rng.Next(candidates.Count)].Name}" : EnforcementTeam;
    }

    /// <summary>Each enterprise deposits for the previous month between the 1st and the 15th.</summary>
    IEnumerable<Item> FundDeposits(DateTimeOffset slotStart)
    {
        var monthIndex = (slotStart.Year - 2000) * 12L + slotStart.Month - 1;
        if (fundsByMonth.TryGetValue(monthIndex, out var cached)) return cached;
        var monthStart = new DateTimeOffset(slotStart.Year, slotStart.Month, 1, 0, 0, 0, ChinaOffset);
        var period = monthStart.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var chronicShare = rates.FundShortfallShare / 2;
        var monthlyShare = (rates.FundShortfallShare - chronicShare) / (1 - chronicShare);
        var items = new List<Item>();
        foreach (var e in enterprises)
        {
            var rng = new Random(StableSeed.Of(seed, FundStream, e.Key, monthIndex));
            var at = monthStart.AddDays(rng.Next(15)).AddHours(9 + rng.Next(8)).AddSeconds(rng.Next(3600));
            var revenue = Math.Round(e.Record.AnnualSalesRevenueYuan / 12 * (decimal)(0.85 + 0.3 * rng.NextDouble()) / 1000) * 1000;
            var required = Math.Round(revenue * new Fusion.Domain.Funds.FundPolicy().ObligationRate, 2);
            if (e.Record.EnterpriseId == Stories.StoppedDepositing && monthStart >= Start.AddDays(-31))
            {
                // It declares the month's sales as before, and pays nothing: the fund ledger finds the period missing after its due day.
                items.Add(new Item(SimulationFeeds.SalesRevenue, at, new SalesRevenueRecord(e.Record.EnterpriseId, period, revenue, at, $"SIM{seed}-SR-{e.Record.EnterpriseId}-{period}")));
                continue;
            }
            var chronic = offenderIds.Contains(e.Record.EnterpriseId);
            var shortfall = chronic || rng.NextDouble() < monthlyShare;
            var amount = shortfall
                ? Math.Max(0.01m, Math.Round(required * (decimal)(0.2 + 0.7 * rng.NextDouble()), 2))
                : Math.Ceiling(required) + (rng.NextDouble() < 0.2 ? Math.Ceiling(required * 0.05m) : 0);
            if (shortfall && amount >= required) amount = Math.Max(0.01m, required - 1);
            items.Add(new Item(SimulationFeeds.FundDeposits, at, new FundDepositRecord(
                $"SIM{seed}-FD-{e.Record.EnterpriseId}-{period}", e.Record.EnterpriseId, period, amount, revenue, at)));
        }
        fundsByMonth[monthIndex] = items;
        return items;
    }

    /// <summary>Repeat offenders: real incidents, about OffenderIncidentsPerDay each, seen by the site's cameras or, where it has none, by a drone.</summary>
    IEnumerable<Item> OffenderIncidents(long hour, DateTimeOffset start)
    {
        foreach (var e in offenders)
        {
            var rng = new Random(StableSeed.Of(seed, OffenderStream, e.Key, hour));
            if (rng.NextDouble() >= rates.OffenderIncidentsPerDay / 24) continue;
            var site = e.Sites[rng.Next(e.Sites.Count)];
            var at = start.AddSeconds(rng.Next(3600));
            if (site.Record.Cameras is not { Count: > 0 } siteCameras)
            {
                // No camera there: a patrol sees it from the air.
                var (findingType, description, _) = AerialTypes[HaixiNames.Weighted(rng, AerialTypes.Take(6).Select((t, k) => (k, t.Weight)).ToArray())];
                var p = Around(rng, site.Location, 50, 300);
                var findingId = $"SIM{seed}-AF-O-{hour}-{e.Key:x}";
                yield return new Item(SimulationFeeds.AerialFindings, at, new AerialFindingRecord(
                    findingId, "drone", findingType, HaixiNames.Weighted(rng, [("medium", 60), ("high", 40)]), p.Longitude, p.Latitude, at,
                    e.Record.EnterpriseId, site.Record.SiteId, description, $"https://aerial.example.cn/haixi/{findingId}.jpg"));
                continue;
            }
            var camera = siteCameras[rng.Next(siteCameras.Count)];
            var type = HaixiNames.Weighted(rng, AlarmTypesFor(site).Where(t => t.Item1 is not ("other" or "tamper")).ToArray());
            var id = $"SIM{seed}-CA-O-{hour}-{e.Key:x}";
            yield return new Item(SimulationFeeds.CameraAlarms, at, new CameraAlarmRecord(id, camera.CameraId, type, Math.Round(0.6 + 0.35 * rng.NextDouble(), 2), at, Snapshot(id)));
        }
    }

    /// <summary>Noisy but compliant: cameras that see steam, shadows and trucks, at low confidence.</summary>
    IEnumerable<Item> FalseAlarms(long hour, DateTimeOffset start)
    {
        foreach (var e in noisy)
        {
            var rng = new Random(StableSeed.Of(seed, NoisyStream, e.Key, hour));
            if (rng.NextDouble() >= rates.NoisyFalseAlarmsPerDay / 24) continue;
            var site = e.Sites.First(x => x.Record.Cameras is { Count: > 0 });
            var camera = site.Record.Cameras![0];
            var type = HaixiNames.Weighted(rng, [("other", 60), (site.AirOutlet ? "smoke-and-dust" : "abnormal-discharge", 25), ("tamper", 15)]);
            var at = start.AddSeconds(rng.Next(3600));
            var id = $"SIM{seed}-CA-N-{hour}-{e.Key:x}";
            yield return new Item(SimulationFeeds.CameraAlarms, at, new CameraAlarmRecord(id, camera.CameraId, type, Math.Round(0.35 + 0.25 * rng.NextDouble(), 2), at, Snapshot(id)));
        }
    }

    // ---- stories ----------------------------------------------------------------------------------

    /// <summary>Story (a): an alarm in most hours, and never two empty hours in a row.</summary>
    IEnumerable<Item> DischargeStoryAlarm(long hour, DateTimeOffset start)
    {
        if (Stories.Discharge is not { } story || start < story.From) yield break;
        var rng = Stream(StoryAStream, hour);
        var alarmThisHour = rng.NextDouble() < 0.6;
        var previousHourEmpty = Stream(StoryAStream, hour - 1).NextDouble() >= 0.6;
        if (!alarmThisHour && !previousHourEmpty && start > story.From) yield break;
        var at = start.AddSeconds(rng.Next(3600));
        var id = $"SIM{seed}-CA-A-{hour}";
        yield return new Item(SimulationFeeds.CameraAlarms, at,
            new CameraAlarmRecord(id, story.CameraId, "abnormal-discharge", Math.Round(0.78 + 0.18 * rng.NextDouble(), 2), at, Snapshot(id)));
    }

    SimulationStories ChooseStories(MasterDataDocument masterData)
    {
        var day = new DateTimeOffset(Start.Year, Start.Month, Start.Day, 0, 0, 0, ChinaOffset);
        var rng = new Random(StableSeed.Of(seed, StoryStream));
        var dumping = ChooseDumping(masterData, day.AddDays(28).AddHours(10).AddMinutes(40));
        var burst = ChooseReportBurst(dumping?.EnterpriseId, day.AddDays(25).AddHours(19).AddMinutes(30), rng);
        var discharge = ChooseDischarge([dumping?.EnterpriseId, burst?.EnterpriseId], day.AddDays(26).AddHours(21));
        return new SimulationStories(discharge, dumping, burst);
    }

    DischargeStory? ChooseDischarge(string?[] taken, DateTimeOffset from)
    {
        string[] wet = ["salt-lake-chemicals", "potash", "lithium", "coal-chemicals"];
        var outfalls = sites.Where(s => s.Record.Kind == "outfall" && !s.AirOutlet && s.Record.Cameras is { Count: > 0 } && !taken.Contains(s.Enterprise.EnterpriseId)).ToList();
        var site = outfalls.FirstOrDefault(s => wet.Contains(s.Enterprise.Industry) && regions.GetValueOrDefault(s.Enterprise.RegionId)?.Kind == "industrial-park")
            ?? outfalls.FirstOrDefault();
        return site is null ? null : new DischargeStory(site.Enterprise.EnterpriseId, site.Record.SiteId, site.Record.Cameras![0].CameraId, from);
    }

    DumpingStory? ChooseDumping(MasterDataDocument masterData, DateTimeOffset at)
    {
        var zones = masterData.ProtectedZones ?? [];
        var zone = zones.FirstOrDefault(z => z.ZoneId == HaixiGeography.HaloxylonReserve) ?? zones.FirstOrDefault(z => z.NameZh.Contains("梭梭"));
        if (zone is null) return null;
        var ring = zone.Polygon.Select(p => new GeoPoint(p[0], p[1])).ToList();
        var nearest = sites
            .Where(s => !Geo.Contains(ring, s.Location))
            .Select(s => (Site: s, Edge: Geo.NearestOnRing(ring, s.Location)))
            .OrderBy(x => x.Site.Record.Kind == "outfall" ? 1 : 0).ThenBy(x => x.Edge.Metres)
            .FirstOrDefault();
        if (nearest.Site is null || nearest.Edge.Metres > 20_000) return null;
        var bearing = GeoMath.Bearing(nearest.Site.Location, nearest.Edge.Point);
        for (var metres = 800.0; metres <= 3000; metres += 200)
        {
            var p = GeoMath.Round(GeoMath.Offset(nearest.Edge.Point, metres, bearing));
            if (!Geo.Contains(ring, p)) continue;
            var site = nearest.Site;
            var id = $"SIM{seed}-AF-B-1";
            scripted.Add(new Item(SimulationFeeds.AerialFindings, at, new AerialFindingRecord(
                id, "drone", "illegal-dumping", "critical", p.Longitude, p.Latitude, at, site.Enterprise.EnterpriseId, site.Record.SiteId,
                $"无人机巡查发现{zone.NameZh}内倾倒工业废渣约300平方米，新鲜车辙由{site.Enterprise.Name}{site.Record.Name}方向延伸而来",
                $"https://aerial.example.cn/haixi/{id}.jpg")));
            // The next day's satellite pass sees the same disturbed ground: a polygon, another platform, so the drone's
            // finding and the satellite's corroborate each other (highest), the drone's detection kept as the first.
            var passAt = at.AddHours(20);
            var passId = $"SIM{seed}-AF-B-2";
            const double half = 0.0015;
            var outline = JsonSerializer.SerializeToElement(new
            {
                type = "Polygon",
                coordinates = new[] { new[] { new[] { p.Longitude - half, p.Latitude - half }, [p.Longitude + half, p.Latitude - half], [p.Longitude + half, p.Latitude + half], [p.Longitude - half, p.Latitude + half], [p.Longitude - half, p.Latitude - half] } },
            });
            scripted.Add(new Item(SimulationFeeds.AerialFindings, passAt, new AerialFindingRecord(
                passId, "satellite", "illegal-dumping", "high", null, null, passAt, site.Enterprise.EnterpriseId, site.Record.SiteId,
                $"卫星遥感发现{zone.NameZh}内新增裸露扰动地块，与无人机发现的倾倒位置一致", $"https://aerial.example.cn/haixi/{passId}.png",
                MissionId: $"S2-{passAt:yyyyMMdd}", Confidence: 0.71, Geometry: outline)));
            // The site's own camera had seen trucks the night before: a second, independent source.
            if (site.Record.Cameras is { Count: > 0 } siteCameras)
            {
                var alarmAt = at.AddHours(-11).AddMinutes(-28);
                var alarmId = $"SIM{seed}-CA-B-1";
                scripted.Add(new Item(SimulationFeeds.CameraAlarms, alarmAt, new CameraAlarmRecord(alarmId, siteCameras[0].CameraId, "illegal-dumping", 0.62, alarmAt, Snapshot(alarmId))));
            }
            return new DumpingStory(site.Enterprise.EnterpriseId, site.Record.SiteId, zone.ZoneId, id, p.Longitude, p.Latitude, at);
        }
        return null;
    }

    ReportBurstStory? ChooseReportBurst(string? taken, DateTimeOffset from, Random rng)
    {
        double Isolation(SiteInfo s) => sites.Where(o => o != s).Select(o => Geo.DistanceMetres(o.Location, s.Location)).DefaultIfEmpty(double.MaxValue).Min();
        var candidates = sites.Where(s => s.Enterprise.EnterpriseId != taken && s.Record.Cameras is { Count: > 0 }).ToList();
        var site = candidates.FirstOrDefault(s => s.Record.Kind == "tailings-pond" && s.Enterprise.Industry == "nonferrous-mining" && Isolation(s) >= 1500)
            ?? candidates.FirstOrDefault(s => Isolation(s) >= 1000)
            ?? candidates.FirstOrDefault();
        if (site is null) return null;

        string[] contents = site.Record.Kind == "tailings-pond"
            ?
            [
                "尾矿库坝体在渗水，下游一片发黄的积水", "尾矿库下游的水有股酸臭味，羊不敢喝", "刚路过尾矿库，坝脚有水往外冒", "尾矿库旁的沟里全是黄水，请赶紧来看看",
                "尾矿库夜里还有车往里倒东西", "坝下面的草都死了，地面发白", "听说尾矿库漏了，下游牧民很担心", "尾矿库渗漏越来越严重了，水流到公路边", "再次反映：尾矿库渗水没人管",
            ]
            : ComplaintsFor(site).Concat(ComplaintsFor(site)).Concat(["再次反映，情况还在继续"]).ToArray();
        var reportIds = new List<string>();
        var at = from;
        for (var k = 0; k < 9; k++)
        {
            var id = $"SIM{seed}-PR-C-{k + 1:D2}";
            reportIds.Add(id);
            var channel = k % 3 == 1 ? "hotline-12369" : "wechat";
            var p = Around(rng, site.Location, 80, 350);
            var contact = k % 2 == 0 ? Contact(rng, channel, id) : null;
            var content = $"{contents[k % contents.Length]}（{site.Enterprise.Name}{site.Record.Name}附近）";
            scripted.Add(new Item(SimulationFeeds.PublicReports, at, new PublicReportRecord(
                id, channel, content, at, SiteId: k % 2 == 0 ? site.Record.SiteId : null, Longitude: p.Longitude, Latitude: p.Latitude, ReporterContact: contact)));
            at = at.AddMinutes(12 + rng.Next(20)).AddSeconds(rng.Next(60));
        }
        var inspectionAt = new DateTimeOffset(from.Year, from.Month, from.Day, 10, 15, 0, ChinaOffset).AddDays(1);
        var findingId = $"SIM{seed}-IF-C-1";
        var violation = site.Record.Kind == "tailings-pond"
            ? "尾矿库坝体渗漏，下游出现渗滤液漫流，渗滤液回收设施未正常运行，未按要求开展隐患排查"
            : $"{site.Record.Name}存在群众反映的问题，经现场核实属实";
        var commissioners = commissionersByRegion.GetValueOrDefault(site.Enterprise.RegionId) ?? commissionersByRegion.GetValueOrDefault(CountyOf(site.Enterprise.RegionId)) ?? [];
        var recordedBy = commissioners.Count > 0 ? $"督察专员{commissioners[0].Name}" : EnforcementTeam;
        scripted.Add(new Item(SimulationFeeds.InspectionFindings, inspectionAt, new InspectionFindingRecord(
            findingId, site.Enterprise.EnterpriseId, violation, "high", DateOnly.FromDateTime(inspectionAt.DateTime).AddDays(15), recordedBy, inspectionAt, site.Record.SiteId)));
        return new ReportBurstStory(site.Enterprise.EnterpriseId, site.Record.SiteId, reportIds, from, findingId, inspectionAt);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /// <summary>A point at the given distance from centre, outside every protected zone (falls back to the centre).</summary>
    GeoPoint Around(Random rng, GeoPoint centre, double minMetres, double maxMetres)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var p = GeoMath.Round(GeoMath.Offset(centre, minMetres + rng.NextDouble() * (maxMetres - minMetres), rng.NextDouble() * 2 * Math.PI));
            if (HaixiGeography.InsideHaixi(p) && zoneRings.All(z => !Geo.Contains(z, p))) return p;
        }
        return centre;
    }

    string CountyOf(string regionId) => regions.GetValueOrDefault(regionId)?.ParentRegionId ?? regionId;

    string RegionName(string regionId) => regions.GetValueOrDefault(regionId)?.NameZh ?? regionId;

    static string Snapshot(string alarmId) => $"https://snapshots.example.cn/haixi/{alarmId}.jpg";

    static int Poisson(Random rng, double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 30)
        {
            // Normal approximation: Knuth's method underflows for large means.
            var gauss = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * gauss));
        }
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = rng.NextDouble(); p > limit; p *= rng.NextDouble()) k++;
        return k;
    }
}
