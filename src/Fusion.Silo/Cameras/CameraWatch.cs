using Fusion.Connectors.Ingest;
using Fusion.Domain.Cameras;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Marten;
using CameraHealthRules = Fusion.Connectors.CameraHealth.CameraHealth;

namespace Fusion.Silo.Cameras;

/// <summary>Camera-health settings, section "Fusion:Cameras".</summary>
public sealed class CameraHealthOptions
{
    /// <summary>A camera silent for longer than this is offline. GB/T 28181 keepalives come every minute by default.</summary>
    public TimeSpan AllowedSilence { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The shell around CameraHealth: holds when each camera was last heard from, takes "seen" from the
/// GB/T 28181 intake, and on a timer (the platform's clock) records cameras gone offline. A camera is
/// watched from the first time it is heard from: one that never connected has no keepalive to miss (many
/// registered cameras only post alarms through an AI box). After a restart the last keepalive of each
/// camera comes from the store; outage ids come from it, so an outage already recorded is not recorded again.
/// </summary>
public sealed class CameraWatch(
    IDocumentStore store, MasterDataCache masterData, IngestWriter writer, PlatformClock clock, CameraHealthOptions options, ILogger<CameraWatch> log)
    : BackgroundService
{
    readonly Lock gate = new();
    Liveness state = Liveness.Empty;

    /// <summary>The camera was heard from; the CameraCameOnline to append when it had been offline.</summary>
    public IReadOnlyList<IngestItem> Seen(IEnumerable<(string CameraId, DateTimeOffset At)> seen)
    {
        var items = new List<IngestItem>();
        var catalog = masterData.Current;
        lock (gate)
            foreach (var (cameraId, at) in seen)
            {
                (state, var item) = CameraHealthRules.Seen(state, catalog, cameraId, at);
                if (item is not null) items.Add(item);
            }
        return items;
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        IReadOnlyList<IngestItem> items;
        lock (gate) (state, items) = CameraHealthRules.Detect(state, masterData.Current, clock.Now, options.AllowedSilence);
        await writer.WriteAsync(CameraHealthRules.OfflineFeed, items, "camera-watch", ct);
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        var lastSeen = await DeviceWatch.LastReceivedAsync(store, "camera:", "camera_keepalive_received", ct);
        lock (gate)
            foreach (var (cameraId, at) in lastSeen)
                state = state.Restore(cameraId, at, silent: false);
        log.LogInformation("Camera watch restored {Count} cameras' last keepalive", lastSeen.Count);
        await base.StartAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken ct) =>
        DeviceWatch.EveryAsync(options.CheckEvery, clock.Time, CheckAsync, log, "Camera-health", ct);
}

public static class CameraHealthSetup
{
    public static IServiceCollection AddCameraHealth(this IServiceCollection services, IConfiguration config)
    {
        var options = new CameraHealthOptions();
        config.GetSection("Fusion:Cameras").Bind(options);
        services.AddSingleton(options);
        services.ConfigureMarten(o => o.Events.AddEventTypes([typeof(CameraKeepaliveReceived), typeof(CameraWentOffline), typeof(CameraCameOnline)]));
        services.AddSingleton<CameraWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<CameraWatch>());
        return services;
    }
}
