using System.Collections.Immutable;
using System.Text.Json;
using Fusion.Domain.Warnings;
using Fusion.Projections.Formats;
using Fusion.Projections.Queries;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Marten;
using Orleans.Concurrency;

namespace Fusion.Silo.Warnings;

/// <summary>How an analytical rule's run ended.</summary>
public static class AnalyticalOutcome
{
    /// <summary>The query answered; its rows were judged.</summary>
    public const string Completed = "completed";
    /// <summary>Cut short at the analytics time limit: nothing was judged, the rule's warnings stay as they were.</summary>
    public const string TimeLimitExceeded = "time-limit-exceeded";
    /// <summary>The query or its rows were refused (the error says why): nothing was judged.</summary>
    public const string Failed = "failed";
}

/// <summary>When an analytical rule last ran, and how (rows, or why it was cut short), so a restart neither skips nor repeats a run.</summary>
public sealed class AnalyticalRunDocument
{
    public string Id { get; set; } = "";
    public DateTimeOffset LastRunAt { get; set; }
    public string Outcome { get; set; } = AnalyticalOutcome.Completed;
    public int Rows { get; set; }
    public string? Error { get; set; }
    /// <summary>Wall-clock seconds the run took.</summary>
    public double Seconds { get; set; }
}

/// <summary>
/// Runs the analytical rules whose time has come (each every its `every`), rung by the warning clock: the rule's SQL
/// goes through the same sandbox as POST /api/analytics/sql (one read-only SELECT, external access off, time and
/// row limits), with $now bound to the platform's time; each row (subject_id; enterprise_id, region_id and evidence
/// when given) goes to the grain of its scope, and every scope with an open warning of the rule hears the run too,
/// so a warning whose subject the query no longer returns resolves itself. A run holds the analytics time limit for
/// every query shape (the runner's StartAsync); one cut short at the limit, or failing, judges nothing — an open
/// warning is not resolved by a run that did not finish — and is recorded with its outcome; the rule runs again at
/// its next turn.
/// </summary>
public sealed class AnalyticalRuns(IServiceProvider services, IDocumentStore store, WarningRulesFile rules, MasterDataCache masterData, IGrainFactory grains,
    PlatformClock clock, ILogger<AnalyticalRuns> log)
{
    public async Task RunDueAsync(CancellationToken ct)
    {
        var analytical = rules.Current.Rules.Rules.OfType<AnalyticalRule>().ToList();
        if (analytical.Count == 0) return;
        var now = clock.Now;
        Dictionary<string, AnalyticalRunDocument> runs;
        await using (var session = store.QuerySession())
            runs = (await session.LoadManyAsync<AnalyticalRunDocument>(ct, analytical.Select(r => r.Id).ToArray())).ToDictionary(r => r.Id);
        foreach (var rule in analytical.Where(r => !runs.TryGetValue(r.Id, out var last) || last.LastRunAt + r.Every <= now))
            await RunAsync(rule, now, ct);
    }

    async Task RunAsync(AnalyticalRule rule, DateTimeOffset now, CancellationToken ct)
    {
        var record = new AnalyticalRunDocument { Id = rule.Id, LastRunAt = now };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var rows = await QueryAsync(rule, now, ct);
            record.Rows = rows.Count;
            var scopes = rows.GroupBy(r => WarningBook.ScopeOf(rule.Subject, r.EnterpriseId, r.RegionId)).ToDictionary(g => g.Key, g => g.ToImmutableArray());
            await using (var session = store.QuerySession())
                foreach (var open in await session.Query<WarningView>().Where(w => w.RuleId == rule.Id && w.Status != "resolved").ToListAsync(ct))
                    scopes.TryAdd(WarningBook.ScopeOf(open.Subject, open.EnterpriseId, open.RegionId), []);
            foreach (var (scope, scoped) in scopes)
                await grains.GetGrain<IWarningGrain>(scope).AnalyzedAsync(rule.Id, scoped.AsImmutable());
        }
        catch (AnalyticsQueryException e) when (e.Problem == QueryProblem.TooLong)
        {
            (record.Outcome, record.Error) = (AnalyticalOutcome.TimeLimitExceeded, e.Message);
            log.LogWarning("Analytical rule '{Rule}' cut short at the time limit; its warnings stay as they were until a run completes: {Error}", rule.Id, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            (record.Outcome, record.Error) = (AnalyticalOutcome.Failed, e.Message);
            log.LogWarning(e, "Analytical rule '{Rule}' failed; it runs again at its next turn: {Error}", rule.Id, e.Message);
        }
        record.Seconds = Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, 3);
        await using var write = store.LightweightSession();
        write.Store(record);
        await write.SaveChangesAsync(ct);
    }

    async Task<IReadOnlyList<AnalyticalRow>> QueryAsync(AnalyticalRule rule, DateTimeOffset now, CancellationToken ct)
    {
        var runner = services.GetRequiredService<AnalyticsQueryRunner>();
        var query = runner.CheckSql(rule.Sql) with { Name = $"rule {rule.Id}", Parameters = [new("now", now.ToUniversalTime())] };
        // The platform's own query: held to the time limit, never refused for analysts' load.
        using var run = await runner.StartAsync(query, ResultFormat.Json, ct, counted: false);
        using var buffer = new MemoryStream();
        await run.WriteToAsync(buffer, ct);
        buffer.Position = 0;
        using var doc = await JsonDocument.ParseAsync(buffer, cancellationToken: ct);
        var catalog = masterData.Current;
        var rows = new List<AnalyticalRow>();
        foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
        {
            string? Text(string column) => row.TryGetProperty(column, out var v) && v.ValueKind != JsonValueKind.Null
                ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
                : null;
            var subject = Text("subject_id") ?? throw new InvalidDataException($"rule '{rule.Id}': field 'sql': every row needs a subject_id column");
            var site = catalog.Sites.GetValueOrDefault(subject);
            var enterpriseId = rule.Subject == WarningSubject.Region ? null
                : Text("enterprise_id") ?? site?.EnterpriseId ?? (rule.Subject == WarningSubject.Enterprise ? subject : null);
            var regionId = Text("region_id") ?? site?.RegionId ?? (enterpriseId is null ? null : catalog.Enterprises.GetValueOrDefault(enterpriseId)?.RegionId)
                ?? (rule.Subject == WarningSubject.Region ? subject : null);
            if (regionId is null)
            {
                log.LogWarning("Analytical rule '{Rule}': subject '{Subject}' has no region (not in master data, no region_id column); skipped", rule.Id, subject);
                continue;
            }
            var evidence = Text("evidence") ?? string.Join("; ", row.EnumerateObject().Where(p => p.Name != "subject_id").Select(p => $"{p.Name}={Text(p.Name)}"));
            rows.Add(new AnalyticalRow(subject, enterpriseId, regionId, evidence));
        }
        return rows;
    }
}
