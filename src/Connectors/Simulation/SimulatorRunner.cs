using Fusion.Connectors.Aerial;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fusion.Connectors.MasterData;

namespace Fusion.Connectors.Simulation;

/// <summary>One record the platform rejected, as its ingest response reports it.</summary>
public sealed record IngestRejection(int Index, string? RecordId, string Reason);

/// <summary>What the platform said about one posted batch.</summary>
public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<IngestRejection> Rejected, int StatusCode);

/// <summary>Running totals of a simulator run.</summary>
public sealed record IngestTotals(long Batches, long Accepted, long Duplicates, long Rejected, long FailedBatches);

public sealed record SimulatorRunnerOptions
{
    public int Seed { get; init; } = HaixiSeed.DefaultSeed;

    /// <summary>How much history to play before going live; the simulation starts at local midnight that long ago.</summary>
    public TimeSpan Backfill { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Backfill records are gathered per feed over this much simulated time …</summary>
    public TimeSpan BackfillWindow { get; init; } = TimeSpan.FromDays(2);

    /// <summary>… into requests of at most this many records.</summary>
    public int MaxBatchSize { get; init; } = 300;

    /// <summary>How often the live loop posts whatever fell due since the last time.</summary>
    public TimeSpan LiveInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Attempts for a batch answered with 5xx, 408 or 429. Connection failures and timeouts are retried
    /// until cancelled: the platform is restarting, the batch is still good.
    /// </summary>
    public int MaxAttemptsOnServerError { get; init; } = 8;

    public SimulationRates? Rates { get; init; }

    /// <summary>
    /// Rates for the live phase only (null: the same as the backfill's). The background follows office hours and
    /// is sparse at night; the demo plays it faster live, so a newcomer sees new signals within a minute at any hour.
    /// </summary>
    public SimulationRates? LiveRates { get; init; }
}

/// <summary>
/// Plays the simulator through the platform's real HTTP ingest endpoints: a history backfill, then
/// live events until cancelled. Tolerates 400s (logged; the rest of the batch was taken) and retries
/// transient failures with exponential backoff. Logs a one-line summary per minute.
/// Time comes from the TimeProvider; the only I/O is the HttpClient and the log.
/// </summary>
public sealed class SimulatorRunner(HttpClient http, Uri baseUrl, TimeProvider time, Action<string>? log = null, SimulatorRunnerOptions? options = null)
{
    /// <summary>Web defaults (camelCase), nulls left out.</summary>
    public static readonly JsonSerializerOptions WireOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    readonly SimulatorRunnerOptions options = options ?? new SimulatorRunnerOptions();
    readonly Action<string> log = log ?? (_ => { });
    readonly string root = baseUrl.ToString().TrimEnd('/');
    IngestTotals totals = new(0, 0, 0, 0, 0);
    IngestTotals summarised = new(0, 0, 0, 0, 0);
    DateTimeOffset? lastSummaryAt;

    public IngestTotals Totals => totals;

    /// <summary>Backfills Options.Backfill of history, then posts live events every LiveInterval until cancelled.</summary>
    public async Task RunAsync(MasterDataDocument masterData, CancellationToken cancellationToken)
    {
        var now = Now();
        var startDay = (now - options.Backfill).Date;
        var simulator = new HaixiSimulator(masterData, new DateTimeOffset(startDay, HaixiSimulator.ChinaOffset), options.Seed, options.Rates);
        lastSummaryAt = now;
        try
        {
            log($"simulator: seed {options.Seed}, {masterData.Enterprises?.Count ?? 0} enterprises, backfilling {simulator.Start:yyyy-MM-dd HH:mm} to {now:yyyy-MM-dd HH:mm} then live every {options.LiveInterval.TotalSeconds:0.#} s to {root}");
            LogStories(simulator.Stories);
            await BackfillAsync(simulator, simulator.Start, now, cancellationToken);
            log($"simulator: backfill done; {Describe(totals)}");
            var last = now;
            var live = options.LiveRates is { } rates ? new HaixiSimulator(masterData, simulator.Start, options.Seed, rates) : simulator;
            while (true)
            {
                await Task.Delay(options.LiveInterval, time, cancellationToken);
                var until = Now();
                foreach (var batch in live.Between(last, until))
                    await PostAsync(batch.Feed, batch.Records, cancellationToken);
                last = until;
                Summarise();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log($"simulator: stopped; {Describe(totals)}");
        }
    }

    /// <summary>Posts every record of [from, until), gathered into requests of at most MaxBatchSize records.</summary>
    public async Task BackfillAsync(HaixiSimulator simulator, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lastSummaryAt ??= Now();
        foreach (var batch in Regroup(simulator.Between(from, until), options.BackfillWindow, options.MaxBatchSize))
        {
            await PostAsync(batch.Feed, batch.Records, cancellationToken);
            Summarise();
        }
    }

    /// <summary>POST {baseUrl}/api/master-data: for a remote platform that did not load the seed itself.</summary>
    public Task<IngestResult?> PostMasterDataAsync(MasterDataDocument document, CancellationToken cancellationToken = default) =>
        SendAsync("master-data", "/api/master-data", JsonSerializer.SerializeToUtf8Bytes(document, WireOptions), cancellationToken);

    /// <summary>POST {baseUrl}/api/ingest/{feed} with the records as a JSON array. Null when the batch had to be given up.</summary>
    public Task<IngestResult?> PostAsync(string feed, IReadOnlyList<object> records, CancellationToken cancellationToken = default) =>
        feed == SimulationFeeds.AerialFindings && records.Count > 0 && records.All(r => r is AerialFindingRecord)
            ? SendAsync(feed, $"/api/ingest/{feed}", Mission(records.Cast<AerialFindingRecord>()), cancellationToken, AerialGeoJson.MediaType)
            : SendAsync(feed, $"/api/ingest/{feed}", JsonSerializer.SerializeToUtf8Bytes(records, WireOptions), cancellationToken);

    /// <summary>Aerial findings as the patrols' tools export them: an RFC 7946 FeatureCollection, each finding a Point or its outline.</summary>
    static byte[] Mission(IEnumerable<AerialFindingRecord> findings) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "FeatureCollection",
        features = findings.Select(f => new
        {
            type = "Feature", id = f.FindingId,
            geometry = f.Geometry ?? JsonSerializer.SerializeToElement(new { type = "Point", coordinates = new[] { f.Longitude ?? 0, f.Latitude ?? 0 } }),
            properties = new
            {
                f.Platform, f.FindingType, f.Severity, f.ObservedAt, f.EnterpriseId, f.SiteId, f.Description, f.ImageUrl, f.MissionId, f.Confidence,
            },
        }),
    }, WireOptions);

    /// <summary>
    /// Gathers consecutive batches per feed over windows of simulated time and splits them at maxSize,
    /// window by window, feeds in a fixed order, records in time order.
    /// </summary>
    public static IEnumerable<SimulatedBatch> Regroup(IEnumerable<SimulatedBatch> batches, TimeSpan window, int maxSize)
    {
        if (maxSize < 1) throw new ArgumentOutOfRangeException(nameof(maxSize), "a batch holds at least one record");
        var pending = new Dictionary<string, List<(DateTimeOffset At, object Record)>>();
        DateTimeOffset? windowEnd = null;
        foreach (var batch in batches)
        {
            windowEnd ??= batch.At + window;
            if (batch.At >= windowEnd)
            {
                foreach (var b in Flush(pending, maxSize)) yield return b;
                while (batch.At >= windowEnd) windowEnd += window;
            }
            if (!pending.TryGetValue(batch.Feed, out var list)) pending[batch.Feed] = list = [];
            list.AddRange(batch.Records.Select(r => (batch.At, r)));
        }
        foreach (var b in Flush(pending, maxSize)) yield return b;
    }

    static IEnumerable<SimulatedBatch> Flush(Dictionary<string, List<(DateTimeOffset At, object Record)>> pending, int maxSize)
    {
        var feeds = SimulationFeeds.All.Where(pending.ContainsKey).Concat(pending.Keys.Except(SimulationFeeds.All).Order(StringComparer.Ordinal)).ToList();
        foreach (var feed in feeds)
            foreach (var chunk in pending[feed].Chunk(maxSize))
                yield return new SimulatedBatch(feed, chunk[^1].At, chunk.Select(c => c.Record).ToList());
        pending.Clear();
    }

    async Task<IngestResult?> SendAsync(string what, string path, byte[] body, CancellationToken cancellationToken, string mediaType = "application/json")
    {
        var delay = options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string problem;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
                using var response = await http.PostAsync(root + path, content, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest)
                {
                    var result = Read(text, status, out var detail);
                    Count(result);
                    if (status == 400) LogRejected(what, result, detail);
                    return result;
                }
                problem = $"HTTP {status} {Shorten(text)}";
                var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
                if (!transient || attempt >= options.MaxAttemptsOnServerError)
                {
                    totals = totals with { FailedBatches = totals.FailedBatches + 1 };
                    log($"simulator: {what}: gave up a batch after {attempt} attempt(s): {problem}");
                    return null;
                }
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"timed out ({e.Message})";
            }
            log($"simulator: {what}: attempt {attempt} failed ({problem}); retrying in {delay.TotalSeconds:0.#} s");
            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, delay.Ticks * 2));
        }
    }

    /// <summary>{ accepted, duplicates, rejected: [{ index, recordId, reason }] }, as a 200 body or in a 400 problem details.</summary>
    static IngestResult Read(string text, int status, out string? detail)
    {
        detail = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            detail = Property(root, "detail")?.GetString() ?? Property(root, "title")?.GetString();
            var rejected = new List<IngestRejection>();
            if (Property(root, "rejected") is { ValueKind: JsonValueKind.Array } list)
                foreach (var r in list.EnumerateArray())
                    rejected.Add(new IngestRejection(
                        Property(r, "index") is { ValueKind: JsonValueKind.Number } i ? i.GetInt32() : -1,
                        Property(r, "recordId") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null,
                        Property(r, "reason") is { ValueKind: JsonValueKind.String } reason ? reason.GetString()! : "(no reason given)"));
            return new IngestResult(Int(root, "accepted"), Int(root, "duplicates"), rejected, status);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            detail = $"unreadable response: {Shorten(text)}";
            return new IngestResult(0, 0, [], status);
        }
    }

    static int Int(JsonElement e, string name) => Property(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var n) ? n : 0;

    static JsonElement? Property(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in e.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    void Count(IngestResult r) =>
        totals = totals with
        {
            Batches = totals.Batches + 1, Accepted = totals.Accepted + r.Accepted, Duplicates = totals.Duplicates + r.Duplicates, Rejected = totals.Rejected + r.Rejected.Count,
        };

    void LogRejected(string what, IngestResult r, string? detail)
    {
        var first = string.Join("; ", r.Rejected.Take(3).Select(x => $"#{x.Index} {x.RecordId}: {x.Reason}"));
        log($"simulator: {what}: 400, {r.Accepted} accepted, {r.Duplicates} duplicates, {r.Rejected.Count} rejected" +
            (first.Length > 0 ? $" ({first}{(r.Rejected.Count > 3 ? "; …" : "")})" : detail is null ? "" : $" ({detail})"));
    }

    void Summarise()
    {
        var now = Now();
        lastSummaryAt ??= now;
        if (now - lastSummaryAt < options.SummaryInterval) return;
        var minute = new IngestTotals(totals.Batches - summarised.Batches, totals.Accepted - summarised.Accepted, totals.Duplicates - summarised.Duplicates,
            totals.Rejected - summarised.Rejected, totals.FailedBatches - summarised.FailedBatches);
        log($"simulator: last {(now - lastSummaryAt.Value).TotalMinutes:0.#} min: {Describe(minute)}");
        summarised = totals;
        lastSummaryAt = now;
    }

    void LogStories(SimulationStories s)
    {
        if (s.Discharge is { } a) log($"simulator: story (a) camera {a.CameraId} at {a.SiteId} ({a.EnterpriseId}) raises abnormal-discharge alarms from {a.From:yyyy-MM-dd HH:mm}");
        if (s.Dumping is { } b) log($"simulator: story (b) drone finds dumping inside {b.ZoneId} at {b.At:yyyy-MM-dd HH:mm}, traced to {b.SiteId} ({b.EnterpriseId})");
        if (s.Reports is { } c) log($"simulator: story (c) {c.ReportIds.Count} reports about {c.SiteId} ({c.EnterpriseId}) from {c.From:yyyy-MM-dd HH:mm}, inspection {c.InspectionAt:yyyy-MM-dd HH:mm}");
    }

    static string Describe(IngestTotals t) =>
        $"{t.Batches} batches, {t.Accepted} accepted, {t.Duplicates} duplicates, {t.Rejected} rejected, {t.FailedBatches} failed";

    DateTimeOffset Now() => time.GetUtcNow().ToOffset(HaixiSimulator.ChinaOffset);

    static string Shorten(string s) => s.Length <= 200 ? s : s[..197] + "...";
}
