using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Fusion.Connectors.Ingest;

/// <summary>
/// The bounds every feed's records are held to, stated once (configuration section "Fusion:Ingest" in the host):
/// what the store, the projections and the risk model can hold, and a plausible time window around now.
/// </summary>
public class IngestBounds
{
    /// <summary>
    /// How long after its own time a device may resend a record (an HJ 212 logger backfilling after an outage):
    /// the record's identity is kept that long, so a resend is recognised as a duplicate; older device records are refused.
    /// </summary>
    public TimeSpan ResendWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How far back any record's time may lie (a backfill of old findings, deposits, reports).</summary>
    public TimeSpan MaxBackfill { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>How far ahead of the platform's clock a record's time may lie: a sender's clock running fast.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead a date may lie (a rectify-by deadline).</summary>
    public TimeSpan MaxDateAhead { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>Longest identifier (any field named …Id: alarmId, cameraId, enterpriseId …).</summary>
    public int MaxIdentifierLength { get; set; } = 128;

    /// <summary>Longest text of any other field (a report's text, a finding's description).</summary>
    public int MaxTextLength { get; set; } = 20_000;

    /// <summary>Largest magnitude of a measured value, confidence, coordinate or limit (numbers with a fraction).</summary>
    public double MaxMeasuredValue { get; set; } = 1e12;

    /// <summary>Largest magnitude of an amount of money in yuan (analytics holds DECIMAL(18,2)).</summary>
    public decimal MaxAmountYuan { get; set; } = 1_000_000_000_000m;
}

/// <summary>
/// What the checks need from outside the record: the time it is received and the bounds. Without checks (pure
/// translation outside the host: calibration, simulation checks) the default bounds apply and no time window.
/// </summary>
public sealed record IngestChecks(DateTimeOffset Now, IngestBounds Bounds)
{
    public DateTimeOffset OldestResendable => Now - Bounds.ResendWindow;
}

/// <summary>
/// Checks every feed's records pass, in one place, after the feed has read them and before they are stored:
/// what the store cannot hold is rejected here with the record and the field named, for all feeds alike.
/// Every value of every event a record becomes is looked at: text (no control characters but tab and line breaks,
/// no invalid Unicode, identifiers and other text within their lengths), numbers (finite, within bounds),
/// amounts, times (within the backfill depth and the clock skew) and dates (within the backfill depth and how
/// far ahead a deadline may lie).
/// </summary>
public static class IngestValidation
{
    /// <summary>
    /// A record's identity (feed + the source's own id) is a primary key in the store; PostgreSQL cannot index
    /// keys much beyond 2,700 bytes, and no source's own ids come near this.
    /// </summary>
    public const int MaxKeyLength = 512;

    static readonly IngestBounds Defaults = new();

    /// <summary>Throws RecordRejected when the item cannot be stored as it is.</summary>
    public static void Check(IngestItem item, IngestChecks? checks = null)
    {
        if (item.SourceTime is { } at && checks is not null && at < checks.OldestResendable)
            throw new RecordRejected($"its time {at:yyyy-MM-dd HH:mm:ss zzz} is older than the {checks.Bounds.ResendWindow.TotalDays:0.##}-day resend window; " +
                                     "records that old are no longer checked for duplicates, so they are not taken");
        foreach (var e in item.Events) Walk(e, null, checks, 0);
        if (item.Key.Length > MaxKeyLength)
            throw new RecordRejected($"the record's id is {item.Key.Length} characters long; at most {MaxKeyLength - item.Key.IndexOf(':') - 1} are taken");
        if (item.StreamKey.Length > MaxKeyLength)
            throw new RecordRejected($"the record's subject id is {item.StreamKey.Length} characters long; at most {MaxKeyLength / 2} are taken");
    }

    static void Walk(object? value, string? field, IngestChecks? checks, int depth)
    {
        var bounds = checks?.Bounds ?? Defaults;
        switch (value)
        {
            case null or bool or Enum or int or long or short or byte or Guid or TimeSpan or DateTime:
                return;
            case string s:
                var max = field is not null && Leaf(field).EndsWith("Id", StringComparison.Ordinal) ? bounds.MaxIdentifierLength : bounds.MaxTextLength;
                if (IngestText.Problem(s) is { } problem) throw new RecordRejected($"'{field}' {problem}");
                if (s.Length > max) throw new RecordRejected($"'{field}' is {s.Length} characters long; at most {max} are taken");
                return;
            case double d:
                if (!double.IsFinite(d) || Math.Abs(d) > bounds.MaxMeasuredValue)
                    throw new RecordRejected($"'{field}' is {d.ToString(CultureInfo.InvariantCulture)}; values beyond ±{bounds.MaxMeasuredValue.ToString(CultureInfo.InvariantCulture)} are not taken");
                return;
            case float f:
                Walk((double)f, field, checks, depth);
                return;
            case decimal m:
                if (Math.Abs(m) > bounds.MaxAmountYuan)
                    throw new RecordRejected($"'{field}' is {m.ToString(CultureInfo.InvariantCulture)}; amounts beyond ±{bounds.MaxAmountYuan.ToString(CultureInfo.InvariantCulture)} are not taken");
                return;
            case DateTimeOffset t:
                if (checks is null) return;
                var (earliest, latest) = (checks.Now - bounds.MaxBackfill, checks.Now + bounds.ClockSkew);
                if (t < earliest || t > latest)
                    throw new RecordRejected($"'{field}' {t:yyyy-MM-dd HH:mm:ss zzz} is outside the accepted window: from {earliest:yyyy-MM-dd} " +
                                             $"({bounds.MaxBackfill.TotalDays:0.##} days back) to {latest:yyyy-MM-dd HH:mm:ss zzz} ({bounds.ClockSkew.TotalMinutes:0.##} minutes ahead)");
                return;
            case DateOnly date:
                if (checks is null) return;
                var (first, last) = (DateOnly.FromDateTime((checks.Now - bounds.MaxBackfill).UtcDateTime), DateOnly.FromDateTime((checks.Now + bounds.MaxDateAhead).UtcDateTime));
                if (date < first || date > last)
                    throw new RecordRejected($"'{field}' {date:yyyy-MM-dd} is outside the accepted dates {first:yyyy-MM-dd} to {last:yyyy-MM-dd}");
                return;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    Walk(entry.Key as string, field, checks, depth);
                    Walk(entry.Value, $"{field}.{entry.Key}", checks, depth + 1);
                }
                return;
            case IEnumerable list:
                foreach (var element in list) Walk(element, field, checks, depth + 1);
                return;
            default:
                // Events hold primitives and plain records only; anything deeper than that is not walked.
                if (depth > 4) return;
                foreach (var p in PropertiesOf(value.GetType()))
                    Walk(p.GetValue(value), field is null || depth == 0 ? Camel(p.Name) : $"{field}.{Camel(p.Name)}", checks, depth + 1);
                return;
        }
    }

    static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    static PropertyInfo[] PropertiesOf(Type type) =>
        Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").ToArray());

    static string Leaf(string field) => field[(field.LastIndexOf('.') + 1)..];

    static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>Text every feed takes: no control characters but tab and line breaks, no lone surrogates or non-characters.</summary>
public static class IngestText
{
    /// <summary>Null when the text can be stored as it is, otherwise what is wrong with it (without repeating it).</summary>
    public static string? Problem(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return $"holds invalid Unicode (a lone surrogate U+{(int)c:X4}) at position {i}";
            if (c is '\t' or '\n' or '\r') continue;
            if (char.IsControl(c)) return $"holds a control character (U+{(int)c:X4}) at position {i}";
            if (c is '\uFFFE' or '\uFFFF') return $"holds a non-character (U+{(int)c:X4}) at position {i}";
        }
        return null;
    }

    /// <summary>
    /// The text as it can be shown and stored anywhere (an answer, the quarantine): control characters but tab and
    /// line breaks and lone surrogates written as \uXXXX, cut at max characters.
    /// </summary>
    public static string Printable(string s, int max = int.MaxValue)
    {
        if (s.Length > max) s = s[..max] + $"… ({s.Length} characters)";
        if (Problem(s) is null) return s;
        var b = new StringBuilder(s.Length + 16);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { b.Append(c).Append(s[++i]); continue; }
            if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF')
                b.Append("\\u").Append(((int)c).ToString("X4"));
            else b.Append(c);
        }
        return b.ToString();
    }
}
