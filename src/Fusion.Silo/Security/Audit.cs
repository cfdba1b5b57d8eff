using System.Security.Cryptography;
using Fusion.Silo.Hosting;
using Marten;

namespace Fusion.Silo.Security;

/// <summary>
/// One audited act through the API: who (the token's name), with which roles, when, what (method and route, the
/// ids in the route, a sensitive read's kind) and from where. Never the content: no bodies, no answers, no
/// identities read; analytics SQL only as the SHA-256 of the request body, so a reviewer holding a text can match it.
/// Kept as documents (written once, and a command's once more with its outcome; never edited otherwise), apart from the event store, so no consumer of the events
/// (risk, analytics, boards) carries who looked at what.
/// Refusals (401, 403, 429, a data logger's wrong PW) and ingest batches carry their Status and Outcome (the reason, or the
/// batch's counts), recorded as they end; a command or sensitive read, recorded before it runs, is completed with the status
/// it was answered with once the answer has gone.
/// </summary>
public sealed record AuditRecord(
    Guid Id, string Who, string[] Roles, string Method, string Route, string Target, string? Read, string? BodySha256, string? From, DateTimeOffset At,
    int? Status = null, string? Outcome = null);

/// <summary>Marks a read as sensitive (it is audited like a command); HashBody records the SHA-256 of the request body.</summary>
public sealed record SensitiveRead(string What, bool HashBody = false);

public static class Audit
{
    public static TBuilder Sensitive<TBuilder>(this TBuilder builder, string what, bool hashBody = false) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SensitiveRead(what, hashBody));

    /// <summary>
    /// Records every command (any method but GET and HEAD; the data feeds under /api/ingest excepted, whose records carry
    /// their own source) and every sensitive read, once authorized and before it runs: an act that cannot be recorded does not happen.
    /// </summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint() is RouteEndpoint endpoint && endpoint.Metadata.GetMetadata<SensitiveRead>() is var read && (read is not null || IsCommand(http)))
        {
            var bodyHash = read?.HashBody == true ? await BodyHashAsync(http.Request, http.RequestAborted) : null;
            var record = RecordOf(http, Who(http), read?.What) with { BodySha256 = bodyHash };
            await using (var session = http.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession())
            {
                session.Insert(record);
                await session.SaveChangesAsync(http.RequestAborted);
            }
            // Its outcome once answered (whatever answered it: the endpoint, a refusal, the problem-details handler), off the request path.
            var trail = http.RequestServices.GetRequiredService<AuditTrail>();
            http.Response.OnCompleted(() =>
            {
                trail.Note(record with { Status = http.Response.StatusCode });
                return Task.CompletedTask;
            });
        }
        else if (IsIngest(http))
        {
            // Which connector sent which batch: its counts once stored (IngestAnswer), never its content.
            var tally = IngestTally.Begin();
            await next(http);
            var key = http.User.FindFirst("key_id")?.Value;
            http.RequestServices.GetRequiredService<AuditTrail>().Note(RecordOf(http, Who(http), null) with
            {
                Target = $"feed={FeedRequirement.FeedOf(http)}{(key is null ? "" : $"; key={key}")}",
                Status = http.Response.StatusCode,
                Outcome = tally.Describe(http.Request.ContentLength),
            });
            return;
        }
        await next(http);
    });

    /// <summary>
    /// A refused request (401, 403, 429) as it is answered: who tried (as far as anyone can tell), what and why. Queued, not
    /// awaited, so a flood of refusals costs the store batched inserts only.
    /// </summary>
    public static void NoteRefusal(this HttpContext http, int status, string why)
    {
        var who = http.User.Identity is { IsAuthenticated: true } ? Who(http)
            : http.Request.Headers.TryGetValue(ConnectorKeys.Header, out var key) ? $"unverified key {ConnectorKeys.IdOf(key.ToString())}"
            : http.Request.Headers.Authorization.Count > 0 ? "anonymous (token refused)" : "anonymous";
        http.RequestServices.GetRequiredService<AuditTrail>().Note(RecordOf(http, who, null) with { Status = status, Outcome = why });
    }

    static string Who(HttpContext http) => http.User.Identity?.Name ?? "anonymous";

    static AuditRecord RecordOf(HttpContext http, string who, string? read)
    {
        var endpoint = http.GetEndpoint() as RouteEndpoint;
        return new AuditRecord(
            Guid.CreateVersion7(), who, Security.Roles.All.Where(http.User.IsInRole).ToArray(), http.Request.Method,
            endpoint is null ? http.Request.Path.ToString() : "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/'),
            endpoint is null ? "" : string.Join("; ", http.Request.RouteValues.Where(v => endpoint.RoutePattern.Parameters.Any(p => p.Name == v.Key)).Select(v => $"{v.Key}={v.Value}")),
            read, null, http.Connection.RemoteIpAddress?.ToString(), http.RequestServices.GetRequiredService<PlatformClock>().Now);
    }

    /// <summary>Bodies beyond this are not hashed (the endpoint's own limit refuses them).</summary>
    const int MaxHashedBody = 1024 * 1024;

    static async Task<string?> BodyHashAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0 && (total += n) <= MaxHashedBody) hash.AppendData(chunk, 0, n);
        request.Body.Position = 0;
        return total > MaxHashedBody ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static bool IsIngest(HttpContext http) => HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/api/ingest");

    static bool IsCommand(HttpContext http) =>
        !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
        && !http.Request.Path.StartsWithSegments("/api/ingest");
}

/// <summary>
/// The ingest outcomes of the request being served (several for a long HJ 212 log), gathered where the answer is made
/// (IngestAnswer) for the audit record written when the request ends.
/// </summary>
public sealed class IngestTally
{
    static readonly AsyncLocal<IngestTally?> current = new();
    int batches, accepted, duplicates, rejected;

    public static IngestTally Begin() => current.Value = new IngestTally();

    /// <summary>Counts a stored batch towards the request's record; outside an audited request it does nothing.</summary>
    public static void Add(int accepted, int duplicates, int rejected)
    {
        if (current.Value is not { } tally) return;
        lock (tally)
        {
            tally.batches++;
            tally.accepted += accepted;
            tally.duplicates += duplicates;
            tally.rejected += rejected;
        }
    }

    public string Describe(long? bytes)
    {
        lock (this)
            return (batches == 0 ? "nothing stored" : $"{accepted} accepted, {duplicates} duplicates, {rejected} rejected")
                   + (bytes is { } n ? $"; {n:N0} bytes" : "");
    }
}

/// <summary>
/// Audit records written off the request path (refusals, ingest batches, data loggers' refused frames): queued, bounded,
/// inserted in batches. One that cannot be queued (the queue is full under a flood) is counted and logged, not waited for.
/// </summary>
public sealed class AuditTrail(IDocumentStore store, PlatformClock clock, ILogger<AuditTrail> log) : BackgroundService
{
    readonly System.Threading.Channels.Channel<AuditRecord> queue =
        System.Threading.Channels.Channel.CreateBounded<AuditRecord>(new System.Threading.Channels.BoundedChannelOptions(10_000) { SingleReader = true });
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> lastOf = new(StringComparer.Ordinal);
    long dropped;

    public DateTimeOffset Now => clock.Now;

    public void Note(AuditRecord record)
    {
        if (!queue.Writer.TryWrite(record) && Interlocked.Increment(ref dropped) % 1000 == 1)
            log.LogWarning("The audit queue is full: {Dropped} refusal and ingest records dropped so far", Interlocked.Read(ref dropped));
    }

    /// <summary>True the first time a key is seen within the period: repeats of one refusal (a client hammering a route) are recorded once a period.</summary>
    public bool FirstWithin(string key, TimeSpan period)
    {
        var now = clock.Now;
        if (lastOf.Count > 10_000) lastOf.Clear();
        if (lastOf.TryGetValue(key, out var last) && now - last < period) return false;
        lastOf[key] = now; // two racing first refusals may both be recorded: harmless
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var batch = new List<AuditRecord>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stop))
            {
                batch.Clear();
                while (batch.Count < 500 && queue.Reader.TryRead(out var record)) batch.Add(record);
                try
                {
                    await using var session = store.LightweightSession();
                    // Stored, not inserted: a command's record comes back here once more, completed with its outcome.
                    session.Store(batch.ToArray());
                    await session.SaveChangesAsync(stop);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    log.LogWarning(e, "{Count} audit records of refusals and ingest could not be written", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }
}
