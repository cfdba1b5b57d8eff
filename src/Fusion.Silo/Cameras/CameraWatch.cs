using Fusion.Connectors.CameraHealth;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Cameras;
using Fusion.Domain.Monitoring;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Marten;

namespace Fusion.Silo.Cameras;

/// <summary>Camera-health settings, section "Fusion:Cameras".</summary>
public sealed class CameraHealthOptions
{
    /// <summary>A camera silent for longer than this is offline. GB/T 28181 keepalives come every minute by default.</summary>
    public TimeSpan AllowedSilence { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The shell around CameraOutages: holds when each camera was last heard from, derives "came online" from each
/// batch of GB/T 28181 notifications (stored in the batch's own transaction), and on a timer (the platform's
/// clock) records cameras gone offline. A camera is watched from the first time it is heard from: one that
/// never connected has no keepalive to miss (many registered cameras only post alarms through an AI box).
/// After a restart the last keepalive of each camera comes from the store; outage ids come from it, so an
/// outage already recorded is not recorded again.
/// </summary>
public sealed class CameraWatch(
    IDocumentStore store, MasterDataCache masterData, IngestPipeline pipeline, PlatformClock clock, CameraHealthOptions options, ILogger<CameraWatch> log, Cluster.ClusterDuty duty)
    : BackgroundService, IDerivesEvents
{
    readonly WatchState<Liveness> watch = new(Liveness.Empty);

    /// <summary>Every camera the batch heard from was seen now; CameraCameOnline for those that had been offline.</summary>
    public Task<Derivation> DeriveAsync(IReadOnlyList<IngestItem> accepted, CancellationToken ct) =>
        watch.DeriveAsync(state =>
        {
            var items = new List<IngestItem>();
            var (catalog, now) = (masterData.Current, clock.Now);
            foreach (var cameraId in accepted.SelectMany(i => i.Events).SelectMany(SeenIn))
            {
                (state, var item) = CameraOutages.Seen(state, catalog, cameraId, now);
                if (item is not null) items.Add(item);
            }
            return (state, items);
        }, ct);

    /// <summary>A keepalive saying OK, or any alarm, shows the camera is there.</summary>
    static IEnumerable<string> SeenIn(object e) => e switch
    {
        CameraKeepaliveReceived { Status: "OK" } k => [k.CameraId],
        CameraAlarmRaised a => [a.CameraId],
        _ => [],
    };

    public async Task CheckAsync(CancellationToken ct)
    {
        using var lease = await watch.EnterAsync(ct);
        var (next, items) = CameraOutages.Detect(lease.State, masterData.Current, clock.Now, options.AllowedSilence);
        await pipeline.WriteAsync(CameraOutages.OfflineFeed, items, "camera-watch", ct);
        lease.Commit(next);
    }

    /// <summary>
    /// In a cluster the other silos hear from cameras too: before judging silence, the duty holder learns from the store
    /// when each camera's last keepalive was stored, and records those back from an outage it reported.
    /// </summary>
    public async Task LearnAsync(CancellationToken ct)
    {
        var lastSeen = await DeviceWatch.LastReceivedAsync(store, "camera:", "camera_keepalive_received", ct);
        using var lease = await watch.EnterAsync(ct);
        var (state, catalog, items) = (lease.State, masterData.Current, new List<IngestItem>());
        foreach (var (cameraId, at) in lastSeen)
        {
            (state, var item) = CameraOutages.Seen(state, catalog, cameraId, at);
            if (item is not null) items.Add(item);
        }
        await pipeline.WriteAsync(CameraOutages.OnlineFeed, items, "camera-watch", ct);
        lease.Commit(state);
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        var lastSeen = await DeviceWatch.LastReceivedAsync(store, "camera:", "camera_keepalive_received", ct);
        using (var lease = await watch.EnterAsync(ct))
        {
            var state = lease.State;
            foreach (var (cameraId, at) in lastSeen)
                state = state.Restore(cameraId, at, silent: false);
            lease.Commit(state);
        }
        log.LogInformation("Camera watch restored {Count} cameras' last keepalive", lastSeen.Count);
        await base.StartAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken ct) =>
        DeviceWatch.EveryAsync(options.CheckEvery, clock.Time, async c =>
        {
            if (duty.Clustered) await LearnAsync(c);
            await CheckAsync(c);
        }, log, "Camera-health", ct, duty);
}

public static class CameraHealthSetup
{
    public static readonly Type[] EventTypes = [typeof(CameraKeepaliveReceived), typeof(CameraWentOffline), typeof(CameraCameOnline)];

    public static IServiceCollection AddCameraHealth(this IServiceCollection services, IConfiguration config)
    {
        var options = new CameraHealthOptions();
        config.GetSection("Fusion:Cameras").Bind(options);
        services.AddSingleton(options);
        services.AddSingleton<CameraWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<CameraWatch>());
        return services;
    }
}
