using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Parking;

/// <summary>
/// A subscription that never stops for everyone: each page goes through the parking lot, so an event its
/// <see cref="ApplyAsync"/> cannot apply (for a reason in the data, not an outage) is parked with the reason and
/// the rest of the page goes on; a parked event is retried with the same apply (<see cref="ParkedSubscriptionRetry{T}"/>).
/// ApplyAsync must take any part of a page, in order, and tolerate being given events again.
/// </summary>
public abstract class ParkedSubscription(ParkingLot parking) : SubscriptionBase
{
    public sealed override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        await parking.ApplyAsync(Name, page.Events, events => ApplyAsync(events, operations.DocumentStore, ct), ct);
        return NullChangeListener.Instance;
    }

    /// <summary>Applies the events in order, durably, before it returns.</summary>
    public abstract Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct);
}

/// <summary>Retries a parked event of a <see cref="ParkedSubscription"/> with that subscription's own apply.</summary>
public sealed class ParkedSubscriptionRetry<T>(IServiceProvider services) : IParkingConsumer where T : ParkedSubscription
{
    // Built on first use, not with the container: subscriptions are built while the store is configured.
    readonly Lazy<T> subscription = new(() => ActivatorUtilities.CreateInstance<T>(services));

    public string Name => subscription.Value.Name;

    public Task RetryAsync(IEvent e, CancellationToken ct) =>
        subscription.Value.ApplyAsync([e], services.GetRequiredService<IDocumentStore>(), ct);
}

public static class ParkedSubscriptions
{
    /// <summary>A parked subscription in the daemon, and its retry at POST /api/parked/{id}/retry.</summary>
    public static void AddParkedSubscription<T>(this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IServiceCollection services)
        where T : ParkedSubscription
    {
        marten.AddSubscriptionWithServices<T>(ServiceLifetime.Singleton);
        services.AddSingleton<IParkingConsumer, ParkedSubscriptionRetry<T>>();
    }
}
