using System.Globalization;
using System.Text;
using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Inspections;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.PublicReports;
using MimeKit;

namespace Fusion.Connectors.Simulation;

/// <summary>One request body as a sender in the field would make it: the feed, its Content-Type and the bytes.</summary>
public sealed record WireRequest(string Feed, string ContentType, byte[] Body, int Records);

/// <summary>
/// The simulator's records in the formats the people and systems of Haixi actually send (pure): patrol missions as GeoJSON;
/// 12369 hotline reports as the platform's CSV export (GB18030), SMS and WeChat messages as their gateways' JSON, each e-mail
/// report as an RFC 5322 message; inspection findings as the inspectors' spreadsheet; each fund deposit as the enterprise's
/// sales declaration (CSV) and a line of its fund account's bank statement (CSV). What a format cannot carry stays JSON: an
/// e-mail about a bare position (an e-mail names no coordinates), a deposit of an enterprise without a registered account.
/// </summary>
public sealed class SimulatorWire(MasterDataDocument masterData)
{
    public const string Json = "application/json";

    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    static SimulatorWire() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    readonly Dictionary<string, EnterpriseRecord> enterprises = (masterData.Enterprises ?? []).ToDictionary(e => e.EnterpriseId);
    readonly Dictionary<string, (EnterpriseRecord Enterprise, SiteRecord Site)> sites = (masterData.Enterprises ?? [])
        .SelectMany(e => (e.Sites ?? []).Select(s => (e, s))).ToDictionary(x => x.s.SiteId, x => (x.e, x.s));
    readonly Dictionary<string, RegionRecord> regions = (masterData.Regions ?? []).ToDictionary(r => r.RegionId);

    public IEnumerable<WireRequest> Requests(string feed, IReadOnlyList<object> records)
    {
        if (records.Count == 0) yield break;
        switch (feed)
        {
            case SimulationFeeds.AerialFindings when records.All(r => r is AerialFindingRecord):
                yield return new(feed, AerialGeoJson.MediaType, Mission(records.Cast<AerialFindingRecord>()), records.Count);
                yield break;
            case SimulationFeeds.PublicReports when records.All(r => r is PublicReportRecord):
                foreach (var request in Reports(records.Cast<PublicReportRecord>().ToList())) yield return request;
                yield break;
            case SimulationFeeds.InspectionFindings when records.All(r => r is InspectionFindingRecord):
                yield return Csv(feed, "问题编号,统一社会信用代码,点位编号,问题描述,问题等级,整改期限,检查人,检查时间",
                    records.Cast<InspectionFindingRecord>().Select(f => new[]
                    {
                        f.FindingId, f.EnterpriseId, f.SiteId, f.Violation, Grade(f.Severity), f.RectifyBy.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture), f.RecordedBy,
                        f.RecordedAt.ToOffset(Beijing).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture),
                    }));
                yield break;
            case SimulationFeeds.SalesRevenue when records.All(r => r is SalesRevenueRecord):
                yield return Declarations(records.Cast<SalesRevenueRecord>());
                yield break;
            case SimulationFeeds.FundDeposits when records.All(r => r is FundDepositRecord):
                var deposits = records.Cast<FundDepositRecord>().ToList();
                var banked = deposits.Where(d => Account(d.EnterpriseId) is not null).ToList();
                if (banked.Count > 0)
                {
                    // The declaration first, so the deposit settles the obligation it was made for.
                    yield return Declarations(banked.Select(d => new SalesRevenueRecord(d.EnterpriseId, d.Period, d.SalesRevenueYuan, d.DepositedAt, d.DepositId + "-SR")));
                    yield return Csv(SimulationFeeds.BankStatements, "交易流水号,账号,起息日,贷方发生额,摘要", banked.Select(d => new[]
                    {
                        d.DepositId, Account(d.EnterpriseId), d.DepositedAt.ToOffset(Beijing).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        d.AmountYuan.ToString("0.00", CultureInfo.InvariantCulture), $"环境保护专项资金 {d.Period}",
                    }));
                }
                var rest = deposits.Except(banked).Cast<object>().ToList();
                if (rest.Count > 0) yield return JsonArray(feed, rest);
                yield break;
            default:
                yield return JsonArray(feed, records);
                yield break;
        }
    }

    string? Account(string enterpriseId) => enterprises.GetValueOrDefault(enterpriseId)?.FundAccounts?.FirstOrDefault()?.AccountNumber;

    static WireRequest JsonArray(string feed, IReadOnlyList<object> records) =>
        new(feed, Json, JsonSerializer.SerializeToUtf8Bytes(records, SimulatorRunner.WireOptions), records.Count);

    static WireRequest Declarations(IEnumerable<SalesRevenueRecord> declarations) =>
        Csv(SimulationFeeds.SalesRevenue, "申报编号,统一社会信用代码,所属期,销售收入,申报时间", declarations.Select(s => new[]
        {
            s.DeclarationId, s.EnterpriseId, s.Period, s.SalesRevenueYuan.ToString("0.00", CultureInfo.InvariantCulture),
            s.DeclaredAt?.ToOffset(Beijing).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        }));

    /// <summary>一般/较大/重大/特别重大, as the inspectors' sheet grades them.</summary>
    static string Grade(string severity) => severity.ToLowerInvariant() switch
    {
        "low" => "一般", "medium" => "较大", "high" => "重大", "critical" => "特别重大", _ => severity,
    };

    /// <summary>A CSV in UTF-8 (the sheets) or, with <paramref name="gb18030"/>, as a Chinese desktop saves it.</summary>
    static WireRequest Csv(string feed, string headings, IEnumerable<string?[]> rows, bool gb18030 = false)
    {
        var text = new StringBuilder(headings).Append("\r\n");
        var count = 0;
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(Field))).Append("\r\n");
            count++;
        }
        return gb18030
            ? new(feed, "text/csv; charset=gb18030", Encoding.GetEncoding("gb18030").GetBytes(text.ToString()), count)
            : new(feed, "text/csv; charset=utf-8", Encoding.UTF8.GetBytes(text.ToString()), count);
    }

    static string Field(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;

    /// <summary>Public reports by channel: the hotline's CSV export, the SMS and WeChat gateways' JSON, one message per e-mail.</summary>
    IEnumerable<WireRequest> Reports(List<PublicReportRecord> reports)
    {
        var canonical = new List<object>();
        var hotline = reports.Where(r => r.Channel == "hotline-12369").ToList();
        if (hotline.Count > 0)
            yield return Csv(SimulationFeeds.PublicReports, "举报编号,受理时间,举报方式,举报内容,被举报对象,统一社会信用代码,点位编号,所属区县,经度,纬度,联系电话",
                hotline.Select(r => new[]
                {
                    r.ReportId, r.ReceivedAt.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), "电话", r.Content,
                    EnterpriseOf(r)?.Name, r.EnterpriseId, r.SiteId, r.RegionId is { } region ? regions.GetValueOrDefault(region)?.NameZh : null,
                    Number(r.Longitude), Number(r.Latitude), r.ReporterContact,
                }), gb18030: true);
        var sms = reports.Where(r => r.Channel == "sms").Select(r => (object)new
        {
            messageId = r.ReportId, sender = r.ReporterContact ?? PhoneOf(r.ReportId), text = r.Content, time = r.ReceivedAt,
            r.EnterpriseId, r.SiteId, r.RegionId, r.Longitude, r.Latitude,
        }).ToList();
        if (sms.Count > 0) yield return JsonArray(SimulationFeeds.PublicReports, sms);
        var wechat = reports.Where(r => r.Channel == "wechat").Select(r => (object)new Dictionary<string, object?>
        {
            ["MsgId"] = r.ReportId, ["FromUserName"] = r.ReporterContact?.Replace("wechat:", "") ?? $"o-{Hash(r.ReportId)}", ["CreateTime"] = r.ReceivedAt.ToUnixTimeSeconds(),
            ["MsgType"] = r.Latitude is null ? "text" : "location", ["Content"] = r.Content,
            ["Location_X"] = r.Latitude, ["Location_Y"] = r.Longitude, ["enterpriseId"] = r.EnterpriseId, ["siteId"] = r.SiteId, ["regionId"] = r.RegionId,
        }).ToList();
        if (wechat.Count > 0) yield return JsonArray(SimulationFeeds.PublicReports, wechat);
        foreach (var r in reports.Where(r => r.Channel == "email"))
        {
            if (Subject(r) is { } subject) yield return new(SimulationFeeds.PublicReports, "message/rfc822", Email(r, subject), 1);
            else canonical.Add(r);
        }
        canonical.AddRange(reports.Where(r => r.Channel is not ("hotline-12369" or "sms" or "wechat" or "email")));
        if (canonical.Count > 0) yield return JsonArray(SimulationFeeds.PublicReports, canonical);
    }

    EnterpriseRecord? EnterpriseOf(PublicReportRecord r) =>
        r.EnterpriseId is { } e ? enterprises.GetValueOrDefault(e) : r.SiteId is { } s && sites.TryGetValue(s, out var site) ? site.Enterprise : null;

    /// <summary>What the e-mail is about, by name (all an e-mail can say of where); null when the report only gives a position.</summary>
    string? Subject(PublicReportRecord r) =>
        r.SiteId is { } s && sites.TryGetValue(s, out var site) ? $"举报：{site.Enterprise.Name}{site.Site.Name}"
        : EnterpriseOf(r) is { } e ? $"举报：{e.Name}"
        : r.RegionId is { } region && regions.TryGetValue(region, out var reg) ? $"举报：{reg.NameZh}"
        : null;

    static byte[] Email(PublicReportRecord r, string subject)
    {
        var message = new MimeMessage { Subject = subject, Date = r.ReceivedAt, MessageId = $"{r.ReportId}@mail.sim.haixi" };
        var from = r.ReporterContact is { } contact && contact.Contains('@') ? contact : $"r{Hash(r.ReportId)}@mail.sim.haixi";
        message.From.Add(new MailboxAddress("", from));
        message.To.Add(new MailboxAddress("海西州12369环保举报", "12369@haixi.gov.cn"));
        message.Body = new TextPart("plain") { Text = r.Content };
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    static string? Number(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture);

    static string PhoneOf(string id) => $"1390977{(StableSeed.Of(id) & 0x7FFFFFFF) % 10_000:D4}";

    static string Hash(string id) => $"{StableSeed.Of(id) & 0xFFFFFF:x6}";

    /// <summary>Aerial findings as the patrols' tools export them: an RFC 7946 FeatureCollection, each finding a Point or its outline.</summary>
    static byte[] Mission(IEnumerable<AerialFindingRecord> findings) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "FeatureCollection",
        features = findings.Select(f => new
        {
            type = "Feature", id = f.FindingId,
            geometry = f.Geometry ?? JsonSerializer.SerializeToElement(new { type = "Point", coordinates = new[] { f.Longitude ?? 0, f.Latitude ?? 0 } }),
            properties = new
            {
                f.Platform, f.FindingType, f.Severity, f.ObservedAt, f.EnterpriseId, f.SiteId, f.Description, f.ImageUrl, f.MissionId, f.Confidence,
            },
        }),
    }, SimulatorRunner.WireOptions);
}
