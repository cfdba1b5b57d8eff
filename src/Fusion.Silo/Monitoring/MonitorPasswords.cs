using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fusion.Connectors.Hj212;
using Fusion.Silo.MasterData;
using Fusion.Silo.Telemetry;
using Marten;

namespace Fusion.Silo.Monitoring;

/// <summary>A monitor's HJ 212 access password (PW), kept apart from the events as a salted PBKDF2 hash only.</summary>
public sealed record MonitorCredential(string Id, string Hash, DateTimeOffset SetAt);

/// <summary>
/// Checks each HJ 212 frame's PW against its monitor's access password from master data. A frame with a wrong or
/// missing PW, or from a monitor with no password, is refused: it becomes a rejected frame (quarantined raw, with
/// the reason; no data reply) and is counted. A password checked once is remembered by a fast hash, so a logger's
/// stream of frames costs one PBKDF2 derivation, not one per frame.
/// </summary>
public sealed class MonitorPasswords(IDocumentStore store, MasterDataCache masterData, FusionMetrics metrics, Hj212Options options, Security.AuditTrail audit)
{
    readonly ConcurrentDictionary<string, string> hashes = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, byte[]> verified = new(StringComparer.Ordinal);
    /// <summary>At start-up, before the listener takes frames (MasterDataStartup).</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        foreach (var c in await session.Query<MonitorCredential>().ToListAsync(ct))
            if (!hashes.TryGetValue(c.Id, out var known) || known != c.Hash)
            {
                hashes[c.Id] = c.Hash;
                verified.TryRemove(c.Id, out _);
            }
    }

    /// <summary>
    /// Stores the access passwords a master-data document gives its monitors (enterprises → sites → monitors →
    /// accessPassword), for the monitors registered at that site (a monitor the document could not register keeps its password).
    /// A seed file provisions: a monitor that has a password already keeps it (so a restart does not derive every hash again).
    /// </summary>
    public async Task SaveAsync(JsonElement document, DateTimeOffset now, CancellationToken ct, bool provisionOnly = false)
    {
        var given = PasswordsIn(document)
            .Where(p => masterData.Current.Monitors.TryGetValue(p.Mn, out var m) && m.SiteId == p.SiteId)
            .Where(p => !(hashes.TryGetValue(p.Mn, out var known) && (provisionOnly || Matches(known, p.Password))))
            .ToList();
        if (given.Count == 0) return;
        await using var session = store.LightweightSession();
        // Each derivation is deliberately slow: spread a large document's over the cores.
        var credentials = given.AsParallel().AsOrdered().Select(p => new MonitorCredential(p.Mn, Hash(p.Password, options.PasswordIterations), now)).ToList();
        session.Store<MonitorCredential>(credentials);
        // The other silos of a cluster learn the new passwords at this commit (MasterDataFollower).
        session.QueueSqlCommand($"SELECT pg_notify('{MasterData.MasterDataCache.Channel}', '')");
        await session.SaveChangesAsync(ct);
        foreach (var c in credentials)
        {
            hashes[c.Id] = c.Hash;
            verified.TryRemove(c.Id, out _);
        }
    }

    /// <summary>
    /// The frame as given when its PW is its monitor's, else the same frame refused with the reason, and recorded in the
    /// audit (the MN, the reason and where it came from; a logger repeating one refusal once a minute).
    /// </summary>
    public Hj212Received Admit(Hj212Received frame, string? from = null)
    {
        if (frame.Packet is not { } packet) return frame;
        string? problem = null;
        if (!hashes.TryGetValue(packet.MN, out var hash))
            problem = masterData.Current.Monitors.ContainsKey(packet.MN)
                ? $"monitor {packet.MN} has no access password in master data; its frames are refused until one is registered (accessPassword)"
                : null; // an unknown MN is refused by translation, with its own reason
        else if (!Known(packet.MN, packet.PW, hash))
            problem = string.IsNullOrEmpty(packet.PW) ? $"PW is missing for monitor {packet.MN}" : $"PW is not monitor {packet.MN}'s access password";
        if (problem is null) return frame;
        metrics.Hj212FrameRefused();
        if (audit.FirstWithin($"hj212 {packet.MN} {from} {problem}", TimeSpan.FromMinutes(1)))
            audit.Note(new Security.AuditRecord(Guid.CreateVersion7(), $"data logger {packet.MN}", [], "HJ212", from is null ? "/api/ingest/hj212" : "tcp",
                $"mn={packet.MN}", null, null, from, audit.Now, StatusCodes.Status403Forbidden, problem));
        return frame with { Packet = null, Problem = problem };
    }

    bool Known(string mn, string pw, string hash)
    {
        var fast = SHA256.HashData(Encoding.UTF8.GetBytes(pw));
        if (verified.TryGetValue(mn, out var seen) && CryptographicOperations.FixedTimeEquals(seen, fast)) return true;
        if (!Matches(hash, pw)) return false;
        verified[mn] = fast;
        return true;
    }

    static IEnumerable<(string Mn, string SiteId, string Password)> PasswordsIn(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("enterprises", out var enterprises) || enterprises.ValueKind != JsonValueKind.Array) yield break;
        foreach (var e in enterprises.EnumerateArray())
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("sites", out var sites) && sites.ValueKind == JsonValueKind.Array)
                foreach (var s in sites.EnumerateArray())
                    if (s.ValueKind == JsonValueKind.Object && s.TryGetProperty("siteId", out var siteId) && siteId.ValueKind == JsonValueKind.String
                        && s.TryGetProperty("monitors", out var monitors) && monitors.ValueKind == JsonValueKind.Array)
                        foreach (var m in monitors.EnumerateArray())
                            if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("monitorId", out var mn) && mn.ValueKind == JsonValueKind.String
                                && m.TryGetProperty("accessPassword", out var pw) && pw.ValueKind == JsonValueKind.String && pw.GetString() is { Length: > 0 } password)
                                yield return (mn.GetString()!, siteId.GetString()!, password);
    }

    internal static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Verifies with the count the hash was made with, whatever the setting is today.</summary>
    internal static bool Matches(string stored, string password)
    {
        var parts = stored.Split('$');
        if (parts is not ["pbkdf2-sha256", var iterations, var salt, var hash]) return false;
        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture), HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
