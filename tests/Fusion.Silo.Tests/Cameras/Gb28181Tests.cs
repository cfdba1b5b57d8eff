using System.Net;
using System.Net.Http.Headers;
using Fusion.Connectors.Gb28181;
using Fusion.Domain.Cameras;
using Fusion.Silo.Ingest;
using Fusion.Silo.Tests.Hosting;
using Marten;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Cameras;

/// <summary>GB/T 28181 notifications and camera health through the real host.</summary>
public sealed class Gb28181Tests : IAsyncLifetime
{
    const string DeviceCode = "63280100001320000001"; // CAM-POTASH-1
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync(settings: new() { ["Fusion:Hj212:Port"] = "-1", ["Fusion:Cameras:AllowedSilence"] = "00:15:00" });
        http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/master-data", Haixi())).StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    static ByteArrayContent Xml(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        return content;
    }

    async Task<List<T>> EventsAsync<T>() where T : notnull
    {
        await using var session = app.Store.QuerySession();
        return (await session.Events.QueryRawEventDataOnly<T>().ToListAsync()).ToList();
    }

    [Fact]
    public async Task GivenAnAlarmInGb2312AndOneInUtf8_WhenPosted_ThenCameraAlarmsFromGb28181CountForRisk()
    {
        var body = Gb28181Messages.Document(Gb28181Messages.AlarmXml(DeviceCode, 1, 1, 5, T0.AddMinutes(-5), "排污口异常排放"), "GB2312")
            .Concat(Gb28181Messages.Document(Gb28181Messages.AlarmXml(DeviceCode, 2, 3, 5, T0.AddMinutes(-4), null, alarmType: 3), "UTF-8")).ToArray();

        var response = await http.PostAsync("/api/ingest/gb28181", Xml(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.JsonAsync()).GetProperty("accepted").GetInt32());
        var alarms = await EventsAsync<CameraAlarmRaised>();
        Assert.Equal([CameraAlarmType.AbnormalDischarge, CameraAlarmType.IllegalDumping], alarms.OrderBy(a => a.AlarmId).Select(a => a.AlarmType));
        Assert.All(alarms, a => Assert.Equal(("gb28181", "CAM-POTASH-1"), (a.Source, a.CameraId)));

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/ingest/gb28181", Xml(body))).StatusCode);
        Assert.Equal(2, (await EventsAsync<CameraAlarmRaised>()).Count);

        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Equal(2, risk.GetProperty("signals").EnumerateArray().Count(c => c.GetProperty("kind").GetString() == "CameraAlarm"));
    }

    [Fact]
    public async Task GivenAnUnknownDeviceAndMalformedXml_WhenPosted_ThenBadRequestAndBothQuarantined()
    {
        var body = Gb28181Messages.Document(Gb28181Messages.KeepaliveXml("34020000001320000099", 1), "GB2312")
            .Concat("<?xml version=\"1.0\"?><Notify><CmdType>Alarm"u8.ToArray()).ToArray();

        var response = await http.PostAsync("/api/ingest/gb28181", Xml(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var session = app.Store.QuerySession();
        var quarantined = await session.Query<QuarantinedRecord>().Where(q => q.Feed == Gb28181Feed.Name).ToListAsync();
        Assert.Equal(2, quarantined.Count);
        Assert.Contains(quarantined, q => q.Reason.Contains("34020000001320000099"));
    }

    [Fact]
    public async Task GivenKeepalives_WhenTheCameraFallsSilentLongerThanAllowed_ThenItGoesOffline_AndWhenItIsBack_ThenOnline()
    {
        var keepalive = Xml(Gb28181Messages.Document(Gb28181Messages.KeepaliveXml(DeviceCode, 7), "GB2312"));
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/ingest/gb28181", keepalive)).StatusCode);
        Assert.Single(await EventsAsync<CameraKeepaliveReceived>());

        app.Time.Advance(TimeSpan.FromMinutes(16));
        var offline = await EventuallyAsync(EventsAsync<CameraWentOffline>);
        var went = Assert.Single(offline, o => o.CameraId == "CAM-POTASH-1");
        Assert.Equal(T0, went.LastSeenAt);

        await http.PostAsync("/api/ingest/gb28181", Xml(Gb28181Messages.Document(Gb28181Messages.KeepaliveXml(DeviceCode, 8), "UTF-8")));
        var online = Assert.Single(await EventsAsync<CameraCameOnline>());
        Assert.Equal(went.OutageId, online.OutageId);

        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Contains(risk.GetProperty("signals").EnumerateArray(), c => c.GetProperty("kind").GetString() == "CameraOffline");
    }

    static async Task<List<T>> EventuallyAsync<T>(Func<Task<List<T>>> read)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = await read();
            if (found.Count > 0) return found;
            await Task.Delay(100);
        }
        return [];
    }
}
