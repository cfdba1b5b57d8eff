using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Ingest;
using Marten;

using Fusion.Silo.Hosting;

namespace Fusion.Silo.MasterData;

/// <summary>
/// Before the subscriptions start: folds master data from the store, then loads the seed file if one
/// is configured. Seed entries already registered are duplicates and append nothing: the seed never undoes a revision
/// made through the API since (revise: false).
/// </summary>
public sealed class MasterDataStartup(IDocumentStore store, MasterDataCache cache, Monitoring.MonitorPasswords passwords, IngestPipeline pipeline, IngestOptions options, PlatformClock clock, IConfiguration config, ILogger<MasterDataStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await cache.LoadAsync(store, ct);
        await passwords.LoadAsync(ct);
        var seedFile = config["Fusion:SeedFile"];
        if (string.IsNullOrWhiteSpace(seedFile)) return;
        if (!File.Exists(seedFile))
            throw new FileNotFoundException($"The master-data seed file '{seedFile}' does not exist (Fusion:SeedFile).", seedFile);
        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(seedFile, ct));
        var batch = MasterDataFeed.Translate(doc.RootElement, cache.Current, clock.Now, options.Checks(clock.Now), revise: false);
        var outcome = await pipeline.StoreAsync(batch, $"seed:{Path.GetFileName(seedFile)}", ct);
        await passwords.SaveAsync(doc.RootElement, clock.Now, ct, provisionOnly: true);
        log.LogInformation("Seed {File}: {Accepted} new master-data records, {Duplicates} already registered, {Rejected} rejected",
            Path.GetFileName(seedFile), outcome.Accepted, outcome.Duplicates, outcome.Rejected.Count);
        foreach (var r in outcome.Rejected)
            log.LogWarning("Seed record {Index} ({Id}) rejected: {Reason}", r.Index, r.RecordId, r.Reason);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
