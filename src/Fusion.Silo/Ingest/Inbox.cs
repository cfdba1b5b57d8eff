using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Silo.PublicReports;

namespace Fusion.Silo.Ingest;

/// <summary>Section "Fusion:Inbox": the watched folders, one per feed, under the data folder unless Folder says elsewhere.</summary>
public sealed class InboxOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Default: inbox/ in the data folder (FUSION_DATA).</summary>
    public string? Folder { get; set; }
    /// <summary>How often the folders are looked at; a file is taken once it has not changed between two looks.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// A watched inbox folder per feed (inbox/&lt;feed&gt;/): a dropped file goes through the feed's intake exactly as a POST
/// of its body would, by its extension (.json, .geojson, .csv, .eml). Taken whole, it moves to done/; with any record
/// rejected, or not readable at all, it moves to rejected/ — in both cases with the answer beside it (&lt;name&gt;.answer.json:
/// the counts, each rejected record and its reason, public reports' receipts; written last). A file is moved only after its batch
/// committed, so one left behind by a crash is taken again on restart and, like a file dropped twice, appends nothing
/// twice (records are known by the source's own ids). Public reports are not kept as dropped: done/ and rejected/ hold
/// them as the quarantine does, reporter removed and contacts masked, and the dropped file is deleted.
/// A file being written is passed over until its size and time stop changing; names starting with '.' or ending in
/// .tmp or .part are never taken (write under such a name, then rename).
/// </summary>
public sealed class Inbox(FeedIntake intake, InboxOptions options, BodyLimits limits, IConfiguration config, ILogger<Inbox> log) : BackgroundService
{
    public const string Done = "done", Rejected = "rejected";

    /// <summary>File extension → the Content-Type its body is taken as.</summary>
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".json"] = "application/json", [".geojson"] = AerialGeoJson.MediaType, [".csv"] = "text/csv", [".eml"] = PublicReportIntake.Email,
    };

    public string Root => RootOf(options, config);

    public static string RootOf(InboxOptions options, IConfiguration config) =>
        options.Folder is { Length: > 0 } f ? f : Path.Combine(Security.LocalTokens.DataFolder(config), "inbox");

    readonly Dictionary<string, (long Length, DateTime Written)> seen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        foreach (var feed in Feeds.All.Keys)
            foreach (var sub in new[] { "", Done, Rejected })
                Directory.CreateDirectory(Path.Combine(Root, feed, sub));
        log.LogInformation("Inbox folders under {Root}: one per feed, files move to done/ or rejected/", Root);
        using var timer = new PeriodicTimer(options.PollInterval);
        do
        {
            try { await SweepAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Inbox sweep failed; files stay where they are and are taken on the next sweep");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Takes every settled file of every feed's folder, one at a time.</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        var present = new HashSet<string>();
        foreach (var feed in Feeds.All.Keys)
        {
            var folder = Path.Combine(Root, feed);
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                if (Ignored(Path.GetFileName(file))) continue;
                present.Add(file);
                var info = new FileInfo(file);
                var now = (info.Length, info.LastWriteTimeUtc);
                if (!seen.TryGetValue(file, out var before) || before != now)
                {
                    seen[file] = now;
                    continue;
                }
                await TakeAsync(feed, file, ct);
                seen.Remove(file);
                present.Remove(file);
            }
        }
        foreach (var gone in seen.Keys.Where(k => !present.Contains(k)).ToList()) seen.Remove(gone);
    }

    static bool Ignored(string name) =>
        name.StartsWith('.') || name.StartsWith('~') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase);

    async Task TakeAsync(string feed, string file, CancellationToken ct)
    {
        var name = Path.GetFileName(file);
        var (status, answer, type) = await IngestAsync(feed, file, ct);
        var folder = Path.Combine(Root, feed, status == StatusCodes.Status200OK ? Done : Rejected);
        var publicReports = feed.Equals("public-reports", StringComparison.OrdinalIgnoreCase);
        var kept = Unique(folder, publicReports ? KeptName(name) : name);
        if (publicReports)
        {
            await WriteAsync(kept, PublicReportIntake.Redacted(type, await File.ReadAllBytesAsync(file, ct)), ct);
            File.Delete(file);
        }
        else File.Move(file, kept);
        // The answer last: once it is there, the file has been dealt with.
        await WriteAsync(kept + ".answer.json", answer, ct);
        // A public report's file is named by whoever saved it ("李明 - 渣场扬尘.eml"): it is logged by the name it is kept under.
        log.LogInformation("Inbox {Feed}: {File} taken ({Status}), moved to {Folder}", feed, publicReports ? Path.GetFileName(kept) : name, status, Path.GetFileName(folder));
    }

    /// <summary>
    /// The name a public report's file is kept under in done/ or rejected/: not the dropped name, which may name the reporter
    /// (a mail client saves a message under its sender or subject), but a digest of it — the same dropped name, the same kept name.
    /// </summary>
    public static string KeptName(string dropped) =>
        $"public-report-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(dropped)))[..16]}{Path.GetExtension(dropped).ToLowerInvariant()}.redacted.json";

    /// <summary>The file through the feed's intake: the answer's status, its body as JSON, and the Content-Type the file was taken as.</summary>
    async Task<(int Status, string Answer, string? Type)> IngestAsync(string feed, string file, CancellationToken ct)
    {
        var extension = Path.GetExtension(file);
        if (!Types.TryGetValue(extension, out var type))
            return Answer(IngestEndpoints.UnsupportedMediaType(extension is "" ? "(no extension)" : extension,
                Types.Where(t => HostFeeds.MediaTypes(feed).Contains(t.Value)).Select(t => $"{t.Key} ({t.Value})").ToList()), null);
        var length = new FileInfo(file).Length;
        if (length > limits.Ingest) return Answer(BodyLimits.TooLarge(limits.Ingest, nameof(BodyLimits.Ingest)), type);
        var raw = await File.ReadAllBytesAsync(file, ct);
        // A spreadsheet saved on a Chinese desktop is GB18030 more often than not; a file says nothing of its charset.
        if (type == "text/csv") type += IsUtf8(raw) ? "; charset=utf-8" : "; charset=gb18030";
        return Answer(await intake.IngestAsync(feed, type, raw, ct), type);
    }

    static bool IsUtf8(byte[] raw)
    {
        try { _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The HTTP answer as it would have been sent: its status and its body.</summary>
    static (int, string, string?) Answer(IResult result, string? type) =>
        ((result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK, JsonSerializer.Serialize((result as IValueHttpResult)?.Value, Json), type);

    /// <summary>The name in the folder, or name.2.ext, name.3.ext … when a file of that name is already there.</summary>
    static string Unique(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        for (var n = 2; File.Exists(path) || File.Exists(path + ".answer.json"); n++)
            path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)}.{n}{Path.GetExtension(name)}");
        return path;
    }

    /// <summary>Written under a temporary name and renamed, so a crash never leaves half a file.</summary>
    static async Task WriteAsync(string path, string text, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, new UTF8Encoding(false), ct);
        File.Move(temp, path, overwrite: true);
    }
}
