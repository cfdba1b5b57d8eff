using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fusion.Domain.PublicReports;

/// <summary>Who reported: what the channel told about them. Never stored as it is, only sealed.</summary>
public sealed record ReporterIdentity(string? Name = null, string? Phone = null, string? Email = null, string? WeChatId = null, string? Contact = null)
{
    public bool IsEmpty => Name is null && Phone is null && Email is null && WeChatId is null && Contact is null;
}

/// <summary>
/// AES-GCM over the identity's JSON with the report id as associated data, so a sealed identity opens only
/// under its own report's key and for its own report. Sealed form: base64 of nonce (12) ‖ tag (16) ‖ ciphertext.
/// </summary>
public static class ReporterSeal
{
    public const int KeyBytes = 32;
    const int NonceBytes = 12, TagBytes = 16;

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    public static string Seal(ReporterIdentity identity, byte[] key, string reportId)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(identity);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(reportId));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>Throws CryptographicException when the key or the report is not the one it was sealed with.</summary>
    public static ReporterIdentity Open(string sealedReporter, byte[] key, string reportId)
    {
        var sealedBytes = Convert.FromBase64String(sealedReporter);
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(reportId));
        return JsonSerializer.Deserialize<ReporterIdentity>(plain)!;
    }

    /// <summary>A receipt code: 60 random bits in Crockford's base32, grouped for reading aloud (7K3M-9QPA-2DXW).</summary>
    public static string NewReceipt()
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var bytes = RandomNumberGenerator.GetBytes(8);
        var value = BitConverter.ToUInt64(bytes);
        var chars = new char[14];
        for (int i = 0, n = 0; i < 14; i++)
        {
            if (i is 4 or 9) { chars[i] = '-'; continue; }
            chars[i] = alphabet[(int)(value >> (5 * n++) & 31)];
        }
        return new string(chars);
    }
}

/// <summary>
/// Contacts written into a report's free text — mobile and landline numbers, e-mail addresses, WeChat ids after
/// 微信/WeChat/wx — replaced by a placeholder in what is stored.
/// </summary>
public static partial class ContactMasking
{
    public const string Phone = "[电话已隐去]", Email = "[邮箱已隐去]", WeChat = "[微信号已隐去]";

    public static string Mask(string text)
    {
        var masked = EmailPattern().Replace(text, Email);
        masked = WeChatPattern().Replace(masked, m => m.Groups["label"].Value + WeChat);
        masked = MobilePattern().Replace(masked, Phone);
        return LandlinePattern().Replace(masked, Phone);
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(?<label>(?:微信号?|(?<![A-Za-z])(?:WeChat(?:\s*ID)?|wx(?:id)?))\s*[:：]?\s*)(?<id>[A-Za-z][A-Za-z0-9_\-]{5,19})", RegexOptions.IgnoreCase)]
    private static partial Regex WeChatPattern();

    // Mainland mobiles (1[3-9] and nine digits), with an optional +86/0086 and spaces or dashes between groups.
    [GeneratedRegex(@"(?<!\d)(?:(?:\+|00)86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d){8}(?!\d)")]
    private static partial Regex MobilePattern();

    // Landlines: an area code 0xx or 0xxx, then 7 or 8 digits (Golmud 0979-8412345, Xining 0971 6123456).
    [GeneratedRegex(@"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[\s\-]?\d{7,8}(?!\d)")]
    private static partial Regex LandlinePattern();
}
