namespace Fusion.Connectors.Simulation;

/// <summary>
/// The words synthetic names are made of. Every enterprise and person is invented; trade names
/// avoid the real groups that work in Haixi.
/// </summary>
static class HaixiNames
{
    static readonly string[] TradeNames =
    [
        "瑞丰", "鑫源", "恒泰", "金峰", "宏达", "华信", "汇通", "昆源", "盛达", "聚能", "天诚", "利民", "兴旺", "永安", "德润",
        "润泽", "晶石", "柏源", "嘉禾", "海纳", "广源", "荣昌", "新辰", "卓越", "安泰", "宏图", "金诚", "雪峰", "银湖", "青源",
        "西域", "北辰", "大川", "长盛", "泽丰", "弘毅", "昊天", "金泰", "华晟", "晟源", "明德", "东升", "新拓", "远航", "丰源",
        "凯达", "通宇", "锦程", "瑞华", "华磊", "恒昌", "佳源", "鼎盛", "金瑞", "蓝湖", "盐晶", "雪莲", "巴音", "格桑", "吉祥",
        "那仁", "宗务", "戈壁", "驼铃", "沙海", "碧源", "晨曦", "中泰", "乾元", "坤宇", "天泽", "清源", "旭日", "祥瑞", "瀚海",
    ];

    static readonly string[] Places = ["青海", "海西", "柴达木"];

    public static readonly IReadOnlyDictionary<string, string[]> IndustryWords = new Dictionary<string, string[]>
    {
        ["potash"] = ["钾肥", "钾盐", "钾业"],
        ["salt-lake-chemicals"] = ["盐化", "化工", "镁业", "硼业", "盐湖化工"],
        ["lithium"] = ["锂业", "锂资源", "新能源材料"],
        ["soda-ash"] = ["碱业", "纯碱化工"],
        ["nonferrous-mining"] = ["矿业", "有色矿业", "矿产开发"],
        ["nonferrous-smelting"] = ["冶炼", "有色金属", "冶金"],
        ["coal-mining"] = ["煤业", "煤炭开发", "能源"],
        ["coal-chemicals"] = ["煤化工", "能源化工"],
        ["oil-and-gas"] = ["石油技术服务", "油气", "石化"],
        ["cement"] = ["水泥", "建材水泥"],
        ["building-materials"] = ["建材", "新型建材", "砂石料"],
    };

    static readonly string[] CompanyForms = ["有限公司", "有限公司", "有限公司", "有限责任公司", "有限责任公司", "股份有限公司"];

    public static string Enterprise(Random rng, string placeZh, string industry)
    {
        var place = rng.NextDouble() < 0.45 ? placeZh : Pick(rng, Places);
        return place + Pick(rng, TradeNames) + Pick(rng, IndustryWords[industry]) + Pick(rng, CompanyForms);
    }

    static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "马", "韩", "祁", "鲁", "冶", "星", "胡", "何", "朱", "孙", "郭", "罗", "周", "苏", "魏", "谢", "徐"];
    static readonly string[] GivenNames = ["建国", "海峰", "志强", "永红", "晓东", "文军", "玉兰", "德明", "国庆", "春梅", "立新", "学军", "秀英", "宏伟", "成林", "海燕", "振华", "俊杰", "丽娟", "明"];
    static readonly string[] MongolianTibetanNames = ["巴特尔", "乌力吉", "那仁格日勒", "其其格", "扎西东智", "才让多杰", "索南", "卓玛才措", "多杰太", "更登", "斯琴", "桑杰"];

    public static string Person(Random rng) =>
        rng.NextDouble() < 0.22 ? Pick(rng, MongolianTibetanNames) : Pick(rng, Surnames) + Pick(rng, GivenNames);

    public static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    public static T Weighted<T>(Random rng, IReadOnlyList<(T Item, int Weight)> items)
    {
        var roll = rng.Next(items.Sum(i => i.Weight));
        foreach (var (item, weight) in items)
        {
            if (roll < weight) return item;
            roll -= weight;
        }
        return items[^1].Item;
    }
}
