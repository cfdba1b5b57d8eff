using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fusion.Connectors.Ingest;
using MimeKit;

namespace Fusion.Connectors.PublicReports;

/// <summary>
/// The formats public reports arrive in, each read into the canonical record (<see cref="PublicReportRecord"/>'s
/// JSON) that <see cref="PublicReportFeed"/> translates: the 12369 platform's CSV export, e-mail (RFC 5322),
/// SMS gateway messages and WeChat messages (JSON, told apart from canonical records by their fields).
/// </summary>
public static class PublicReportFormats
{
    /// <summary>12369 exports give local time without an offset: Beijing time, as the platform keeps it.</summary>
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    static PublicReportFormats() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Column headings of the 12369 export (Chinese as exported, or the canonical English names) → canonical field.</summary>
    public static readonly IReadOnlyDictionary<string, string> CsvColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["举报编号"] = "reportId", ["受理时间"] = "receivedAt", ["举报方式"] = "channel", ["举报内容"] = "content",
        ["被举报对象"] = "enterpriseName", ["经度"] = "longitude", ["纬度"] = "latitude", ["所属区县"] = "regionName",
        ["举报人"] = "reporterName", ["联系电话"] = "reporterPhone", ["电子邮箱"] = "reporterEmail", ["微信号"] = "reporterWeChatId",
        // Added by the hotline office when it already knows whom and where the report is about (as the inspectors' sheet names them).
        ["统一社会信用代码"] = "enterpriseId", ["点位编号"] = "siteId", ["enterpriseId"] = "enterpriseId", ["siteId"] = "siteId", ["regionId"] = "regionId",
        ["reportId"] = "reportId", ["receivedAt"] = "receivedAt", ["channel"] = "channel", ["content"] = "content",
        ["enterpriseName"] = "enterpriseName", ["longitude"] = "longitude", ["latitude"] = "latitude", ["regionName"] = "regionName",
        ["reporterName"] = "reporterName", ["reporterPhone"] = "reporterPhone", ["reporterEmail"] = "reporterEmail", ["reporterWeChatId"] = "reporterWeChatId",
    };

    static readonly Dictionary<string, string> CsvChannels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["电话"] = "hotline-12369", ["12369"] = "hotline-12369", ["网络"] = "hotline-12369", ["微信"] = "wechat", ["短信"] = "sms", ["邮件"] = "email", ["电子邮件"] = "email",
    };

    /// <summary>The 12369 CSV export: a heading row, then one report per row (RFC 4180 quoting). Unknown columns are ignored.</summary>
    public static IEnumerable<SourceRecord<RecordReader>> FromCsv(string text, PublicReportFeed redactor)
    {
        var rows = Csv.Rows(text.TrimStart('\uFEFF')).ToList();
        if (rows.Count == 0) throw new RecordRejected("the CSV has no heading row");
        var headings = rows[0].Select(h => CsvColumns.GetValueOrDefault(h.Trim())).ToArray();
        foreach (var required in new[] { "reportId", "receivedAt", "content" })
            if (!headings.Contains(required))
                throw new RecordRejected($"the CSV has no '{CsvColumns.First(c => c.Value == required).Key}' ({required}) column; columns taken: {string.Join(", ", CsvColumns.Keys.Take(12))}");
        // Every reporter named in the file's identity columns: a rejected row's quarantined form has each of them masked
        // wherever it stands (a stray quote can carry a later row, reporter and all, into another row's text).
        var identities = rows.Skip(1).Where(r => r.Length == headings.Length)
            .SelectMany(r => r.Where((_, c) => headings[c] is { } f && PublicReportFeed.IdentityFields.Contains(f, StringComparer.OrdinalIgnoreCase)))
            .Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToArray();
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].All(string.IsNullOrWhiteSpace)) continue;
            if (rows[i].Length != headings.Length)
            {
                // Its cells do not line up with the headings, so which of them is the reporter cannot be told: none is kept.
                var cells = rows[i].Length;
                yield return new SourceRecord<RecordReader>(i - 1, null,
                    () => $"{{\"row\":{i + 1},\"cells\":{cells},\"columns\":{headings.Length},\"kept\":\"none: the cells do not line up with the headings, so the reporter's cannot be told apart\"}}",
                    default, $"row {i + 1} has {cells} cells for {headings.Length} columns (a stray quote or comma?)");
                continue;
            }
            var record = new JsonObject();
            for (var c = 0; c < headings.Length; c++)
                if (headings[c] is { } field && rows[i][c].Trim() is { Length: > 0 } value) record[field] = value;
            record["channel"] = record["channel"]?.GetValue<string>() is { } ch ? CsvChannels.GetValueOrDefault(ch, ch) : "hotline-12369";
            if (record["receivedAt"]?.GetValue<string>() is { } at && LocalTime(at) is { } t) record["receivedAt"] = t.ToString("O", CultureInfo.InvariantCulture);
            yield return Record(i - 1, record, redactor, identities);
        }
    }

    static string MaskAll(string text, IReadOnlyList<string> identities)
    {
        foreach (var identity in identities) text = text.Replace(identity, "[reporter]", StringComparison.Ordinal);
        return text;
    }

    /// <summary>"2026-11-28 09:30:00" or "2026/11/28 9:30" in Beijing time; a time with its offset is taken as it is.</summary>
    static DateTimeOffset? LocalTime(string s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) && !s.Contains('+') && !s.EndsWith('Z')
            ? LocalTimes.At(local, Beijing) : null;

    /// <summary>One e-mail (RFC 5322): its Message-ID is the report id, subject and text body the content, attachments listed by name, type and size.</summary>
    public static SourceRecord<RecordReader> FromEmail(byte[] message, PublicReportFeed redactor)
    {
        MimeMessage mail;
        try { mail = MimeMessage.Load(new MemoryStream(message)); }
        catch (FormatException e) { throw new RecordRejected($"the body is not an e-mail message (RFC 5322): {e.Message}"); }
        var from = mail.From.Mailboxes.FirstOrDefault();
        var body = (mail.TextBody ?? HtmlText(mail.HtmlBody) ?? "").Trim();
        var attachments = mail.Attachments.Select(Describe).ToList();
        var content = string.Join("\n", new[] { mail.Subject?.Trim(), body, attachments.Count == 0 ? null : "附件: " + string.Join("; ", attachments) }
            .Where(s => !string.IsNullOrEmpty(s)));
        var id = mail.MessageId is { Length: > 0 } mid ? mid : Hash(Encoding.UTF8.GetString(message));
        var record = new JsonObject
        {
            ["reportId"] = $"email-{id}", ["channel"] = "email", ["content"] = content,
            ["receivedAt"] = mail.Date == DateTimeOffset.MinValue ? null : mail.Date.ToString("O", CultureInfo.InvariantCulture),
            ["reporterName"] = from?.Name is { Length: > 0 } name ? name : null, ["reporterEmail"] = from?.Address,
        };
        return Record(0, record, redactor);
    }

    static string Describe(MimeEntity entity)
    {
        var name = entity is MimePart part ? part.FileName ?? "(unnamed)" : (entity as MessagePart)?.Message?.Subject ?? "(message)";
        long size = 0;
        if (entity is MimePart p && p.Content is not null)
        {
            using var counter = new MemoryStream();
            p.Content.DecodeTo(counter);
            size = counter.Length;
        }
        return $"{name} ({entity.ContentType.MimeType}, {size} bytes)";
    }

    static string? HtmlText(string? html) =>
        html is null ? null : System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));

    /// <summary>The kinds of monitored online accounts whose posts arrive as public reports, with how the stored text names them.</summary>
    public static readonly IReadOnlyDictionary<string, string> AccountKinds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["influencer"] = "网络大V", ["opinion-monitor"] = "舆情员",
    };

    /// <summary>
    /// A JSON record as the canonical one: a record with reportId is one already; an SMS (sender, text, time,
    /// messageId?), a WeChat message (MsgId, FromUserName, CreateTime in Unix seconds, Content, Location_X/Y) or a
    /// monitored online account's post (postId, platform, account, accountKind influencer | opinion-monitor, text,
    /// postedAt, url?) is read into it. A post's account is its reporter (sealed like any other); its platform, the kind
    /// of account and its address lead the stored text.
    /// </summary>
    public static JsonElement Canonical(JsonElement record)
    {
        var r = new RecordReader(record);
        if (record.ValueKind != JsonValueKind.Object || r.Has("reportId")) return record;
        JsonObject? canonical = null;
        if (r.Has("sender") && r.Has("text"))
            canonical = new JsonObject
            {
                ["reportId"] = $"sms-{r.TextOrNull("messageId") ?? Hash($"{r.TextOrNull("sender")}|{r.TextOrNull("time")}|{r.TextOrNull("text")}")}",
                ["channel"] = "sms", ["content"] = r.TextOrNull("text"), ["receivedAt"] = r.TextOrNull("time"), ["reporterPhone"] = r.TextOrNull("sender"),
            };
        else if (r.Has("MsgId") && r.Has("FromUserName"))
        {
            canonical = new JsonObject
            {
                ["reportId"] = $"wechat-{r.TextOrNull("MsgId")}", ["channel"] = "wechat",
                ["content"] = r.TextOrNull("Content") ?? r.TextOrNull("Label"), ["reporterWeChatId"] = r.TextOrNull("FromUserName"),
                ["receivedAt"] = long.TryParse(r.TextOrNull("CreateTime"), out var unix) && LocalTimes.FromUnixSeconds(unix, Beijing) is { } sent ? sent.ToString("O", CultureInfo.InvariantCulture) : r.TextOrNull("CreateTime"),
            };
            if (r.TextOrNull("Location_X") is { } lat && r.TextOrNull("Location_Y") is { } lon) { canonical["latitude"] = lat; canonical["longitude"] = lon; }
        }
        else if (r.Has("postId") && r.Has("platform"))
        {
            var kind = r.TextOrNull("accountKind");
            canonical = new JsonObject
            {
                ["reportId"] = $"online-{r.TextOrNull("platform")}-{r.TextOrNull("postId")}", ["channel"] = "online", ["receivedAt"] = r.TextOrNull("postedAt"),
                ["content"] = r.TextOrNull("text") is { } text
                    ? $"【{r.TextOrNull("platform")}·{(kind is not null && AccountKinds.TryGetValue(kind, out var zh) ? zh : kind ?? "online account")}】{text}{(r.TextOrNull("url") is { } url ? $" {url}" : "")}"
                    : null,
                ["reporterName"] = r.TextOrNull("account"), ["accountKind"] = kind,
            };
        }
        if (canonical is null) return record;
        // Fields the canonical record also takes (where the sender said it was) ride along.
        foreach (var field in new[] { "enterpriseId", "siteId", "regionId", "longitude", "latitude" })
            if (r.TextOrNull(field) is { } v) canonical[field] = v;
        return JsonSerializer.SerializeToElement(canonical);
    }

    static SourceRecord<RecordReader> Record(int index, JsonObject record, PublicReportFeed redactor, IReadOnlyList<string>? identities = null)
    {
        var element = JsonSerializer.SerializeToElement(record);
        return new SourceRecord<RecordReader>(index, new RecordReader(element).TextOrNull("reportId"),
            () => identities is null ? redactor.Redact(element) : MaskAll(redactor.Redact(element), identities), new RecordReader(element), null);
    }

    static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..20];
}

/// <summary>RFC 4180 rows: commas, double quotes around fields holding commas, quotes or line breaks, "" for a quote.</summary>
public static class Csv
{
    public static IEnumerable<string[]> Rows(string text)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString()); field.Clear();
                yield return row.ToArray();
                row.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row.ToArray();
        }
    }
}
