namespace Fusion.Domain.MasterData;

/// <summary>
/// The 18-character unified social credit code of GB 32100-2015: registration authority (1),
/// organisation category (1), administrative division (6 digits), organisation code (9),
/// check character (1). The alphabet has 31 characters: digits and capitals without I, O, S, V, Z.
/// </summary>
public static class CreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Null when the code is valid, otherwise the problem in words a data clerk understands.</summary>
    public static string? Problem(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return "the unified social credit code is missing";
        if (code.Length != 18) return $"the unified social credit code '{code}' has {code.Length} characters, not 18";
        for (var i = 0; i < 18; i++)
            if (Alphabet.IndexOf(code[i]) < 0)
                return $"the unified social credit code '{code}' has '{code[i]}' at position {i + 1}, which is not allowed (capitals only, no I, O, S, V, Z)";
        for (var i = 2; i < 8; i++)
            if (!char.IsAsciiDigit(code[i]))
                return $"the unified social credit code '{code}' must have the 6-digit administrative division code at positions 3–8";
        var expected = CheckCharacter(code.AsSpan(0, 17));
        return code[17] == expected
            ? null
            : $"the unified social credit code '{code}' has check character '{code[17]}' but its first 17 characters give '{expected}'";
    }

    public static bool IsValid(string? code) => Problem(code) is null;

    /// <summary>The check character for the first 17 characters.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("need exactly 17 characters", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i]);
            if (value < 0) throw new ArgumentException($"'{first17[i]}' is not in the credit-code alphabet", nameof(first17));
            sum += value * Weights[i];
        }
        var check = 31 - sum % 31;
        return Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>Completes 17 characters with their check character.</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}
