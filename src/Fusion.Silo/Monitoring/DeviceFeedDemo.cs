using System.Net;
using System.Net.Http.Headers;
using Fusion.Connectors.Gb28181;
using Fusion.Connectors.Hj212;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Fusion.Silo.Monitoring;

/// <summary>
/// In the demo (Fusion:Simulate), the device feeds live: every registered monitor's logger connects to the
/// HJ 212 listener and sends minute and hour data (every tenth monitor breaching its limits once every six
/// hours, the third silent from minute 30 to 180), and every camera with a GB/T 28181 code sends keepalives
/// each minute (the fifth silent from minute 20 to 60) with an alarm now and then. Runs for at most a week.
/// </summary>
public sealed class DeviceFeedDemo(
    IConfiguration config, MasterDataCache masterData, Hj212Listener listener, IServer server, IHostApplicationLifetime lifetime,
    PlatformClock clock, Marten.IDocumentStore store, ILogger<DeviceFeedDemo> log) : BackgroundService
{
    const int Minutes = 7 * 24 * 60;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!config.GetValue("Fusion:Simulate", false) || !config.GetValue("Fusion:SimulateDevices", true)) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(ct);
        var port = await listener.Port;
        var catalog = masterData.Current;
        var now = clock.Now;
        var start = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, now.Offset);
        // The loggers know their own PW, as provisioned in the seed; the platform keeps only its hash.
        var provisioning = Fusion.Connectors.Simulation.HaixiSeed.Deserialize(await File.ReadAllTextAsync(config["Fusion:SeedFile"]!, ct));
        var fleet = Hj212Simulation.WithPasswords(Hj212Simulation.Fleet(
            catalog.Monitors.Values.OrderBy(m => m.MonitorId, StringComparer.Ordinal).Select(m => (m.MonitorId, m.Limits)),
            outage: minute => minute is >= 30 and < 180, exceedEveryHours: 6), provisioning);
        var cameras = catalog.Cameras.Values.Where(c => c.DeviceCode is not null).Select(c => c.DeviceCode!).Order(StringComparer.Ordinal).ToArray();
        log.LogInformation("Device feed demo: {Monitors} HJ 212 loggers on port {Port}, {Cameras} GB/T 28181 cameras", fleet.Count, port, cameras.Length);
        try
        {
            await Task.WhenAll(
                port == 0 ? Task.CompletedTask
                    : Hj212TcpSimulator.RunAsync(new IPEndPoint(IPAddress.Loopback, port), fleet, start, Minutes, TimeSpan.FromMinutes(1), ct),
                CamerasAsync(cameras, ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogWarning(e, "Device feed demo stopped");
        }
    }

    async Task CamerasAsync(IReadOnlyList<string> deviceCodes, CancellationToken ct)
    {
        if (deviceCodes.Count == 0) return;
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        using var http = new HttpClient { BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1").Replace("+", "127.0.0.1").Replace("*", "127.0.0.1")) };
        // The video platform is a machine: it holds a connector key for the GB/T 28181 feed alone.
        var key = await ConnectorKeys.ReissueAsync(store, "GB/T 28181 video platform (demo)", [Gb28181Feed.Name], "demo", clock.Now, ct);
        http.DefaultRequestHeaders.Add(ConnectorKeys.Header, key.Key);
        var quiet = deviceCodes.Count > 4 ? deviceCodes[4] : null;
        for (long minute = 0; minute < Minutes && !ct.IsCancellationRequested; minute++)
        {
            await PostAsync(http, Gb28181Simulation.Keepalives(deviceCodes, minute, (code, m) => code == quiet && m is >= 20 and < 60), ct);
            if (Gb28181Simulation.AlarmFor(deviceCodes, minute, clock.Now) is { } alarm) await PostAsync(http, alarm, ct);
            await Task.Delay(TimeSpan.FromMinutes(1), ct);
        }
    }

    async Task PostAsync(HttpClient http, byte[] body, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        try
        {
            using var response = await http.PostAsync("/api/ingest/gb28181", content, ct);
            if (!response.IsSuccessStatusCode) log.LogWarning("GB/T 28181 demo post answered {Status}", (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            log.LogWarning("GB/T 28181 demo post failed: {Reason}", e.Message);
        }
    }
}
