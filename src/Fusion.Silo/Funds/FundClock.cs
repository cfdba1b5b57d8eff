using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Funds;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.Monitoring;
using Marten.Events;
using Marten;

namespace Fusion.Silo.Funds;

/// <summary>
/// The fund ledger's clock: when a period's due day passes (Funds:DepositDueDays after it ends) with its obligation
/// not met by the deposits made by then, one FundPeriodFellShort is appended to the enterprise's stream, through the
/// ingest pipeline under the key of enterprise and period, so a second tick or a second silo appends nothing.
/// Every Fusion:Funds:CheckEvery (default one hour) on the platform's clock; the ledgers are folded afresh from the
/// fund events each time, so a restart loses nothing.
/// </summary>
public sealed class FundClock(IDocumentStore store, IngestPipeline pipeline, FundPolicy policy, PlatformClock clock, IConfiguration config, ILogger<FundClock> log, Cluster.ClusterDuty duty)
    : BackgroundService
{
    public const string Source = "fund-ledger";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        DeviceWatch.EveryAsync(config.GetValue("Fusion:Funds:CheckEvery", TimeSpan.FromHours(1)), clock.Time, CheckAsync, log, "Fund ledger", stoppingToken, duty);

    public async Task CheckAsync(CancellationToken ct)
    {
        var now = clock.Now;
        var due = (await LedgersAsync(store, ct)).SelectMany(l => l.DueShortfalls(now, policy))
            .Select((e, i) => (i, new IngestItem($"{Source}:{e.EnterpriseId}:{e.Period}", Streams.Enterprise(e.EnterpriseId), [e])))
            .ToList();
        if (due.Count > 0)
            await pipeline.StoreAsync(new TranslatedBatch(Source, due, []), Source, ct);
    }

    /// <summary>Every enterprise's ledger, folded from the fund events in store order.</summary>
    public static async Task<IReadOnlyList<FundLedger>> LedgersAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(FundLedger.EventTypes))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        return events.GroupBy(e => EnterpriseOf(e.Data)).Where(g => g.Key is not null)
            .Select(g => g.Aggregate(FundLedger.Empty(g.Key!), (l, e) => l.Apply(e.Data))).ToList();
    }

    /// <summary>One enterprise's ledger, from its own stream.</summary>
    public static async Task<FundLedger> LedgerAsync(IQuerySession session, string enterpriseId, CancellationToken ct) =>
        (await session.Events.FetchStreamAsync(Streams.Enterprise(enterpriseId), token: ct))
            .Aggregate(FundLedger.Empty(enterpriseId), (l, e) => l.Apply(e.Data));

    static string? EnterpriseOf(object e) => e switch
    {
        FundDepositRecorded x => x.EnterpriseId,
        FundDepositBanked x => x.EnterpriseId,
        SalesRevenueDeclared x => x.EnterpriseId,
        FundPeriodFellShort x => x.EnterpriseId,
        _ => null,
    };
}
