using Fusion.Silo.Parking;
using Marten;

namespace Fusion.Silo.Notifications;

public static class NotificationSetup
{
    public const string HttpClient = "notifications";

    /// <summary>The delivery records, the notification subscription on the warning events and the dispatcher that sends.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration config, MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        var settings = NotificationSettings.From(config);
        if (config.GetValue("Fusion:Demo:Receivers", false))
        {
            var where = Demo.DemoReceivers.Where.From(config);
            Demo.DemoReceivers.Route(settings, where);
            services.AddSingleton(where);
            services.AddHostedService<Demo.DemoReceivers>();
        }
        services.AddSingleton(settings);
        services.AddHttpClient(HttpClient);
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(s => s.GetRequiredService<NotificationDispatcher>());
        services.ConfigureMarten(opts => opts.Schema.For<NotificationDelivery>().Identity(d => d.Id).Index(d => d.WarningId).Index(d => d.Status));
        marten.AddParkedSubscription<NotificationSubscription>(services);
        return services;
    }
}
