using Fusion.Domain;
using Fusion.Projections.Projection;
using static Fusion.Projections.Tests.Given;

namespace Fusion.Projections.Tests.Projection;

/// <summary>The projector's rebuild: the history read in pages and written into a new file beside the live one.</summary>
public class RebuildTests
{
    /// <summary>The history in pages of a given size, as the event store hands them to a rebuild.</summary>
    sealed class History(IReadOnlyList<AnalyticsEvent> events, int pageSize) : IAnalyticsEventSource
    {
        public async IAsyncEnumerable<IReadOnlyList<AnalyticsEvent>> ReadAsync(long after, long upTo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            foreach (var page in events.Where(e => e.Sequence > after && e.Sequence <= upTo).Chunk(pageSize))
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
                yield return page;
            }
        }
    }

    /// <summary>An event the fold cannot write: reading its payload fails, as a corrupt or unforeseen event might.</summary>
    sealed record Unwritable(string EnterpriseId)
    {
        public string Detail => throw new InvalidOperationException("this payload cannot be read");
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
        var given = new Given();
        given.Add(Streams.Region(Golmud), Region(Golmud));
        given.Add(SaltLake, Enterprise(SaltLake, Golmud));
        for (var i = 0; i < 40; i++)
            given.Add(SaltLake, i == 23 ? new Unwritable(SaltLake) : Alarm($"a-{i}", SaltLake, Golmud, T0.AddMinutes(i)));
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
}
