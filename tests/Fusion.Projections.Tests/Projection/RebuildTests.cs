using Fusion.Domain;
using Fusion.Projections.Projection;
using static Fusion.Projections.Tests.Given;

namespace Fusion.Projections.Tests.Projection;

/// <summary>The projector's rebuild: the history read in pages and written into a new file beside the live one.</summary>
public class RebuildTests
{
    /// <summary>
    /// The history in pages of a given size, as the event store hands them to a rebuild; with <paramref name="failAfter"/>, the read
    /// fails after that many pages, as when the event store goes away mid-rebuild.
    /// </summary>
    sealed class History(IReadOnlyList<AnalyticsEvent> events, int pageSize, int? failAfter = null) : IAnalyticsEventSource
    {
        public async IAsyncEnumerable<IReadOnlyList<AnalyticsEvent>> ReadAsync(long after, long upTo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var read = 0;
            foreach (var page in events.Where(e => e.Sequence > after && e.Sequence <= upTo).Chunk(pageSize))
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
                if (read++ == failAfter) throw new TimeoutException("the event store did not answer");
                yield return page;
            }
        }
    }

    /// <summary>An event the fold cannot write: reading its payload fails, as a corrupt or unforeseen event might.</summary>
    sealed record Unwritable(string EnterpriseId)
    {
        public string Detail => throw new InvalidOperationException("this payload cannot be read");
    }

    /// <summary>A region, an enterprise and its alarms, the 24th of them an event the fold cannot write.</summary>
    static Given AlarmsWithOneUnwritable(int alarms)
    {
        var given = new Given();
        given.Add(Streams.Region(Golmud), Region(Golmud));
        given.Add(SaltLake, Enterprise(SaltLake, Golmud));
        for (var i = 0; i < alarms; i++)
            given.Add(SaltLake, i == 23 ? new Unwritable(SaltLake) : Alarm($"a-{i}", SaltLake, Golmud, T0.AddMinutes(i)));
        return given;
    }

    [Fact]
    public async Task GivenAHistory_WhenRebuiltInPages_ThenTheNewFileHasTheRowsOfTheEventsAppliedOneByOne()
    {
        var history = Dataset.Events;
        using var oneByOne = new TempAnalytics();
        oneByOne.ApplyInBatches(history, 1);

        using var folder = new TempAnalytics();
        using var projector = new AnalyticsProjector(Path.Combine(folder.Folder, "rebuilt"));
        var status = await projector.RebuildAsync(new History(history, pageSize: 7), _ => Task.FromResult(history[^1].Sequence), TimeProvider.System);

        Assert.Equal("done", status.State);
        Assert.Equal(history.Count, status.Applied);
        foreach (var table in AnalyticsSchema.Tables.Select(t => t.Name).Append("analytics_checkpoint"))
            Assert.Equal(oneByOne.Dump(table), TempAnalytics.Dump(projector.Database, table));
    }

    [Fact]
    public async Task GivenAnEventTheFoldCannotTake_WhenRebuilt_ThenItAloneIsParkedAndEveryOtherEventIsInTheNewFile()
    {
        var given = AlarmsWithOneUnwritable(40);
        var bad = given.Events.Single(e => e.Data is Unwritable);

        using var folder = new TempAnalytics();
        using var projector = new AnalyticsProjector(Path.Combine(folder.Folder, "rebuilt"));
        var parked = new List<(long Sequence, string Error)>();
        var status = await projector.RebuildAsync(new History(given.Events, pageSize: 10), _ => Task.FromResult(given.Events[^1].Sequence), TimeProvider.System,
            park: (e, error) => { parked.Add((e.Sequence, error.Message)); return Task.CompletedTask; });

        Assert.Equal("done", status.State);
        Assert.Equal([(bad.Sequence, "this payload cannot be read")], parked);
        Assert.Equal(given.Events.Count - 1, TempAnalytics.Dump(projector.Database, "events").Count);
        Assert.Equal(39, TempAnalytics.Dump(projector.Database, "camera_alarms").Count);
        Assert.Equal(given.Events[^1].Sequence, projector.LastSequence);
    }

    [Fact]
    public async Task GivenAReadThatFailsMidway_WhenRebuilt_ThenTheRebuildFailsWithItsErrorAndTheLiveFileStays()
    {
        var history = Dataset.Events;
        using var folder = new TempAnalytics();
        using var projector = new AnalyticsProjector(Path.Combine(folder.Folder, "rebuilt"));
        await projector.ApplyAsync(history.Take(5).ToList());
        var live = projector.Database.Path;

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            projector.RebuildAsync(new History(history, pageSize: 7, failAfter: 2), _ => Task.FromResult(history[^1].Sequence), TimeProvider.System));

        Assert.Equal("the event store did not answer", error.Message);
        Assert.Equal("failed", projector.Rebuild!.State);
        Assert.Equal(live, projector.Database.Path);
        Assert.Equal(history[4].Sequence, projector.LastSequence);
        Assert.False(File.Exists(projector.Rebuild.File));
    }

    [Fact]
    public async Task GivenAnEventTheFoldCannotTakeAndNowhereToPark_WhenRebuilt_ThenTheRebuildFailsOnItAndTheReadStops()
    {
        var given = AlarmsWithOneUnwritable(200);
        using var folder = new TempAnalytics();
        using var projector = new AnalyticsProjector(Path.Combine(folder.Folder, "rebuilt"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            projector.RebuildAsync(new History(given.Events, pageSize: 10), _ => Task.FromResult(given.Events[^1].Sequence), TimeProvider.System));

        Assert.Equal("this payload cannot be read", error.Message);
        Assert.Equal("failed", projector.Rebuild!.State);
        Assert.Equal(0, projector.LastSequence);
    }
}
