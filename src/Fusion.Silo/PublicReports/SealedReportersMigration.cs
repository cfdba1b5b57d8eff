using Fusion.Connectors.PublicReports;
using Fusion.Domain;
using Fusion.Domain.PublicReports;
using Fusion.Silo.Analytics;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.Store;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace Fusion.Silo.PublicReports;

/// <summary>A one-time change to stored data, done once per database.</summary>
public sealed class AppliedMigration
{
    public string Id { get; set; } = "";
    public DateTimeOffset AppliedAt { get; set; }
    public string Summary { get; set; } = "";
}

public sealed record MigrationSummary(int ContactsSealed, int EventsMasked, int QuarantineRedacted);

/// <summary>
/// Rewrites what was stored before reporters' identities were sealed, once: each plain contact of a stored
/// PublicReportReceived is sealed under a new key of its report (ReporterIdentitySealed on the report's
/// stream), then Marten masks those events in place (contact removed, contacts in the text masked: the rule
/// registered in StoreSetup), the quarantined public reports lose their reporter fields, and the analytics file
/// is rebuilt from the masked log. Safe to run again after a crash: a report already sealed is not sealed twice.
/// </summary>
public sealed class SealedReportersMigration(IDocumentStore store, ReporterSeals seals, PlatformClock clock, IServiceProvider services, ILogger<SealedReportersMigration> log)
    : IHostedService
{
    public const string Id = "2026-12-sealed-reporters";

    public async Task StartAsync(CancellationToken ct)
    {
        await using (var query = store.QuerySession())
            if (await query.LoadAsync<AppliedMigration>(Id, ct) is not null) return;
        var summary = await RunAsync(ct);
        await using var session = store.LightweightSession();
        session.Store(new AppliedMigration { Id = Id, AppliedAt = clock.Now, Summary = summary.ToString() });
        await session.SaveChangesAsync(ct);
        if (summary.EventsMasked > 0 && services.GetService<AnalyticsRebuild>() is { } rebuild) rebuild.TryStart();
        if (summary != new MigrationSummary(0, 0, 0))
            log.LogInformation("Sealed reporters: {Sealed} contacts sealed, {Masked} stored reports masked, {Redacted} quarantined reports redacted; analytics rebuilding",
                summary.ContactsSealed, summary.EventsMasked, summary.QuarantineRedacted);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task<MigrationSummary> RunAsync(CancellationToken ct)
    {
        List<PublicReportReceived> legacy;
        await using (var query = store.QuerySession())
            legacy = (await query.Events.QueryRawEventDataOnly<PublicReportReceived>().ToListAsync(ct)).ToList();

        var withContact = legacy.Where(e => e.ReporterContact is { Length: > 0 }).ToList();
        var sealedCount = 0;
        if (withContact.Count > 0)
        {
            var keyring = await seals.EnsureAsync(withContact.Select(e => e.ReportId).ToList(), clock.Now, ct);
            foreach (var chunk in withContact.Chunk(200))
            {
                await using var session = store.LightweightSession();
                foreach (var e in chunk)
                {
                    var stream = await session.Events.FetchStreamAsync(Streams.PublicReport(e.ReportId), token: ct);
                    if (stream.Any(s => s.Data is ReporterIdentitySealed)) continue;
                    var seal = keyring.For(e.ReportId);
                    if (seal.Key is null) continue;
                    session.Events.Append(Streams.PublicReport(e.ReportId), new ReporterIdentitySealed(
                        e.ReportId, seal.ReceiptCode, ReporterSeal.Seal(new ReporterIdentity(Contact: e.ReporterContact), seal.Key, e.ReportId), $"migration {Id}", clock.Now));
                    sealedCount++;
                }
                await session.SaveChangesAsync(ct);
            }
        }

        if (legacy.Count > 0)
            await store.Advanced.ApplyEventDataMasking(m => m.IncludeEvents(e => e.EventTypesAre(typeof(PublicReportReceived))), ct);

        var feed = new PublicReportFeed();
        var redacted = 0;
        await using (var session = store.LightweightSession())
        {
            await WriterLock.TakeAsync<QuarantinedRecord>(session, ct); // a replay under way records its resolution over this
            foreach (var record in await session.Query<QuarantinedRecord>().Where(q => q.Feed == feed.Name).ToListAsync(ct))
            {
                var raw = feed.Redact(record.Raw);
                if (raw == record.Raw) continue;
                record.Raw = raw;
                session.Store(record);
                redacted++;
            }
            await session.SaveChangesAsync(ct);
        }
        return new MigrationSummary(sealedCount, legacy.Count, redacted);
    }
}
