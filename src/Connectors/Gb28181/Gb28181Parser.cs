using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Fusion.Connectors.Gb28181;

/// <summary>
/// A GB/T 28181 &lt;Notify&gt; as carried in the body of a SIP MESSAGE: an alarm (CmdType Alarm) or a keepalive
/// (CmdType Keepalive). AlarmPriority 1–4 (1 most serious); AlarmMethod 1 telephone, 2 device, 3 SMS, 4 GPS,
/// 5 video, 6 device fault, 7 other; AlarmType from Info/AlarmType refines the method.
/// AlarmTime has no offset in the standard and is Beijing time.
/// </summary>
public sealed record Gb28181Notify(
    string CmdType, long SN, string DeviceId,
    string? Status,
    int? AlarmPriority, int? AlarmMethod, int? AlarmType, DateTimeOffset? AlarmTime,
    string? AlarmDescription, double? Longitude, double? Latitude);

/// <summary>One notification found in a body: parsed, or the problem with it; Text is the notification's XML for quarantine.</summary>
public sealed record Gb28181Entry(int Index, string Text, Gb28181Notify? Notify, string? Problem);

/// <summary>
/// Parses request bodies holding one or more notifications. A body is one or more XML documents one after
/// another, as a SIP gateway forwards MESSAGE bodies; each may begin with its own declaration, whose encoding
/// (UTF-8, GB2312, GBK, GB18030) applies to its bytes; without a declaration a document is UTF-8. A document
/// may hold several &lt;Notify&gt; elements. Bytes are decoded as declared before the XML is read.
/// </summary>
public static class Gb28181Parser
{
    public const string Alarm = "Alarm";
    public const string Keepalive = "Keepalive";
    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    static ReadOnlySpan<byte> Declaration => "<?xml"u8;

    static Gb28181Parser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding named in a declaration, with the code-page encodings (GB2312, GBK) available.</summary>
    public static Encoding EncodingNamed(string name) => Encoding.GetEncoding(name);

    public static IReadOnlyList<Gb28181Entry> Parse(ReadOnlySpan<byte> body)
    {
        var entries = new List<Gb28181Entry>();
        foreach (var (start, length) in Documents(body))
            ParseDocument(body.Slice(start, length), entries);
        if (entries.Count == 0) entries.Add(new Gb28181Entry(0, "", null, "the body holds no <Notify> notification"));
        return entries;
    }

    /// <summary>Where each document starts: at every "&lt;?xml" (a byte sequence GB2312 and GBK never use inside a character).</summary>
    static List<(int Start, int Length)> Documents(ReadOnlySpan<byte> body)
    {
        var starts = new List<int>();
        var at = 0;
        while (at < body.Length)
        {
            var next = body[at..].IndexOf(Declaration);
            if (next < 0) break;
            starts.Add(at + next);
            at += next + Declaration.Length;
        }
        if (!body[..(starts.Count == 0 ? body.Length : starts[0])].Trim("\r\n\t \uFEFF"u8).IsEmpty)
            starts.Insert(0, 0);
        var documents = new List<(int, int)>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
            documents.Add((starts[i], (i + 1 < starts.Count ? starts[i + 1] : body.Length) - starts[i]));
        return documents;
    }

    static void ParseDocument(ReadOnlySpan<byte> bytes, List<Gb28181Entry> entries)
    {
        string text;
        var declared = DeclaredEncoding(bytes);
        try
        {
            var encoding = declared is null ? Encoding.UTF8 : EncodingNamed(declared);
            text = encoding.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (ArgumentException)
        {
            entries.Add(new Gb28181Entry(entries.Count, Encoding.UTF8.GetString(bytes), null,
                $"the XML declaration names encoding '{declared}', which this platform does not read (use UTF-8, GB2312, GBK or GB18030)"));
            return;
        }

        // The declaration has done its work (the bytes are decoded); the rest may hold several <Notify> roots.
        var body = text;
        if (body.StartsWith("<?xml", StringComparison.Ordinal) && body.IndexOf("?>", StringComparison.Ordinal) is var end and > 0)
            body = body[(end + 2)..];
        var settings = new XmlReaderSettings
        {
            ConformanceLevel = ConformanceLevel.Fragment,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
        };
        var found = 0;
        try
        {
            using var reader = XmlReader.Create(new StringReader(body), settings);
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element) { reader.Read(); continue; }
                var element = (XElement)XNode.ReadFrom(reader);
                found++;
                entries.Add(ParseNotify(entries.Count, element));
            }
        }
        catch (XmlException e)
        {
            entries.Add(new Gb28181Entry(entries.Count, text, null, $"the XML is not well-formed: {e.Message}"));
            return;
        }
        if (found == 0) entries.Add(new Gb28181Entry(entries.Count, text, null, "the document holds no <Notify> notification"));
    }

    static string? DeclaredEncoding(ReadOnlySpan<byte> bytes)
    {
        var trimmed = bytes.TrimStart("\r\n\t \uFEFF"u8);
        if (!trimmed.StartsWith(Declaration)) return null;
        var end = trimmed.IndexOf("?>"u8);
        if (end < 0) return null;
        var declaration = Encoding.ASCII.GetString(trimmed[..end]);
        var at = declaration.IndexOf("encoding", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        var rest = declaration[(at + "encoding".Length)..].TrimStart(' ', '\t', '=').TrimStart();
        if (rest.Length == 0 || rest[0] is not ('"' or '\'')) return null;
        var close = rest.IndexOf(rest[0], 1);
        return close > 1 ? rest[1..close] : null;
    }

    static Gb28181Entry ParseNotify(int index, XElement e)
    {
        var text = e.ToString(SaveOptions.DisableFormatting);
        string? problem = null;
        Gb28181Entry Fail(string why) => new(index, text, null, why);

        if (e.Name.LocalName != "Notify")
            return Fail($"<{e.Name.LocalName}> is not a <Notify>; this endpoint takes alarm and keepalive notifications");
        var cmdType = Field(e, "CmdType");
        if (string.IsNullOrEmpty(cmdType)) return Fail("CmdType is missing");
        if (!cmdType.Equals(Alarm, StringComparison.OrdinalIgnoreCase) && !cmdType.Equals(Keepalive, StringComparison.OrdinalIgnoreCase))
            return Fail($"CmdType '{cmdType}' is not one this platform takes (Alarm, Keepalive)");
        var isAlarm = cmdType.Equals(Alarm, StringComparison.OrdinalIgnoreCase);

        if (!long.TryParse(Field(e, "SN"), NumberStyles.None, CultureInfo.InvariantCulture, out var sn))
            return Fail($"SN '{Field(e, "SN")}' is missing or not a number");
        var deviceId = Field(e, "DeviceID") ?? "";
        if (deviceId.Length != 20 || !deviceId.All(char.IsAsciiDigit))
            return Fail($"DeviceID '{deviceId}' is not a 20-digit GB/T 28181 code");

        if (!isAlarm)
        {
            var status = Field(e, "Status");
            if (status is null || !(status.Equals("OK", StringComparison.OrdinalIgnoreCase) || status.Equals("ERROR", StringComparison.OrdinalIgnoreCase)))
                return Fail($"keepalive Status '{status}' should be OK or ERROR");
            return new Gb28181Entry(index, text, new Gb28181Notify(Keepalive, sn, deviceId, status.ToUpperInvariant(), null, null, null, null, null, null, null), null);
        }

        int? priority = Int(e, "AlarmPriority", 1, 4, ref problem);
        int? method = Int(e, "AlarmMethod", 1, 7, ref problem);
        if (problem is not null) return Fail(problem);
        if (priority is null) return Fail("AlarmPriority is missing (1–4)");
        if (method is null) return Fail("AlarmMethod is missing (1–7)");
        var alarmType = Int(e.Element("Info") ?? e, "AlarmType", 0, 99, ref problem);
        if (problem is not null) return Fail(problem);
        var timeText = Field(e, "AlarmTime");
        if (timeText is null) return Fail("AlarmTime is missing");
        if (!TryTime(timeText, out var alarmTime)) return Fail($"AlarmTime '{timeText}' is not a time like 2026-11-28T09:30:00");
        var longitude = Number(e, "Longitude", -180, 180, ref problem);
        var latitude = Number(e, "Latitude", -90, 90, ref problem);
        if (problem is not null) return Fail(problem);
        return new Gb28181Entry(index, text, new Gb28181Notify(
            Alarm, sn, deviceId, null, priority, method, alarmType, alarmTime,
            Field(e, "AlarmDescription") is { Length: > 0 } d ? d : null, longitude, latitude), null);
    }

    static string? Field(XElement e, string name) => e.Element(name)?.Value.Trim();

    static int? Int(XElement e, string name, int min, int max, ref string? problem)
    {
        var s = Field(e, name);
        if (string.IsNullOrEmpty(s)) return null;
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        problem ??= $"{name} '{s}' should be a whole number from {min} to {max}";
        return null;
    }

    static double? Number(XElement e, string name, double min, double max, ref string? problem)
    {
        var s = Field(e, name);
        if (string.IsNullOrEmpty(s)) return null;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        problem ??= $"{name} '{s}' should be a number from {min} to {max}";
        return null;
    }

    static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF", "yyyy-MM-dd HH:mm:ss"];

    static bool TryTime(string s, out DateTimeOffset time)
    {
        if (DateTime.TryParseExact(s, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var at = Ingest.LocalTimes.At(local, Beijing);
            time = at ?? default;
            return at is not null;
        }
        // Some platforms add an offset; honour it.
        return DateTimeOffset.TryParseExact(s, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
