using Fusion.Domain.Funds;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Marten;

namespace Fusion.Silo.Funds;

public sealed record FundLedgerView(
    string EnterpriseId, DateOnly AsOf, DateOnly ObligationStart, decimal ObligationYuan, decimal DepositedYuan, decimal BalanceYuan,
    IReadOnlyList<FundPeriodView> Periods);

public sealed record FundPeriodView(
    string Period, DateOnly Start, DateOnly End, DateOnly DueOn, decimal SalesRevenueYuan, decimal ObligationYuan,
    decimal SettledYuan, decimal OutstandingYuan, decimal BalanceYuan, string Status);

public static class FundEndpoints
{
    public static IEndpointRouteBuilder MapFundEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/enterprises/{id}/fund", LedgerAsync)
            .Produces<FundLedgerView>()
            .WithTags("Funds")
            .WithSummary("An enterprise's environmental-fund ledger: obligation (1‰ of declared sales), deposits settled and balance per period")
            .WithDescription("Periods come from declared sales revenue (and the first deposit feed's records); deposits (bank statements of the " +
                             "enterprise's fund accounts, and deposit records) settle the oldest obligation first. A period is open until its due day " +
                             "(Funds:DepositDueDays after it ends), then paid, short or missing (nothing settled).")
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    static async Task<IResult> LedgerAsync(string id, MasterDataCache cache, IDocumentStore store, FundPolicy policy, PlatformClock clock, CancellationToken ct)
    {
        if (!cache.Current.Enterprises.TryGetValue(id, out var enterprise))
            return Results.Problem(statusCode: 404, title: "Unknown enterprise", detail: $"No enterprise with credit code '{id}' is registered.");
        await using var session = store.QuerySession();
        return Results.Ok(View(await FundClock.LedgerAsync(session, id, ct), FundPeriod.ObligationStartFor(enterprise.ProductionStartedOn, policy),
            DateOnly.FromDateTime(clock.Now.UtcDateTime), policy));
    }

    static FundLedgerView View(FundLedger ledger, DateOnly obligationStart, DateOnly asOf, FundPolicy policy)
    {
        var lines = ledger.Lines(asOf, policy);
        var deposited = ledger.Deposits.Where(d => d.On <= asOf).Sum(d => d.Amount);
        var owed = lines.Sum(l => l.ObligationYuan);
        return new FundLedgerView(ledger.EnterpriseId, asOf, obligationStart, owed, deposited, deposited - owed,
            lines.Select(l => new FundPeriodView(l.Period, l.Start, l.End, l.DueOn, l.SalesRevenueYuan, l.ObligationYuan, l.SettledYuan,
                l.OutstandingYuan, l.BalanceYuan, l.Status.ToString().ToLowerInvariant())).ToArray());
    }
}
