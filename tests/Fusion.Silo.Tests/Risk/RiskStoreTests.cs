using Fusion.Domain;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using Fusion.Silo.Risk;
using Fusion.Silo.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Fusion.Silo.Tests.Risk;

/// <summary>The signals a transaction of grains' writes adds and lets go are stored as the last write of each left them.</summary>
public sealed class RiskStoreTests
{
    const string Subject = "enterprise:91632801MA7CSTORE1";

    [Fact]
    public async Task GivenHeldSignals_WhenOneTransactionLetsSomeGoAndAddsOneBackLater_ThenTheStoreHoldsWhatTheLastWriteOfEachSignalLeft()
    {
        await using var app = await FusionApp.StartAsync();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        // The host's start adopts its risk model first (RiskModelChange drops snapshots it finds stored before it).
        await app.Services.GetRequiredService<RiskModelChange>().Checked;
        await RiskStore.StoreAsync(store, [Write(0, [Held("a", "first"), Held("b", "first")], [])], CancellationToken.None);

        // Two writes of the grain in one transaction: the first lets a go and adds c, the second adds a back (changed) and
        // lets b and c go. The transaction stores all its signals in one upsert and one delete: were the deletions taken
        // after every addition, a would be lost.
        await RiskStore.StoreAsync(store,
            [Write(1, [Held("c", "first")], ["a"]), Write(2, [Held("a", "again")], ["b", "c"])], CancellationToken.None);

        await using var session = store.QuerySession();
        var held = await session.Query<HeldSignal>().Where(h => h.Subject == Subject).ToListAsync();
        var only = Assert.Single(held);
        Assert.Equal(HeldSignal.IdOf(Subject, "camera-alarm:a"), only.Id);
        Assert.Equal("again", only.Signal.Summary);
        Assert.Equal("S-1", only.Signal.SiteId);
        var snapshot = await session.LoadAsync<RiskSnapshot>(Subject);
        Assert.Equal(3, snapshot!.Revision);
    }

    [Fact]
    public async Task GivenPagesOfWritesOverSeveralGrains_WhenStored_ThenEachStreamHoldsItsAssessmentsInOrderAndEachSnapshotItsLastWrite()
    {
        await using var app = await FusionApp.StartAsync();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        // The host's start adopts its risk model first (RiskModelChange drops snapshots it finds stored before it).
        await app.Services.GetRequiredService<RiskModelChange>().Checked;
        string[] subjects = ["enterprise:91632801MA7CSTORE2", "enterprise:91632801MA7CSTORE3"];
        RiskWrites Assessment(string subject, long revision, double score) =>
            new(new RiskSnapshot { Id = subject, State = RiskState.Empty(subject), LastScore = score, Revision = revision + 1 }, [], [], Streams.Risk(subject),
                new RiskAssessed(subject, RiskSubject.Enterprise, "GOLMUD", score, RiskLevel.Blue, "test", 1, revision + 1, null, null, FusionApp.T0), revision);

        // The first page starts both streams; the second moves the first grain on twice in one transaction (a page's signals,
        // then its enforcement changes) and the second once, in the reverse order of their ids.
        await RiskStore.StoreAsync(store, [Assessment(subjects[0], 0, 10), Assessment(subjects[1], 0, 20)], CancellationToken.None);
        await RiskStore.StoreAsync(store, [Assessment(subjects[1], 1, 21), Assessment(subjects[0], 1, 11), Assessment(subjects[0], 2, 12)], CancellationToken.None);

        await using var session = store.QuerySession();
        var first = await session.Events.FetchStreamAsync(Streams.Risk(subjects[0]));
        Assert.Equal([1L, 2, 3], first.Select(e => e.Version));
        Assert.Equal([10.0, 11, 12], first.Select(e => ((RiskAssessed)e.Data).Score));
        Assert.True(first.Zip(first.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence), "versions follow the store's sequence");
        Assert.All(first, e => Assert.Equal("*DEFAULT*", e.TenantId));
        var second = await session.Events.FetchStreamAsync(Streams.Risk(subjects[1]));
        Assert.Equal([(1L, 20.0), (2, 21)], second.Select(e => (e.Version, ((RiskAssessed)e.Data).Score)));
        Assert.Equal(3, (await session.Events.FetchStreamStateAsync(Streams.Risk(subjects[0])))!.Version);
        Assert.Equal([12.0, 21], (await session.LoadManyAsync<RiskSnapshot>(subjects)).OrderBy(s => s.Id).Select(s => s.LastScore));
        Assert.Equal(3, (await session.LoadAsync<RiskSnapshot>(subjects[0]))!.Revision);
    }

    static RiskWrites Write(long revision, HeldSignal[] added, string[] removed) =>
        new(new RiskSnapshot { Id = Subject, State = RiskState.Empty(Subject), Revision = revision + 1 }, [.. added],
            [.. removed.Select(id => HeldSignal.IdOf(Subject, $"camera-alarm:{id}"))], Streams.Risk(Subject), null, revision);

    static HeldSignal Held(string id, string summary)
    {
        var signal = new RiskSignal($"camera-alarm:{id}", 1, SignalKind.CameraAlarm, "camera-alarms", "GOLMUD", "91632801MA7CSTORE1", "S-1",
            Severity.Medium, 0.8, false, null, summary, FusionApp.T0);
        return new HeldSignal { Id = HeldSignal.IdOf(Subject, signal.SignalId), Subject = Subject, Signal = signal };
    }
}
