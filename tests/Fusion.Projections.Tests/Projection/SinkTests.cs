using DuckDB.NET.Data;
using Fusion.Domain;
using Fusion.Domain.Cameras;
using Fusion.Projections.Projection;
using static Fusion.Projections.Tests.Given;

namespace Fusion.Projections.Tests.Projection;

public class SinkTests
{
    static IReadOnlyList<AnalyticsEvent> Alarms(int n)
    {
        var given = new Given();
        given.Add(Streams.Region(Golmud), Region(Golmud));
        given.Add(SaltLake, Enterprise(SaltLake, Golmud));
        for (var i = 0; i < n; i++)
            given.Add(SaltLake, Alarm($"a-{i}", SaltLake, Golmud, T0.AddMinutes(i), (CameraAlarmType)(i % 5)));
        return given.Events;
    }

    [Fact]
    public void GivenABatch_WhenApplied_ThenEveryEventOnceAndCheckpointAtItsLastSequence()
    {
        using var a = new TempAnalytics();
        var events = Alarms(100);
        var result = a.Sink.Apply(events);
        Assert.Equal(new AnalyticsBatchResult(102, 102, 204, 102), result);
        Assert.Equal(102, a.Count("events"));
        Assert.Equal(100, a.Count("camera_alarms"));
        Assert.Equal(102L, a.Database.Checkpoint());
        Assert.Equal(102L, a.Scalar("SELECT events FROM analytics_checkpoint"));
    }

    [Fact]
    public void GivenAnAppliedBatch_WhenRedeliveredOverlapping_ThenNothingTwice()
    {
        using var a = new TempAnalytics();
        var events = Alarms(50);
        a.Sink.Apply(events.Take(30).ToList());
        var again = a.Sink.Apply(events.Skip(10).Take(30).ToList());
        Assert.Equal(10, again.Applied);
        a.Sink.Apply(events);
        Assert.Equal(events.Count, a.Count("events"));
        Assert.Equal(events.Count, a.Count("(SELECT DISTINCT sequence FROM events)"));
    }

    [Fact]
    public void GivenAWriterKilledMidBatch_WhenRestartedAndEverythingRedelivered_ThenEachEventExactlyOnce()
    {
        using var a = new TempAnalytics();
        var events = Alarms(1000);
        a.ApplyInBatches(events.Take(400).ToList(), 100);
        a.Sink.AfterRowAppended = n => { if (n == 150) throw new InvalidOperationException("killed"); };
        Assert.Throws<InvalidOperationException>(() => a.Sink.Apply(events.Skip(400).Take(200).ToList()));

        a.CrashAndReopen();
        Assert.Equal(400L, a.Database.Checkpoint());
        Assert.Equal(400, a.Count("events"));

        // At-least-once delivery: the subscription starts again from where it last knew, which may be earlier.
        a.ApplyInBatches(events.Skip(250).ToList(), 128);
        Assert.Equal(events.Count, a.Count("events"));
        Assert.Equal(events.Count - 2, a.Count("camera_alarms"));
        Assert.Equal(events[^1].Sequence, a.Database.Checkpoint());
        Assert.Equal(0, a.Count("(SELECT sequence FROM events GROUP BY sequence HAVING count(*) > 1)"));
    }

    [Fact]
    public void GivenTheSameHistory_WhenProjectedInDifferentBatchSizes_ThenIdenticalTables()
    {
        var history = Dataset.Events;
        using var one = new TempAnalytics();
        using var many = new TempAnalytics();
        one.ApplyInBatches(history, 1);
        many.ApplyInBatches(history, 1000);
        foreach (var table in AnalyticsSchema.Tables.Select(t => t.Name).Append("analytics_checkpoint"))
            Assert.Equal(one.Dump(table), many.Dump(table));
        Assert.NotEmpty(one.Dump("warning_lifecycle"));
    }

    [Fact]
    public void GivenAReRegistration_WhenApplied_ThenItReplacesTheEarlierRowEvenWithinOneBatch()
    {
        using var a = new TempAnalytics();
        var given = new Given();
        given.Add(SaltLake, Enterprise(SaltLake, Golmud, name: "Old name"));
        a.Sink.Apply(given.Events);
        given.Add(SaltLake, Enterprise(SaltLake, Golmud, name: "Middle name"));
        given.Add(SaltLake, Enterprise(SaltLake, Delingha, name: "New name"));
        a.Sink.Apply(given.Events);
        Assert.Equal(["New name"], a.Dump("(SELECT name FROM enterprises)"));
        Assert.Equal(3, a.Count("events"));
    }

    [Fact]
    public void GivenAnOpenDatabase_WhenAnyoneTriesToReenableExternalAccess_ThenRefused()
    {
        using var a = new TempAnalytics();
        var e = Assert.Throws<DuckDBException>(() => a.Scalar("SET enable_external_access = true"));
        Assert.Contains("locked", e.Message);
        using var second = AnalyticsDatabase.Open(a.FilePath);
        Assert.False((bool)a.Scalar("SELECT current_setting('enable_external_access')")!);
    }
}
