using Marten;

namespace Fusion.Silo.Boards;

public static class BoardSetup
{
    /// <summary>The board subscription (tables in schema `board`; its parked events retried by BoardParkingConsumer) and the periodic refresh of fund compliance and gauges.</summary>
    public static void AddBoards(this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IServiceCollection services)
    {
        marten.AddSubscriptionWithServices<BoardSubscription>(ServiceLifetime.Singleton);
        services.AddSingleton<Parking.IParkingConsumer, BoardParkingConsumer>();
        services.AddSingleton<BoardRefresh>();
        services.AddSingleton<BoardRebuild>();
        services.AddHostedService(s => s.GetRequiredService<BoardRefresh>());
    }
}
