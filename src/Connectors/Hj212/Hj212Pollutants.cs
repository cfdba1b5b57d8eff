using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;

namespace Fusion.Connectors.Hj212;

public sealed record PollutantInfo(string Code, string Name, string Unit);

/// <summary>
/// Pollutant codes of HJ 212-2017 (appendix B) that Haixi's permits name, with their usual units, and the
/// HJ/T 212-2005 codes older loggers still send, mapped to the 2017 code so that limits (kept under 2017
/// codes in master data) and analytics see one code per pollutant.
/// </summary>
public static class Hj212Pollutants
{
    public static readonly FrozenDictionary<string, PollutantInfo> Known = new PollutantInfo[]
    {
        new("w00000", "wastewater flow", "L/s"),
        new("w01001", "pH", "pH"),
        new("w01010", "water temperature", "°C"),
        new("w01018", "COD", "mg/L"),
        new("w21001", "total nitrogen", "mg/L"),
        new("w21003", "ammonia nitrogen", "mg/L"),
        new("w21011", "total phosphorus", "mg/L"),
        new("w22001", "petroleum oils", "mg/L"),
        new("a00000", "flue gas flow", "m³/s"),
        new("a01011", "flue gas velocity", "m/s"),
        new("a01012", "flue gas temperature", "°C"),
        new("a01013", "flue gas pressure", "kPa"),
        new("a01014", "flue gas humidity", "%"),
        new("a19001", "oxygen", "%"),
        new("a21002", "NOx", "mg/m³"),
        new("a21005", "CO", "mg/m³"),
        new("a21026", "SO2", "mg/m³"),
        new("a24088", "non-methane hydrocarbons", "mg/m³"),
        new("a34013", "smoke dust", "mg/m³"),
    }.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);

    /// <summary>HJ/T 212-2005 code → HJ 212-2017 code.</summary>
    public static readonly FrozenDictionary<string, string> Legacy = new Dictionary<string, string>
    {
        ["B01"] = "w00000", ["001"] = "w01001", ["011"] = "w01018", ["060"] = "w21003", ["101"] = "w21011",
        ["B02"] = "a00000", ["01"] = "a34013", ["02"] = "a21026", ["03"] = "a21002",
        ["S01"] = "a19001", ["S02"] = "a01011", ["S03"] = "a01012",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The 2017 code for a code as sent (2005 codes mapped, others unchanged).</summary>
    public static string Normalize(string code) => Legacy.TryGetValue(code, out var modern) ? modern : code;

    public static PollutantInfo Describe(string code) =>
        Known.TryGetValue(code, out var info) ? info : new PollutantInfo(code, code, "");

    // Every frame repeats the same few codes; sharing their strings keeps parsing from allocating them anew.
    static readonly ConcurrentDictionary<string, string> Interned = new(StringComparer.Ordinal);

    internal static string Intern(ReadOnlySpan<byte> code)
    {
        if (code.Length > 16) return Encoding.ASCII.GetString(code);
        Span<char> chars = stackalloc char[code.Length];
        for (var i = 0; i < code.Length; i++) chars[i] = (char)code[i];
        if (Interned.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var s)) return s;
        s = new string(chars);
        if (Interned.Count < 4096) Interned.TryAdd(s, s);
        return s;
    }
}
