using Fusion.Domain.Risk;
using Fusion.Silo.Risk;
using Fusion.Silo.Store;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fusion.Silo.Tests.Store;

/// <summary>
/// A document that does not exist yet has no row for the guard to lock: two activations writing it for the first time (a
/// grain briefly activated twice while the cluster's membership changes) are kept apart by a lock on its id instead.
/// </summary>
public sealed class RevisionGuardTests
{
    const string Subject = "enterprise:91632801MA7CGUARD1";

    [Fact]
    public async Task GivenTwoWritersOfTheSameNewDocument_WhenTheFirstStoresIt_ThenTheSecondWaitsForItAndFindsItMovedOn()
    {
        await using var app = await FusionApp.StartAsync();
        var table = RevisionGuard.TableOf<RiskSnapshot>(app.Store);
        // On a new database the host adopts its risk model at start; one that finds risk snapshots stored then re-scores from the
        // events and drops them (RiskModelChange): the snapshots written here come after it.
        await app.Services.GetRequiredService<RiskModelChange>().Checked;
        var firstWrite = new Dictionary<string, long> { [Subject] = 0 };

        await using var first = app.Store.LightweightSession();
        Assert.Empty(await RevisionGuard.StaleAsync(first, table, firstWrite, CancellationToken.None));
        await using var second = app.Store.LightweightSession();
        var secondGuard = RevisionGuard.StaleAsync(second, table, firstWrite, CancellationToken.None);

        await using (var watch = new NpgsqlConnection(app.ConnectionString))
        {
            await watch.OpenAsync();
            await TestDatabase.WaitingOnLockAsync(watch, "pg_advisory_xact_lock");
        }
        Assert.False(secondGuard.IsCompleted, "the second writer waits for the first's transaction");
        first.Store(new RiskSnapshot { Id = Subject, State = RiskState.Empty(Subject), Revision = 1 });
        await first.SaveChangesAsync();

        Assert.Equal([Subject], await secondGuard);
    }
}
