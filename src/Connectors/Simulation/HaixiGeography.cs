using Fusion.Domain.Common;

namespace Fusion.Connectors.Simulation;

/// <summary>A county-level area or an industrial park of Haixi, at its real approximate centre.</summary>
sealed record HaixiArea(string RegionId, string Name, string NameZh, string Kind, string? ParentRegionId, string DivisionCode, double Longitude, double Latitude);

/// <summary>Where enterprises of some industries gather: a park, a salt lake, a coal field, a mining district.</summary>
sealed record IndustryCluster(string RegionId, string PlaceZh, double Longitude, double Latitude, double RadiusKm, int Count, (string Industry, int Weight)[] Industries);

sealed record HaixiZone(string ZoneId, string Name, string NameZh, string Kind, string RegionId, double[][] Polygon);

/// <summary>
/// The real geography the seed is built on. Coordinates are approximate (a few km) but real:
/// county seats, the Qaidam Circular Economy Pilot Zone parks, the salt lakes, coal fields and
/// mining districts, and the nature reserves.
/// </summary>
static class HaixiGeography
{
    public const string Golmud = "GOLMUD", Delingha = "DELINGHA", Mangya = "MANGYA", Wulan = "WULAN", Dulan = "DULAN", Tianjun = "TIANJUN", DaQaidam = "DAQAIDAM";
    public const string GolmudPark = "GOLMUD-IP", DelinghaPark = "DELINGHA-IP", DaQaidamPark = "DAQAIDAM-IP", WulanPark = "WULAN-IP", MangyaPark = "MANGYA-IP", LenghuPark = "LENGHU-IP";
    public const string HaloxylonReserve = "QAIDAM-HALOXYLON";

    public static readonly HaixiArea[] Areas =
    [
        new(Golmud, "Golmud", "格尔木市", "city", null, "632801", 94.903, 36.402),
        new(Delingha, "Delingha", "德令哈市", "city", null, "632802", 97.370, 37.375),
        new(Mangya, "Mangya", "茫崖市", "city", null, "632803", 90.856, 38.248),
        new(Wulan, "Wulan", "乌兰县", "county", null, "632821", 98.480, 36.930),
        new(Dulan, "Dulan", "都兰县", "county", null, "632822", 98.089, 36.302),
        new(Tianjun, "Tianjun", "天峻县", "county", null, "632823", 99.022, 37.300),
        new(DaQaidam, "Da Qaidam", "大柴旦行委", "administrative-committee", null, "632857", 95.357, 37.852),
        new(GolmudPark, "Golmud Industrial Park", "柴达木循环经济试验区格尔木工业园", "industrial-park", Golmud, "632801", 94.990, 36.440),
        new(DelinghaPark, "Delingha Industrial Park", "柴达木循环经济试验区德令哈工业园", "industrial-park", Delingha, "632802", 97.480, 37.340),
        new(DaQaidamPark, "Da Qaidam Industrial Park", "柴达木循环经济试验区大柴旦工业园", "industrial-park", DaQaidam, "632857", 95.400, 37.820),
        new(WulanPark, "Wulan Industrial Park", "柴达木循环经济试验区乌兰工业园", "industrial-park", Wulan, "632821", 98.360, 36.950),
        new(MangyaPark, "Mangya Industrial Park", "柴达木循环经济试验区茫崖工业园", "industrial-park", Mangya, "632803", 90.950, 38.300),
        new(LenghuPark, "Lenghu Industrial Park", "柴达木循环经济试验区冷湖工业园", "industrial-park", Mangya, "632803", 93.330, 38.740),
    ];

    public static HaixiArea Area(string regionId) => Areas.Single(a => a.RegionId == regionId);

    /// <summary>
    /// Approximate boundaries of the seven county-level areas (a handful of vertices each, sharing edges so they tile
    /// the prefecture; the Tanggula exclave of Golmud is left out). Good enough to place an unattributed finding in its
    /// county; not survey data.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double[][]> Boundaries = new Dictionary<string, double[][]>
    {
        [Mangya] = [[90.0, 37.4], [93.0, 37.4], [93.6, 38.3], [93.9, 39.3], [90.0, 39.3]],
        [Golmud] = [[90.0, 35.0], [95.6, 35.0], [95.6, 36.0], [95.3, 37.1], [94.6, 37.3], [93.9, 37.8], [93.0, 37.4], [90.0, 37.4]],
        [DaQaidam] = [[93.0, 37.4], [93.9, 37.8], [94.6, 37.3], [95.3, 37.1], [95.9, 37.1], [96.3, 37.6], [96.3, 39.3], [93.9, 39.3], [93.6, 38.3]],
        [Delingha] = [[96.3, 37.6], [95.9, 37.1], [96.6, 36.9], [97.7, 36.9], [98.0, 37.2], [97.9, 38.0], [97.6, 39.3], [96.3, 39.3]],
        [Dulan] = [[95.6, 35.0], [99.6, 35.0], [99.6, 36.5], [98.0, 36.5], [97.7, 36.9], [96.6, 36.9], [95.9, 37.1], [95.3, 37.1], [95.6, 36.0]],
        [Wulan] = [[97.7, 36.9], [98.0, 36.5], [99.6, 36.5], [99.6, 37.0], [99.0, 37.15], [98.0, 37.2]],
        [Tianjun] = [[98.0, 37.2], [99.0, 37.15], [99.6, 37.0], [100.5, 37.0], [100.5, 39.3], [97.6, 39.3], [97.9, 38.0]],
    };

    /// <summary>320 enterprises in all, spread as the prefecture's industry is.</summary>
    public static readonly IndustryCluster[] Clusters =
    [
        // Golmud: the park east of the city, Qarhan salt lake, East/West Taijinar lithium brine, Qimantag mining, the city itself.
        new(GolmudPark, "格尔木", 94.990, 36.440, 6, 52, [("potash", 6), ("salt-lake-chemicals", 10), ("lithium", 7), ("nonferrous-smelting", 7), ("oil-and-gas", 2), ("coal-chemicals", 2), ("cement", 5), ("building-materials", 13)]),
        new(Golmud, "察尔汗", 94.950, 36.850, 18, 20, [("potash", 12), ("salt-lake-chemicals", 8)]),
        new(Golmud, "台吉乃尔", 93.650, 37.550, 25, 14, [("lithium", 10), ("potash", 4)]),
        new(Golmud, "祁漫塔格", 92.300, 36.750, 35, 12, [("nonferrous-mining", 12)]),
        new(Golmud, "格尔木", 94.903, 36.402, 10, 8, [("building-materials", 5), ("cement", 3)]),
        // Delingha: soda ash and salt chemicals in the park; quarries and small mines around the city.
        new(DelinghaPark, "德令哈", 97.480, 37.340, 5, 36, [("soda-ash", 7), ("salt-lake-chemicals", 8), ("building-materials", 7), ("cement", 3), ("lithium", 3), ("coal-chemicals", 3), ("nonferrous-smelting", 5)]),
        new(Delingha, "德令哈", 97.370, 37.420, 20, 10, [("building-materials", 5), ("nonferrous-mining", 5)]),
        // Mangya: Huatugou oil field, Lenghu oil and gas and potash, the old asbestos and mining district.
        new(MangyaPark, "花土沟", 90.950, 38.300, 8, 20, [("oil-and-gas", 13), ("salt-lake-chemicals", 7)]),
        new(LenghuPark, "冷湖", 93.330, 38.740, 15, 12, [("oil-and-gas", 5), ("potash", 4), ("salt-lake-chemicals", 3)]),
        new(Mangya, "茫崖", 90.650, 38.100, 30, 8, [("nonferrous-mining", 8)]),
        // Da Qaidam: boron and lithium, Xitieshan lead-zinc, Yuqia coal, Mahai potash.
        new(DaQaidamPark, "大柴旦", 95.400, 37.820, 8, 22, [("lithium", 4), ("salt-lake-chemicals", 6), ("coal-chemicals", 4), ("cement", 2), ("building-materials", 3), ("nonferrous-smelting", 3)]),
        new(DaQaidam, "锡铁山", 95.580, 37.330, 10, 10, [("nonferrous-mining", 6), ("nonferrous-smelting", 4)]),
        new(DaQaidam, "鱼卡", 95.130, 38.020, 15, 10, [("coal-mining", 10)]),
        new(DaQaidam, "马海", 94.300, 38.180, 15, 5, [("potash", 5)]),
        // Wulan: coal chemicals and cement in the park, Chaka salt lake, coal to the north.
        new(WulanPark, "乌兰", 98.360, 36.950, 6, 18, [("coal-chemicals", 5), ("cement", 3), ("building-materials", 4), ("salt-lake-chemicals", 3), ("nonferrous-smelting", 3)]),
        new(Wulan, "茶卡", 99.080, 36.780, 10, 5, [("salt-lake-chemicals", 5)]),
        new(Wulan, "乌兰", 98.600, 37.300, 20, 7, [("coal-mining", 7)]),
        // Dulan: gold, copper and lead-zinc mines to the south, some building materials.
        new(Dulan, "都兰", 98.000, 36.100, 45, 26, [("nonferrous-mining", 15), ("building-materials", 4), ("nonferrous-smelting", 2), ("cement", 3)]),
        // Tianjun: the Muli coal field, quarries and small mines around the county seat.
        new(Tianjun, "木里", 99.300, 38.150, 25, 16, [("coal-mining", 14), ("coal-chemicals", 2)]),
        new(Tianjun, "天峻", 99.022, 37.300, 20, 9, [("building-materials", 4), ("nonferrous-mining", 5)]),
    ];

    public static readonly HaixiZone[] Zones =
    [
        new(HaloxylonReserve, "Qaidam Haloxylon Forest National Nature Reserve", "柴达木梭梭林国家级自然保护区", "national-nature-reserve", Delingha,
        [
            [97.05, 37.12], [97.12, 37.20], [97.25, 37.24], [97.38, 37.25], [97.50, 37.245], [97.60, 37.21],
            [97.63, 37.12], [97.58, 37.02], [97.45, 36.96], [97.30, 36.95], [97.16, 36.98], [97.08, 37.04],
        ]),
        new("HURLEG-TOSON", "Hurleg-Toson Lakes Provincial Nature Reserve", "可鲁克湖-托素湖省级自然保护区", "provincial-nature-reserve", Delingha,
        [
            [96.78, 37.34], [96.86, 37.40], [96.96, 37.38], [97.02, 37.30], [97.03, 37.18],
            [97.03, 37.08], [96.96, 37.04], [96.85, 37.06], [96.80, 37.14], [96.82, 37.24],
        ]),
        new("GOLMUD-POPULUS", "Golmud Populus euphratica Forest Nature Reserve", "格尔木胡杨林省级自然保护区", "provincial-nature-reserve", Golmud,
        [
            [94.22, 36.47], [94.28, 36.54], [94.37, 36.56], [94.46, 36.52], [94.48, 36.45], [94.42, 36.39], [94.31, 36.38], [94.24, 36.41],
        ]),
        new("SANJIANGYUAN-TANGGULA", "Sanjiangyuan National Nature Reserve (Tanggula, Golmud)", "三江源国家级自然保护区（格尔木市唐古拉山镇）", "national-nature-reserve", Golmud,
        [
            [90.20, 35.30], [91.80, 35.60], [93.30, 35.50], [94.60, 35.20], [95.00, 34.60], [94.50, 33.90],
            [93.60, 33.30], [92.40, 32.90], [91.20, 33.00], [90.30, 33.60], [89.90, 34.40],
        ]),
        new("QINGHAI-LAKE-TIANJUN", "Qinghai Lake National Nature Reserve (western part, Tianjun)", "青海湖国家级自然保护区（天峻县境内）", "national-nature-reserve", Tianjun,
        [
            [99.55, 37.25], [99.70, 37.30], [99.82, 37.22], [99.88, 37.08], [99.84, 36.95], [99.72, 36.88], [99.60, 36.92], [99.52, 37.05], [99.50, 37.15],
        ]),
    ];

    public static IReadOnlyList<GeoPoint> Ring(double[][] polygon) => polygon.Select(p => new GeoPoint(p[0], p[1])).ToArray();

    public static bool InsideHaixi(GeoPoint p) => p.Longitude is >= 90 and <= 100 && p.Latitude is >= 35 and <= 39.5;
}

/// <summary>Small spherical helpers the seed and the simulator both need.</summary>
static class GeoMath
{
    const double MetresPerDegree = 111_320;

    public static GeoPoint Offset(GeoPoint p, double metres, double bearingRadians) =>
        new(p.Longitude + metres * Math.Sin(bearingRadians) / (MetresPerDegree * Math.Cos(p.Latitude * Math.PI / 180)),
            p.Latitude + metres * Math.Cos(bearingRadians) / MetresPerDegree);

    public static GeoPoint Round(GeoPoint p) => new(Math.Round(p.Longitude, 5), Math.Round(p.Latitude, 5));

    public static double Bearing(GeoPoint from, GeoPoint to) =>
        Math.Atan2((to.Longitude - from.Longitude) * Math.Cos(from.Latitude * Math.PI / 180), to.Latitude - from.Latitude);
}

/// <summary>
/// Deterministic seeds for independent random streams (SplitMix64), so that one hour of simulated
/// time, or one enterprise's month, always draws the same numbers whatever else was generated.
/// HashCode.Combine is no use here: it is randomised per process.
/// </summary>
static class StableSeed
{
    public static int Of(params long[] parts)
    {
        var x = 0x9E3779B97F4A7C15UL;
        foreach (var part in parts)
        {
            x ^= unchecked((ulong)part);
            x = Mix(x);
        }
        return (int)(x & 0x7FFF_FFFF);
    }

    public static long Of(string s)
    {
        var x = 0xCBF29CE484222325UL;
        foreach (var c in s) x = unchecked((x ^ c) * 0x100000001B3UL);
        return unchecked((long)x);
    }

    static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
