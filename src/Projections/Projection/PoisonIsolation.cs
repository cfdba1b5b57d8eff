namespace Fusion.Projections.Projection;

/// <summary>
/// Applies a batch of events as a whole; when that fails for a reason that lies in the events
/// (not an outage of something the consumer needs), halves the batch until each event that fails on
/// its own is found, hands it to <c>park</c> and applies the rest in their order. One bad event costs
/// about log2(batch) extra attempts, and the consumer moves past it instead of stopping for everyone.
/// </summary>
public static class PoisonIsolation
{
    public static async Task ApplyAsync<T>(
        IReadOnlyList<T> batch, Func<IReadOnlyList<T>, Task> apply, Func<Exception, bool> isOutage, Func<T, Exception, Task> park)
    {
        if (batch.Count == 0) return;
        try
        {
            await apply(batch);
        }
        catch (Exception e) when (!isOutage(e))
        {
            if (batch.Count == 1)
            {
                await park(batch[0], e);
                return;
            }
            var half = batch.Count / 2;
            await ApplyAsync(batch.Take(half).ToList(), apply, isOutage, park);
            await ApplyAsync(batch.Skip(half).ToList(), apply, isOutage, park);
        }
    }
}
