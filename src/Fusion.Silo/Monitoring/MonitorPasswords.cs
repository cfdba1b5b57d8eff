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
/// the reason; no data reply) and is counted. A password checked once is remembered by a fast hash (and so is the last
/// wrong one a monitor's frames carried), so a logger's stream of frames costs one PBKDF2 derivation, not one per frame.
/// </summary>
/// <remarks>
/// A derivation costs about 0.2 CPU-seconds at 600,000 iterations. They run off the frame path, at most
/// Fusion:Hj212:PasswordChecksAtOnce at a time: a logger's frames wait for its own first check only, while the
/// frames of loggers already checked go on being stored and answered, and the derivations never take every core (a
/// host restart where thousands of loggers reconnect at once works through their first checks in turn). One check
/// per monitor and password is made however many connections or frames ask for it at once.
/// </remarks>
public sealed class MonitorPasswords(IDocumentStore store, MasterDataCache masterData, FusionMetrics metrics, Hj212Options options, Security.AuditTrail audit)
{
    readonly ConcurrentDictionary<string, string> hashes = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, byte[]> verified = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, byte[]> refused = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Lazy<Task<bool>>> checking = new(StringComparer.Ordinal);
    readonly SemaphoreSlim derivations = new(options.DerivationsAtOnce);

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
    /// The derivations take their turn with the frames' checks (PasswordChecksAtOnce), so registering many monitors does
    /// not stall the loggers already sending; each password given is known as checked from then on (its logger's first
    /// frame costs no second derivation).
    /// </summary>
    public async Task SaveAsync(JsonElement document, DateTimeOffset now, CancellationToken ct, bool provisionOnly = false)
    {
        var given = PasswordsIn(document)
            .Where(p => masterData.Current.Monitors.TryGetValue(p.Mn, out var m) && m.SiteId == p.SiteId)
            .DistinctBy(p => p.Mn, StringComparer.Ordinal)
            .ToList();
        var changed = new List<(string Mn, string Password)>();
        foreach (var p in given)
        {
            if (!hashes.TryGetValue(p.Mn, out var known)) changed.Add((p.Mn, p.Password));
            else if (!provisionOnly && !await MatchesAsync(p.Mn, known, p.Password, ct)) changed.Add((p.Mn, p.Password));
        }
        if (changed.Count == 0) return;
        var credentials = await Task.WhenAll(changed.Select(async p => new MonitorCredential(p.Mn, await DeriveAsync(() => Hash(p.Password, options.PasswordIterations), ct), now)));
        await using var session = store.LightweightSession();
        session.Store<MonitorCredential>(credentials);
        // The other silos of a cluster learn the new passwords at this commit (MasterDataFollower).
        session.QueueSqlCommand($"SELECT pg_notify('{MasterData.MasterDataCache.Channel}', '')");
        await session.SaveChangesAsync(ct);
        foreach (var (c, p) in credentials.Zip(changed))
        {
            hashes[c.Id] = c.Hash;
            refused.TryRemove(c.Id, out _);
            verified[c.Id] = Fast(p.Password);
        }
    }

    /// <summary>
    /// The frame as given when its PW is its monitor's, else the same frame refused with the reason, and recorded in the
    /// audit (the MN, the reason and where it came from; a logger repeating one refusal once a minute). Completes at once
    /// for a PW known (right or wrong); a PW not seen before waits for its derivation, and only that caller waits.
    /// </summary>
    public async ValueTask<Hj212Received> AdmitAsync(Hj212Received frame, string? from = null, CancellationToken ct = default)
    {
        if (frame.Packet is not { } packet) return frame;
        string? problem = null;
        if (!hashes.TryGetValue(packet.MN, out var hash))
            problem = masterData.Current.Monitors.ContainsKey(packet.MN)
                ? $"monitor {packet.MN} has no access password in master data; its frames are refused until one is registered (accessPassword)"
                : null; // an unknown MN is refused by translation, with its own reason
        else if (!(Known(packet.MN, packet.PW) ?? await CheckAsync(packet.MN, packet.PW, hash, ct)))
            problem = string.IsNullOrEmpty(packet.PW) ? $"PW is missing for monitor {packet.MN}" : $"PW is not monitor {packet.MN}'s access password";
        if (problem is null) return frame;
        metrics.Hj212FrameRefused();
        if (audit.FirstWithin($"hj212 {packet.MN} {from} {problem}", TimeSpan.FromMinutes(1)))
            audit.Note(new Security.AuditRecord(Guid.CreateVersion7(), $"data logger {packet.MN}", [], "HJ212", from is null ? "/api/ingest/hj212" : "tcp",
                $"mn={packet.MN}", null, null, from, audit.Now, StatusCodes.Status403Forbidden, problem));
        return frame with { Packet = null, Problem = problem };
    }

    /// <summary>Every frame admitted or refused (an HTTP upload); frames in order, one derivation per new PW.</summary>
    public async Task<List<Hj212Received>> AdmitAllAsync(IReadOnlyList<Hj212Received> frames, CancellationToken ct)
    {
        var admitted = new List<Hj212Received>(frames.Count);
        foreach (var f in frames) admitted.Add(await AdmitAsync(f, ct: ct));
        return admitted;
    }

    /// <summary>True or false when this PW was checked for this monitor before (the last right and the last wrong one); null when it needs a derivation.</summary>
    bool? Known(string mn, string pw)
    {
        var fast = Fast(pw);
        if (verified.TryGetValue(mn, out var right) && CryptographicOperations.FixedTimeEquals(right, fast)) return true;
        if (refused.TryGetValue(mn, out var wrong) && CryptographicOperations.FixedTimeEquals(wrong, fast)) return false;
        return null;
    }

    /// <summary>One derivation per monitor and PW however many ask at once; the outcome is remembered for the next frames.</summary>
    async Task<bool> CheckAsync(string mn, string pw, string hash, CancellationToken ct)
    {
        var fast = Fast(pw);
        var key = $"{mn}\n{Convert.ToHexString(fast)}\n{hash}";
        var check = checking.GetOrAdd(key, k => new Lazy<Task<bool>>(async () =>
        {
            try
            {
                var ok = await DeriveAsync(() => Matches(hash, pw), CancellationToken.None);
                // Remembered only while the stored hash is still the one checked against (a new password may have come meanwhile).
                if (hashes.TryGetValue(mn, out var current) && current == hash) (ok ? verified : refused)[mn] = fast;
                return ok;
            }
            finally { checking.TryRemove(k, out var _); }
        }));
        return await check.Value.WaitAsync(ct);
    }

    async Task<bool> MatchesAsync(string mn, string stored, string password, CancellationToken ct) =>
        Known(mn, password) ?? await DeriveAsync(() => Matches(stored, password), ct);

    /// <summary>A derivation, in its turn (at most PasswordChecksAtOnce at a time), on a pool thread of its own.</summary>
    async Task<T> DeriveAsync<T>(Func<T> derive, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await derivations.WaitAsync(ct);
        try { return await Task.Run(derive, CancellationToken.None); }
        finally
        {
            derivations.Release();
            metrics.PasswordDerived(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    static byte[] Fast(string pw) => SHA256.HashData(Encoding.UTF8.GetBytes(pw));

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
