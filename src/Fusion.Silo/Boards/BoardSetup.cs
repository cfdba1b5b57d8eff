using Marten;

namespace Fusion.Silo.Boards;

public static class BoardSetup
{
    /// <summary>The board subscription (tables in schema `board`) and the periodic refresh of fund compliance and gauges.</summary>
    public static void AddBoards(this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IServiceCollection services)
    {
        marten.AddSubscriptionWithServices<BoardSubscription>(ServiceLifetime.Singleton);
        services.AddSingleton<BoardRefresh>();
        services.AddSingleton<BoardRebuild>();
        services.AddHostedService(s => s.GetRequiredService<BoardRefresh>());
    }
}
