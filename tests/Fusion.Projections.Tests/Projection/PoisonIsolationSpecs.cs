using Fusion.Projections.Projection;

namespace Fusion.Projections.Tests.Projection;

/// <summary>A batch with events a consumer cannot apply: those are parked, the rest applied in order; an outage is not parked.</summary>
public class PoisonIsolationSpecs
{
    sealed class Consumer(params int[] poison)
    {
        public readonly List<int> Applied = [];
        public readonly List<int> Parked = [];

        public Task Apply(IReadOnlyList<int> batch)
        {
            // All or nothing, as a transaction: nothing of a batch with a poison in it is applied.
            if (batch.Any(poison.Contains)) throw new InvalidDataException($"cannot apply {string.Join(",", batch.Where(poison.Contains))}");
            if (batch.Contains(-1)) throw new TimeoutException("the database is away");
            Applied.AddRange(batch);
            return Task.CompletedTask;
        }

        public Task Park(int e, Exception _) { Parked.Add(e); return Task.CompletedTask; }
    }

    static Task Run(Consumer c, IReadOnlyList<int> batch) =>
        PoisonIsolation.ApplyAsync(batch, c.Apply, e => e is TimeoutException, c.Park);

    [Fact]
    public async Task GivenTwoPoisonedEventsInABatchOf100_WhenApplied_ThenTheyAreParkedAndTheOther98AppliedInOrder()
    {
        var consumer = new Consumer(17, 64);
        await Run(consumer, Enumerable.Range(1, 100).ToList());

        Assert.Equal([17, 64], consumer.Parked);
        Assert.Equal(Enumerable.Range(1, 100).Where(i => i is not 17 and not 64), consumer.Applied);
    }

    [Fact]
    public async Task GivenAHealthyBatch_WhenApplied_ThenItIsAppliedOnceAsAWhole()
    {
        var consumer = new Consumer();
        await Run(consumer, [1, 2, 3]);
        Assert.Equal([1, 2, 3], consumer.Applied);
        Assert.Empty(consumer.Parked);
    }

    [Fact]
    public async Task GivenAnOutage_WhenApplied_ThenItPropagatesAndNothingIsParked()
    {
        var consumer = new Consumer();
        await Assert.ThrowsAsync<TimeoutException>(() => Run(consumer, [1, -1, 3]));
        Assert.Empty(consumer.Parked);
    }
}
