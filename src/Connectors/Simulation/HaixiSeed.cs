using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fusion.Connectors.MasterData;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Simulation;

/// <summary>
/// The demo's master data for Haixi: the real county-level areas and Qaidam Circular Economy
/// Pilot Zone parks, about 320 synthetic enterprises in the prefecture's real industries with
/// their outfalls, tailings ponds and slag yards, cameras and HJ 212 monitors, the nature
/// reserves, and the leaders (分片包干) and commissioners (督察专员) responsible.
/// Pure and deterministic: the same seed gives the same document, byte for byte once serialized.
/// </summary>
public static class HaixiSeed
{
    public const int DefaultSeed = 2026;

    /// <summary>Where the host finds the committed seed, relative to the repository root.</summary>
    public const string RelativePath = "src/Fusion.Silo/Seed/haixi-master-data.json";

    /// <summary>The JSON the seed file is written with: web defaults (camelCase), indented, readable Chinese, no nulls.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(MasterDataDocument document) => JsonSerializer.Serialize(document, JsonOptions) + "\n";

    public static MasterDataDocument Deserialize(string json) =>
        JsonSerializer.Deserialize<MasterDataDocument>(json, JsonOptions) ?? throw new JsonException("the master-data document is empty");

    public static MasterDataDocument Generate(int seed = DefaultSeed)
    {
        var rng = new Random(seed);
        var regions = HaixiGeography.Areas
            .Select(a => new RegionRecord(a.RegionId, a.Name, a.NameZh, a.Kind, a.ParentRegionId, a.Longitude, a.Latitude,
                HaixiGeography.Boundaries.TryGetValue(a.RegionId, out var b) ? b.Select(p => (double[])[p[0], p[1]]).ToList() : null))
            .ToList();
        var zones = HaixiGeography.Zones
            .Select(z => new ProtectedZoneRecord(z.ZoneId, z.Name, z.NameZh, z.Kind, z.RegionId, z.Polygon.Select(p => (double[])[p[0], p[1]]).ToList()))
            .ToList();
        var enterprises = WithFundAccounts(new EnterpriseBuilder(rng).Build());
        var people = new PeopleBuilder(rng);
        var leaders = people.Leaders(enterprises);
        var commissioners = people.Commissioners();
        return new MasterDataDocument(regions, enterprises, zones, leaders, commissioners);
    }

    static readonly string[] Banks = ["中国工商银行海西分行", "中国农业银行海西分行", "中国建设银行海西分行", "青海银行海西分行"];

    /// <summary>
    /// Each enterprise's dedicated environmental-fund account (measure 6), numbered in order: the bank statements of these
    /// accounts are how deposits arrive. Drawn from no random numbers, so the rest of the seed stays as it was.
    /// </summary>
    static List<EnterpriseRecord> WithFundAccounts(List<EnterpriseRecord> enterprises) =>
        enterprises.Select((e, i) => e with { FundAccounts = [new FundAccountRecord($"6301{e.EnterpriseId[2..8]}{i + 1:D5}", Banks[i % Banks.Length])] }).ToList();

    enum Outlet { None, Water, Air }

    sealed record SiteTemplate(string Kind, string NameZh, Outlet Outlet);

    static readonly IReadOnlyDictionary<string, (SiteTemplate[] Always, SiteTemplate[] Optional, bool Heavy)> Plans =
        new Dictionary<string, (SiteTemplate[], SiteTemplate[], bool)>
        {
            ["potash"] = ([Water("废水总排放口"), Pond("尾盐库")], [Yard("盐渣堆场"), Air("干燥尾气排放口")], true),
            ["salt-lake-chemicals"] = ([Water("废水总排放口")], [Air("工艺废气排放口"), Yard("化工废渣堆场"), Pond("尾液库")], false),
            ["lithium"] = ([Water("废水总排放口")], [Pond("老卤尾液库"), Yard("锂渣堆场"), Air("焙烧尾气排放口")], true),
            ["soda-ash"] = ([Air("煅烧炉废气排放口"), Yard("白泥渣场")], [Water("废水总排放口")], true),
            ["nonferrous-mining"] = ([Pond("尾矿库")], [Pond("尾矿库"), Water("矿井涌水排放口"), Yard("废石场")], false),
            ["nonferrous-smelting"] = ([Air("冶炼烟气排放口"), Yard("冶炼渣场")], [Water("废水总排放口")], true),
            ["coal-mining"] = ([Yard("煤矸石堆场")], [Water("矿井水排放口")], false),
            ["coal-chemicals"] = ([Air("锅炉烟气排放口"), Water("废水总排放口")], [Yard("气化灰渣场")], true),
            ["oil-and-gas"] = ([Water("采出水排放口")], [Yard("含油污泥暂存场"), Air("加热炉烟气排放口")], true),
            ["cement"] = ([Air("窑尾烟气排放口")], [Air("窑头废气排放口"), Yard("废渣堆场")], false),
            ["building-materials"] = ([Air("废气排放口")], [Yard("固废堆场")], false),
        };

    static SiteTemplate Water(string name) => new("outfall", name, Outlet.Water);
    static SiteTemplate Air(string name) => new("outfall", name, Outlet.Air);
    static SiteTemplate Pond(string name) => new("tailings-pond", name, Outlet.None);
    static SiteTemplate Yard(string name) => new("slag-yard", name, Outlet.None);

    sealed class EnterpriseBuilder(Random rng)
    {
        readonly HashSet<string> names = [];
        readonly HashSet<string> codes = [];
        readonly Dictionary<string, int> monitorsPerDivision = [];
        readonly Dictionary<string, int> camerasPerDivision = [];
        readonly IReadOnlyList<IReadOnlyList<GeoPoint>> zoneRings = HaixiGeography.Zones.Select(z => HaixiGeography.Ring(z.Polygon)).ToArray();
        int ordinal;

        public List<EnterpriseRecord> Build()
        {
            var result = new List<EnterpriseRecord>();
            foreach (var cluster in HaixiGeography.Clusters)
                for (var i = 0; i < cluster.Count; i++)
                    result.Add(Enterprise(cluster, i));
            return result;
        }

        EnterpriseRecord Enterprise(IndustryCluster cluster, int indexInCluster)
        {
            var area = HaixiGeography.Area(cluster.RegionId);
            var county = area.ParentRegionId is null ? area : HaixiGeography.Area(area.ParentRegionId);
            var tag = $"HX{++ordinal:D4}";

            // Two enterprises keep a slag yard just outside the Haloxylon reserve: the drone story needs a plausible culprit.
            var (industry, location, yardNearReserve) = (cluster.RegionId, indexInCluster) switch
            {
                (HaixiGeography.DelinghaPark, 0) => ("soda-ash", new GeoPoint(97.461, 37.296), new GeoPoint(97.452, 37.262)),
                (HaixiGeography.Delingha, 0) => ("building-materials", new GeoPoint(97.221, 37.302), new GeoPoint(97.200, 37.250)),
                _ => (HaixiNames.Weighted(rng, cluster.Industries), Near(new GeoPoint(cluster.Longitude, cluster.Latitude), 500, cluster.RadiusKm * 1000), (GeoPoint?)null),
            };
            var plan = Plans[industry];
            var revenue = Revenue(plan.Heavy, industry);
            var large = revenue >= 500_000_000m;

            var templates = plan.Always.ToList();
            var optional = plan.Optional.OrderBy(_ => rng.Next()).ToList();
            var extra = Math.Min(optional.Count, Math.Min(4 - templates.Count, rng.Next(large ? 1 : 0, large ? 3 : 2)));
            templates.AddRange(optional.Take(extra));
            if (yardNearReserve is not null && !templates.Any(t => t.Kind == "slag-yard")) templates.Add(Yard("固废堆场"));

            var sites = new List<SiteRecord>();
            var perKind = new Dictionary<string, int>();
            var sameName = templates.GroupBy(t => t.NameZh).ToDictionary(g => g.Key, g => g.Count());
            var seenName = new Dictionary<string, int>();
            foreach (var t in templates)
            {
                var n = perKind[t.Kind] = perKind.GetValueOrDefault(t.Kind) + 1;
                var k = seenName[t.NameZh] = seenName.GetValueOrDefault(t.NameZh) + 1;
                var siteId = $"{tag}-{t.Kind switch { "outfall" => "OF", "tailings-pond" => "TP", _ => "SY" }}{n}";
                var position = t.Kind == "slag-yard" && yardNearReserve is { } y && n == 1
                    ? y
                    : t.Kind switch
                    {
                        "outfall" => Near(location, 100, 800),
                        "tailings-pond" => Near(location, 1000, 4000),
                        _ => Near(location, 500, 2500),
                    };
                var name = sameName[t.NameZh] > 1 ? $"{k}号{t.NameZh}" : t.NameZh;
                var cameras = Enumerable.Range(1, 1 + rng.Next(large ? 3 : 2))
                    .Select(c => new CameraRecord($"{siteId}-C{c}", DeviceCode(county.DivisionCode)))
                    .ToList();
                var monitors = t.Outlet == Outlet.None ? null : new List<MonitorRecord> { Monitor(MonitorId(county.DivisionCode), Limits(t.Outlet, industry)) };
                sites.Add(new SiteRecord(siteId, t.Kind, name, position.Longitude, position.Latitude, cameras, monitors));
            }

            return new EnterpriseRecord(CreditCodeFor(county.DivisionCode), UniqueName(cluster.PlaceZh, industry), industry, cluster.RegionId, revenue,
                location.Longitude, location.Latitude, sites);
        }

        /// <summary>A point between min and max metres from the centre, inside Haixi and at least 3 km from every reserve.</summary>
        GeoPoint Near(GeoPoint centre, double minMetres, double maxMetres)
        {
            for (var attempt = 0; ; attempt++)
            {
                var distance = minMetres + Math.Sqrt(rng.NextDouble()) * (maxMetres - minMetres);
                var p = GeoMath.Round(GeoMath.Offset(centre, distance, rng.NextDouble() * 2 * Math.PI));
                if (HaixiGeography.InsideHaixi(p) && zoneRings.All(z => FarFrom(z, p) || (!Geo.Contains(z, p) && Geo.NearestOnRing(z, p).Metres > 3000)))
                    return p;
                if (attempt > 1000) throw new InvalidOperationException($"no room near ({centre.Longitude}, {centre.Latitude})");
            }
        }

        /// <summary>More than 0.05° (over 4 km at these latitudes) outside the ring's bounding box.</summary>
        static bool FarFrom(IReadOnlyList<GeoPoint> ring, GeoPoint p) =>
            p.Longitude < ring.Min(q => q.Longitude) - 0.05 || p.Longitude > ring.Max(q => q.Longitude) + 0.05
            || p.Latitude < ring.Min(q => q.Latitude) - 0.05 || p.Latitude > ring.Max(q => q.Latitude) + 0.05;

        decimal Revenue(bool heavy, string industry)
        {
            // Small 5–50 M, medium 50–500 M, large 0.5–5 bn, very large 5–30 bn yuan a year.
            (double Low, double High)[] sizes = [(5e6, 5e7), (5e7, 5e8), (5e8, 5e9), (5e9, 3e10)];
            int[] weights = heavy ? [25, 40, 27, 8] : industry == "building-materials" ? [60, 32, 8, 0] : [45, 37, 15, 3];
            var (low, high) = HaixiNames.Weighted(rng, sizes.Zip(weights).ToArray());
            var value = Math.Exp(Math.Log(low) + rng.NextDouble() * (Math.Log(high) - Math.Log(low)));
            return (decimal)Math.Round(value / 10_000) * 10_000;
        }

        string UniqueName(string placeZh, string industry)
        {
            while (true)
            {
                var name = HaixiNames.Enterprise(rng, placeZh, industry);
                if (names.Add(name)) return name;
            }
        }

        string CreditCodeFor(string division)
        {
            const string alphabet = CreditCode.Alphabet;
            while (true)
            {
                // Newer registrations carry "MA" organisation codes; older ones nine digits.
                var organisation = rng.NextDouble() < 0.6
                    ? "MA" + new string(Enumerable.Range(0, 7).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray())
                    : (rng.Next(2) == 0 ? "7" : "6") + rng.Next(0, 100_000_000).ToString("D8");
                var code = CreditCode.Complete("91" + division + organisation);
                if (codes.Add(code)) return code;
            }
        }

        /// <summary>GB/T 28181: 8-digit centre code (division + 00), industry 00, type 132 (IP camera), then 7 digits.</summary>
        string DeviceCode(string division)
        {
            var n = camerasPerDivision[division] = camerasPerDivision.GetValueOrDefault(division) + 1;
            return $"{division}0000132{n:D7}";
        }

        /// <summary>
        /// A monitor with its logger's access password: six digits derived from its MN (not from the generator's random
        /// sequence, which the rest of the seed depends on), as an operator would provision them.
        /// </summary>
        static MonitorRecord Monitor(string mn, IReadOnlyDictionary<string, double> limits) =>
            new(mn, limits, (BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"haixi-logger:{mn}"))) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>An HJ 212 MN of 14 characters: division code and an 8-digit serial.</summary>
        string MonitorId(string division)
        {
            var n = monitorsPerDivision[division] = monitorsPerDivision.GetValueOrDefault(division) + 1;
            return $"{division}{n:D8}";
        }

        static readonly (double Cod, double Ammonia)[] WaterLimits = [(50, 5), (50, 8), (100, 15)];

        Dictionary<string, double> Limits(Outlet outlet, string industry) => outlet switch
        {
            // COD w01018 and ammonia nitrogen w21003, mg/L: direct discharge is stricter than to a park plant.
            Outlet.Water => HaixiNames.Pick(rng, WaterLimits) switch { var (cod, nh3) => new() { ["w01018"] = cod, ["w21003"] = nh3 } },
            // SO2 a21026, NOx a21002, smoke dust a34013, mg/m³.
            _ => industry switch
            {
                "cement" => new() { ["a21026"] = 200, ["a21002"] = 300, ["a34013"] = HaixiNames.Pick(rng, new[] { 20.0, 30.0 }) },
                "coal-chemicals" => new() { ["a21026"] = 100, ["a21002"] = 100, ["a34013"] = 10 },
                "nonferrous-smelting" => new() { ["a21026"] = HaixiNames.Pick(rng, new[] { 100.0, 150.0 }), ["a21002"] = 200, ["a34013"] = HaixiNames.Pick(rng, new[] { 10.0, 20.0 }) },
                _ => new() { ["a21026"] = HaixiNames.Pick(rng, new[] { 100.0, 150.0, 200.0 }), ["a21002"] = HaixiNames.Pick(rng, new[] { 150.0, 200.0, 300.0 }), ["a34013"] = HaixiNames.Pick(rng, new[] { 20.0, 30.0 }) },
            },
        };
    }

    sealed class PeopleBuilder(Random rng)
    {
        readonly HashSet<string> used = [];

        string Name()
        {
            while (true)
            {
                var name = HaixiNames.Person(rng);
                if (used.Add(name)) return name;
            }
        }

        string Phone(string regionId) =>
            (regionId.StartsWith(HaixiGeography.Golmud, StringComparison.Ordinal) ? "0979-84" : "0977-82") + rng.Next(0, 100_000).ToString("D5");

        static string Email(string id) => $"{id.ToLowerInvariant()}@example.cn";

        LeaderRecord Leader(string id, string title, string areaId, string level, string? regionId = null) => new(id, Name(), title, areaId, Phone(regionId ?? areaId), Email(id), level);

        public List<LeaderRecord> Leaders(IReadOnlyList<EnterpriseRecord> enterprises)
        {
            var leaders = new List<LeaderRecord>();
            var counties = HaixiGeography.Areas.Where(a => a.ParentRegionId is null).ToList();
            foreach (var a in counties)
            {
                var stem = a.NameZh[..^1];
                var (secretary, head) = a.Kind switch
                {
                    "city" => ($"{stem}市委书记", $"{a.NameZh}市长"),
                    "county" => ($"{stem}县委书记", $"{a.NameZh}县长"),
                    _ => ($"{a.NameZh}党委书记", $"{a.NameZh}主任"),
                };
                leaders.Add(Leader($"L-{a.RegionId}-SEC", secretary, a.RegionId, "region"));
                leaders.Add(Leader($"L-{a.RegionId}-HEAD", head, a.RegionId, "region"));
            }
            foreach (var park in HaixiGeography.Areas.Where(a => a.ParentRegionId is not null))
            {
                var shortName = park.NameZh.Replace("柴达木循环经济试验区", "");
                leaders.Add(Leader($"L-{park.RegionId}-SEC", $"{shortName}党工委书记", park.RegionId, "region"));
                leaders.Add(Leader($"L-{park.RegionId}-DIR", $"{shortName}管委会主任", park.RegionId, "region"));
                leaders.Add(Leader($"L-{park.RegionId}-ENV", $"{shortName}管委会副主任（分管生态环境）", park.RegionId, "region"));
            }
            // Prefecture leaders each take one county-level area (州级领导联点包干).
            string[] prefecture = ["海西州委书记", "海西州州长", "海西州委副书记", "海西州常务副州长", "海西州副州长", "海西州副州长", "海西州委常委、秘书长"];
            for (var i = 0; i < counties.Count; i++)
                leaders.Add(Leader($"L-HAIXI-{i + 1:D2}", $"{prefecture[i]}（联点{counties[i].NameZh}）", counties[i].RegionId, "prefecture"));
            // The biggest enterprises each have a leader who goes down to them (下沉企业一线蹲点).
            foreach (var (e, i) in enterprises.OrderByDescending(e => e.AnnualSalesRevenueYuan).ThenBy(e => e.EnterpriseId, StringComparer.Ordinal).Take(10).Select((e, i) => (e, i)))
            {
                var area = HaixiGeography.Area(e.RegionId);
                var county = area.ParentRegionId is null ? area : HaixiGeography.Area(area.ParentRegionId);
                var deputy = county.Kind switch { "city" => "副市长", "county" => "副县长", _ => "副主任" };
                leaders.Add(Leader($"L-ENT-{i + 1:D2}", $"{county.NameZh}{deputy}（包干督办{e.Name}）", e.EnterpriseId, "enterprise", county.RegionId));
            }
            return leaders;
        }

        /// <summary>Measure 7: eleven county-level environmental inspection commissioners.</summary>
        public List<CommissionerRecord> Commissioners()
        {
            string[] regions =
            [
                HaixiGeography.Golmud, HaixiGeography.Golmud, HaixiGeography.GolmudPark, HaixiGeography.Delingha, HaixiGeography.DelinghaPark,
                HaixiGeography.Mangya, HaixiGeography.DaQaidam, HaixiGeography.DaQaidamPark, HaixiGeography.Wulan, HaixiGeography.Dulan, HaixiGeography.Tianjun,
            ];
            return regions.Select((r, i) =>
            {
                var id = $"COMM-{i + 1:D2}";
                return new CommissionerRecord(id, Name(), r, Phone(r), Email(id));
            }).ToList();
        }
    }
}
