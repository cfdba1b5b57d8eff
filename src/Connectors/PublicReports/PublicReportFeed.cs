using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;

namespace Fusion.Connectors.PublicReports;

/// <summary>
/// A report from the 12369 hotline, WeChat, SMS or e-mail. It must say where: an enterprise, a site, a region
/// or a position. The reporter's name, phone, e-mail and WeChat id (or a single reporterContact) are sealed;
/// none of them means anonymous.
/// </summary>
public sealed record PublicReportRecord(
    string ReportId, string Channel, string Content, DateTimeOffset ReceivedAt,
    string? EnterpriseId = null, string? SiteId = null, string? RegionId = null,
    double? Longitude = null, double? Latitude = null, string? ReporterContact = null,
    string? ReporterName = null, string? ReporterPhone = null, string? ReporterEmail = null, string? ReporterWeChatId = null);

public sealed partial class PublicReportFeed(ReporterKeyring keyring) : IFeed, IRedactsRawInput
{
    public const double AttributionRadiusMetres = 500;

    public static readonly IReadOnlyDictionary<string, ReportChannel> Channels = new Dictionary<string, ReportChannel>
    {
        ["hotline-12369"] = ReportChannel.Hotline12369, ["wechat"] = ReportChannel.WeChat, ["sms"] = ReportChannel.Sms, ["email"] = ReportChannel.Email,
        ["online"] = ReportChannel.Online,
    };

    /// <summary>
    /// The fields that identify the reporter: sealed in events, removed from the quarantine — with an SMS gateway's sender and a
    /// WeChat message's FromUserName, which name the reporter too when a message is not readable as one.
    /// </summary>
    public static readonly string[] IdentityFields = ["reporterContact", "reporterName", "reporterPhone", "reporterEmail", "reporterWeChatId", "sender", "FromUserName"];

    public PublicReportFeed() : this(ReporterKeyring.None) { }

    public string Name => "public-reports";
    public string IdField => "reportId";

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var reportId = r.String("reportId");
        var channel = r.Choice("channel", Channels);
        var content = r.String("content");
        var at = r.Time("receivedAt");
        var position = Positions.ReadOptional(r);
        var (enterprise, site) = Attribution.Resolve(r, catalog, position, AttributionRadiusMetres);
        var regionId = r.OptionalString("regionId");
        if (regionId is not null && !catalog.Regions.ContainsKey(regionId))
            throw new RecordRejected($"region '{regionId}' is not registered in master data");
        // Said in words (the 12369 export's 被举报对象 and 所属区县, or the text itself): the enterprise it names, else the region.
        if (enterprise is null && site is null && position is null && regionId is null)
        {
            enterprise = Named(catalog.Enterprises.Values, e => [e.Name], r.OptionalString("enterpriseName"), content);
            regionId = enterprise is null ? Named(catalog.Regions.Values, RegionNames, r.OptionalString("regionName"), content)?.RegionId : null;
        }
        var region = enterprise?.RegionId ?? regionId ?? (position is null ? null : catalog.NearestRegion(position)?.RegionId)
            ?? throw new RecordRejected("the report does not say where: give enterpriseId, siteId, regionId or longitude and latitude");
        var identity = Identity(r);
        if (channel == ReportChannel.Online)
        {
            // A monitored account's post: the kind of account must be known, and the account is its reporter.
            r.Choice("accountKind", PublicReportFormats.AccountKinds);
            if (identity is null) throw new RecordRejected("'account' is missing: a post is attributed to the monitored account that made it");
        }
        var seal = keyring.For(reportId);
        // A destroyed key means the report was stored and its identity shredded: this can only be a resend.
        var sealedReporter = identity is null || seal.Key is null ? null : ReporterSeal.Seal(identity, seal.Key, reportId);
        return new IngestItem(Feeds.Key(Name, reportId), Streams.PublicReport(reportId),
            [new PublicReportFiled(reportId, channel, region, enterprise?.EnterpriseId, site?.SiteId, ContactMasking.Mask(content),
                identity is null, seal.ReceiptCode, sealedReporter, at)]);
    }

    /// <summary>The one whose name the given name or else the text holds (the longest such name, so a park wins over its county).</summary>
    static T? Named<T>(IEnumerable<T> candidates, Func<T, IEnumerable<string>> names, string? given, string text) where T : class
    {
        foreach (var haystack in new[] { given, text })
        {
            if (string.IsNullOrWhiteSpace(haystack)) continue;
            var best = candidates.SelectMany(c => names(c).Where(n => n.Length >= 2 && haystack.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => (c, n.Length)))
                .OrderByDescending(m => m.Length).FirstOrDefault();
            if (best.c is not null) return best.c;
        }
        return null;
    }

    /// <summary>格尔木市 is also said 格尔木.</summary>
    static IEnumerable<string> RegionNames(Region region) =>
        region.NameZh.Length > 2 && region.NameZh[^1] is '市' or '县' or '区' or '镇' ? [region.NameZh, region.NameZh[..^1], region.Name] : [region.NameZh, region.Name];

    /// <summary>Blank fields are no identity; none at all is an anonymous report, with no one to reward.</summary>
    static ReporterIdentity? Identity(RecordReader r)
    {
        string? Read(string field) => r.OptionalString(field) is { Length: > 0 } s ? s : null;
        var identity = new ReporterIdentity(Read("reporterName"), Read("reporterPhone"), Read("reporterEmail"), Read("reporterWeChatId"), Read("reporterContact"));
        return identity.IsEmpty ? null : identity;
    }

    /// <summary>A rejected record as the quarantine keeps it: without the reporter's fields, contacts in its text masked.</summary>
    public string Redact(JsonElement record)
    {
        if (JsonNode.Parse(record.GetRawText()) is not JsonObject o) return ContactMasking.Mask(record.GetRawText());
        foreach (var name in o.Select(p => p.Key).Where(k => IdentityFields.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList())
            o.Remove(name);
        return ContactMasking.Mask(o.ToJsonString(Relaxed));
    }

    static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Input that is not even readable as records: reporter fields cut out as text, contacts masked.</summary>
    public string Redact(string raw)
    {
        try
        {
            var node = JsonNode.Parse(raw);
            if (node is JsonArray array)
                return ContactMasking.Mask(new JsonArray(array.Select(n => n is JsonObject o ? JsonNode.Parse(Redact(JsonSerializer.SerializeToElement(o))) : n?.DeepClone()).ToArray()).ToJsonString(Relaxed));
            if (node is JsonObject obj) return Redact(JsonSerializer.SerializeToElement(obj));
        }
        catch (JsonException) { }
        return ContactMasking.Mask(IdentityFieldText().Replace(raw, "\"$1\":\"[removed]\""));
    }

    [GeneratedRegex("\"(reporter(?:Contact|Name|Phone|Email|WeChatId)|sender|FromUserName)\"\\s*:\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]]*)", RegexOptions.IgnoreCase)]
    private static partial Regex IdentityFieldText();
}
