using Fusion.Domain.Warnings;
using Marten;

namespace Fusion.Silo.Warnings;

public static class WarningSetup
{
    /// <summary>Warning documents in the store (the events are in EventCatalog), the rules file, the router the risk subscription calls, the warning clock.</summary>
    public static IServiceCollection AddWarnings(this IServiceCollection services, MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<WarningBookDocument>().Identity(d => d.Id).Index(d => d.DueAt);
            opts.Schema.For<WarningBookEntry>().Identity(e => e.Id).Duplicate(e => e.Scope);
            opts.Schema.For<WarningView>().Identity(d => d.Id).Index(d => d.RaisedAt);
            opts.Schema.For<AnalyticalRunDocument>().Identity(d => d.Id);
            opts.Schema.For<WarningRiskModelDocument>().Identity(d => d.Id);
        });
        services.AddSingleton(s => new WarningRulesFile(
            s.GetRequiredService<IConfiguration>(), s.GetRequiredService<Hosting.PlatformClock>().Time, s.GetRequiredService<ILogger<WarningRulesFile>>()));
        services.AddSingleton<WarningRouter>();
        services.AddSingleton<AnalyticalRuns>();
        services.AddSingleton<WarningRiskModel>();
        services.AddSingleton<WarningClock>();
        services.AddHostedService(s => s.GetRequiredService<WarningClock>());
        return services;
    }
}
