using System.Security.Cryptography;
using System.Text;

namespace Fusion.Silo.Notifications;

/// <summary>
/// Signing per the Standard Webhooks specification: webhook-id, webhook-timestamp (Unix seconds) and
/// webhook-signature "v1,base64(HMAC-SHA256(key, id.timestamp.body))", the key being the base64 after
/// "whsec_" in the secret, so receivers verify with any Standard Webhooks library.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToUnixTimeSeconds()}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>A new secret in the specification's format (whsec_ and 24 random bytes in base64).</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
