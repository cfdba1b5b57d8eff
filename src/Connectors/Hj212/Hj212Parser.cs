using System.Buffers;
using System.Globalization;
using System.Text;

namespace Fusion.Connectors.Hj212;

/// <summary>
/// Parses a data segment: "QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]CP=&amp;&amp;…&amp;&amp;". CP groups are
/// separated by ';', fields in a group by ','. Times are Beijing time (UTC+8). Problems come back in plain words.
/// </summary>
public static class Hj212Parser
{
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    static ReadOnlySpan<byte> CpStart => "CP=&&"u8;
    static ReadOnlySpan<byte> CpEnd => "&&"u8;
    const string Flags = "NFMSDCTB";

    public static Hj212Packet Parse(string dataSegment) =>
        TryParse(Encoding.ASCII.GetBytes(dataSegment), out var packet, out var problem) ? packet : throw new FormatException(problem);

    public static bool TryParse(in ReadOnlySequence<byte> data, out Hj212Packet packet, out string problem)
    {
        if (data.IsSingleSegment) return TryParse(data.FirstSpan, out packet, out problem);
        return TryParse(data.ToArray(), out packet, out problem);
    }

    public static bool TryParse(ReadOnlySpan<byte> data, out Hj212Packet packet, out string problem)
    {
        packet = null!;
        var cpAt = data.IndexOf(CpStart);
        if (cpAt < 0) return Fail("the data segment has no CP=&&…&& field", out problem);
        var cp = data[(cpAt + CpStart.Length)..];
        if (!cp.EndsWith(CpEnd)) return Fail("CP is not closed with && at the end of the data segment", out problem);
        cp = cp[..^CpEnd.Length];

        string? qn = null, st = null, cn = null, pw = null, mn = null;
        int? flag = null, pnum = null, pno = null;
        var header = data[..cpAt];
        while (!header.IsEmpty)
        {
            var semi = header.IndexOf((byte)';');
            var field = semi < 0 ? header : header[..semi];
            header = semi < 0 ? default : header[(semi + 1)..];
            if (field.IsEmpty) continue;
            var eq = field.IndexOf((byte)'=');
            if (eq <= 0) return Fail($"the header field '{Text(field)}' is not key=value", out problem);
            var key = field[..eq];
            var value = field[(eq + 1)..];
            if (Is(key, "QN")) qn = Text(value);
            else if (Is(key, "ST")) st = Text(value);
            else if (Is(key, "CN")) cn = Text(value);
            else if (Is(key, "PW")) pw = Text(value);
            else if (Is(key, "MN")) mn = Text(value);
            else if (Is(key, "Flag")) { if (!TryInt(value, out var f) || f is < 0 or > 255) return Fail($"Flag '{Text(value)}' is not a number from 0 to 255", out problem); flag = f; }
            else if (Is(key, "PNUM")) { if (!TryInt(value, out var n) || n < 1) return Fail($"PNUM '{Text(value)}' is not a packet count", out problem); pnum = n; }
            else if (Is(key, "PNO")) { if (!TryInt(value, out var n) || n < 1) return Fail($"PNO '{Text(value)}' is not a packet number", out problem); pno = n; }
            // Other header fields are not part of either version; ignoring them costs nothing.
        }

        if (string.IsNullOrEmpty(st)) return Fail("ST (system code) is missing", out problem);
        if (string.IsNullOrEmpty(cn)) return Fail("CN (command code) is missing", out problem);
        if (pw is null) return Fail("PW (password) is missing", out problem);
        if (string.IsNullOrEmpty(mn)) return Fail("MN (device number) is missing", out problem);
        if (mn.Length > 24) return Fail($"MN '{mn}' is longer than 24 characters", out problem);
        if (qn is not null && (qn.Length is 0 or > 20 || !qn.All(char.IsAsciiDigit)))
            return Fail($"QN '{qn}' is not a request number (digits, yyyyMMddHHmmssfff)", out problem);

        var flagValue = flag ?? 0;
        var version = flagValue >> 2;
        if (version > 1)
            return Fail($"unknown protocol version {version} in Flag={flagValue}: only HJ/T 212-2005 (0) and HJ 212-2017 (1) are accepted", out problem);
        var split = (flagValue & Hj212Packet.SplitBit) != 0;
        if (split && (pnum is null || pno is null))
            return Fail($"Flag={flagValue} says the packet is split, but PNUM and PNO are not both given", out problem);
        if (split && pno > pnum) return Fail($"PNO {pno} is beyond PNUM {pnum}", out problem);

        if (!TryParseCp(cp, out var dataTime, out var pollutants, out var others, out problem)) return false;

        packet = new Hj212Packet(
            qn, st, cn, pw, mn, flagValue, (Hj212Version)version, (flagValue & Hj212Packet.ReplyBit) != 0,
            split ? pnum : null, split ? pno : null, dataTime, pollutants, others);
        problem = "";
        return true;
    }

    static bool TryParseCp(ReadOnlySpan<byte> cp, out DateTimeOffset? dataTime, out IReadOnlyList<Hj212Pollutant> pollutants,
        out IReadOnlyList<KeyValuePair<string, string>> others, out string problem)
    {
        dataTime = null;
        var found = new List<PollutantBuilder>();
        List<KeyValuePair<string, string>>? other = null;
        pollutants = [];
        others = [];
        while (!cp.IsEmpty)
        {
            var sep = cp.IndexOfAny((byte)';', (byte)',');
            var field = sep < 0 ? cp : cp[..sep];
            cp = sep < 0 ? default : cp[(sep + 1)..];
            if (field.IsEmpty) continue;
            var eq = field.IndexOf((byte)'=');
            if (eq <= 0) return Fail($"the CP field '{Text(field)}' is not key=value", out problem);
            var key = field[..eq];
            var value = field[(eq + 1)..];
            var dash = key.LastIndexOf((byte)'-');
            if (dash <= 0)
            {
                if (Is(key, "DataTime"))
                {
                    if (!TryTime(value, out var t)) return Fail($"DataTime '{Text(value)}' is not a time as yyyyMMddHHmmss", out problem);
                    dataTime = t;
                }
                else (other ??= []).Add(new(Text(key), Text(value)));
                continue;
            }
            var code = key[..dash];
            var suffix = key[(dash + 1)..];
            var p = Find(found, code);
            if (!p.Set(suffix, value, out problem)) return false;
        }
        if (found.Count > 0) pollutants = found.ConvertAll(b => b.Build());
        if (other is not null) others = other;
        problem = "";
        return true;
    }

    static PollutantBuilder Find(List<PollutantBuilder> found, ReadOnlySpan<byte> code)
    {
        foreach (var b in found)
            if (code.SequenceEqual(b.CodeBytes)) return b;
        var added = new PollutantBuilder(code.ToArray());
        found.Add(added);
        return added;
    }

    sealed class PollutantBuilder(byte[] code)
    {
        public byte[] CodeBytes => code;
        double? rtd, avg, min, max, cou, zsRtd, zsAvg, zsMin, zsMax;
        char flag = 'N';
        int? rs;

        public bool Set(ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> value, out string problem)
        {
            problem = "";
            if (Is(suffix, "Flag"))
            {
                if (value.Length != 1 || Flags.IndexOf((char)value[0]) < 0)
                    return Fail($"{Name(suffix)} is '{Text(value)}'; a data flag is one of N, F, M, S, D, C, T, B", out problem);
                flag = (char)value[0];
                return true;
            }
            if (Is(suffix, "RS"))
            {
                if (!TryInt(value, out var status)) return Fail($"{Name(suffix)} is '{Text(value)}', not a status number", out problem);
                rs = status;
                return true;
            }
            ref var target = ref Slot(suffix);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref target)) return true; // SampleTime, EFlag, Info …: not used here
            if (value.IsEmpty) return true; // some loggers send "w01018-Rtd=" when they have no value
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                return Fail($"{Name(suffix)} is '{Text(value)}', not a number", out problem);
            target = number;
            return true;
        }

        ref double? Slot(ReadOnlySpan<byte> suffix)
        {
            if (Is(suffix, "Rtd")) return ref rtd;
            if (Is(suffix, "Avg")) return ref avg;
            if (Is(suffix, "Min")) return ref min;
            if (Is(suffix, "Max")) return ref max;
            if (Is(suffix, "Cou")) return ref cou;
            if (Is(suffix, "ZsRtd")) return ref zsRtd;
            if (Is(suffix, "ZsAvg")) return ref zsAvg;
            if (Is(suffix, "ZsMin")) return ref zsMin;
            if (Is(suffix, "ZsMax")) return ref zsMax;
            return ref System.Runtime.CompilerServices.Unsafe.NullRef<double?>();
        }

        string Name(ReadOnlySpan<byte> suffix) => $"{Text(code)}-{Text(suffix)}";

        public Hj212Pollutant Build() =>
            new(Hj212Pollutants.Intern(code), rtd, avg, min, max, cou, zsRtd, zsAvg, zsMin, zsMax, flag, rs);
    }

    static bool TryTime(ReadOnlySpan<byte> s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length != 14) return false;
        foreach (var c in s) if (c is < (byte)'0' or > (byte)'9') return false;
        int year = Digits(s[..4]), month = Digits(s[4..6]), day = Digits(s[6..8]), hour = Digits(s[8..10]), minute = Digits(s[10..12]), second = Digits(s[12..14]);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 1 : year, month) || hour > 23 || minute > 59 || second > 59 || year == 0)
            return false;
        if (Ingest.LocalTimes.At(new DateTime(year, month, day, hour, minute, second), Beijing) is not { } t) return false;
        time = t;
        return true;
    }

    static int Digits(ReadOnlySpan<byte> s)
    {
        var v = 0;
        foreach (var c in s) v = v * 10 + (c - '0');
        return v;
    }

    static bool TryInt(ReadOnlySpan<byte> s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    static bool Is(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != name.Length) return false;
        for (var i = 0; i < key.Length; i++)
            if ((key[i] | 0x20) != (name[i] | 0x20)) return false;
        return true;
    }

    static string Text(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);

    static bool Fail(string reason, out string problem)
    {
        problem = reason;
        return false;
    }
}
