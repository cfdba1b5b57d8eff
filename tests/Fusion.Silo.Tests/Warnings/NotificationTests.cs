using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Demo;
using Fusion.Silo.Notifications;
using Fusion.Silo.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using StandardWebhooks;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>Notifications of warnings through the real host to real receivers on loopback: a webhook receiver, an SMTP server, Alertmanager.</summary>
public sealed class NotificationTests
{
    const string WarningId = "repeated-discharge-alarms.S-POTASH-OUT.1";

    /// <summary>
    /// A webhook receiver (Kestrel) that verifies every request with the StandardWebhooks library and answers
    /// what <see cref="Answer"/> says for the n-th request (1-based).
    /// </summary>
    sealed class Receiver : IAsyncDisposable
    {
        public readonly string Secret = WebhookSignature.NewSecret();
        public readonly ConcurrentQueue<(string MessageId, string Body, bool Verified, int Answer)> Requests = new();
        public Func<int, int> Answer = _ => 200;
        readonly WebApplication app;
        int calls;

        Receiver()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            app = builder.Build();
            app.MapPost("/hook", async (HttpRequest request) =>
            {
                var body = await new StreamReader(request.Body).ReadToEndAsync();
                bool verified;
                try
                {
                    new StandardWebhook(Secret).Verify(body, request.Headers);
                    verified = true;
                }
                catch (Exception)
                {
                    verified = false;
                }
                var answer = Answer(Interlocked.Increment(ref calls));
                Requests.Enqueue((request.Headers["webhook-id"].ToString(), body, verified, answer));
                return Results.StatusCode(answer);
            });
        }

        public string Url => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

        public IEnumerable<(string MessageId, string Body, bool Verified, int Answer)> About(string warningId, string type) =>
            Requests.Where(r => r.Body.Contains($"\"type\":\"{type}\"") && r.Body.Contains($"\"warningId\":\"{warningId}\""));

        public static async Task<Receiver> StartAsync()
        {
            var r = new Receiver();
            await r.app.StartAsync();
            return r;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    static Dictionary<string, string?> Settings(Receiver? receiver, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Fusion:Warnings:TickEvery"] = "00:00:00.2",
            ["Fusion:Notifications:FirstDelay"] = "00:00:00.2",
            ["Fusion:Notifications:MaxDelay"] = "00:00:01",
            ["Fusion:Notifications:PollEvery"] = "00:00:00.5",
        };
        if (receiver is not null)
        {
            settings["Fusion:Notifications:Webhooks:0:Name"] = "duty-desk";
            settings["Fusion:Notifications:Webhooks:0:Url"] = receiver.Url;
            settings["Fusion:Notifications:Webhooks:0:Secret"] = receiver.Secret;
        }
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    /// <summary>The potash plant's own leader, with a work e-mail: the first recipient of its warnings.</summary>
    static MasterDataDocument PlantLeader() => new(Leaders: [new("L-POTASH", "王厂长", "厂长", Potash, null, "wang.changzhang@potash.example.cn", "enterprise")]);

    /// <summary>Three abnormal-discharge alarms at the potash outfall within 24 h: the shipped rule raises <see cref="WarningId"/>.</summary>
    static async Task RaiseAsync(FusionApp app, DateTimeOffset now)
    {
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/master-data", PlantLeader())).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
            { Alarm("A-1", "CAM-POTASH-1", now.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", now.AddHours(-3)), Alarm("A-3", "CAM-POTASH-1", now.AddHours(-1)) }))
            .EnsureSuccessStatusCode();
        await app.CaughtUpAsync();
    }

    static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var value = await read();
            if (until(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: still {(value is JsonElement j ? j.ToString() : value)}");
            await Task.Delay(100);
        }
    }

    static Task<JsonElement> DeliveriesAsync(HttpClient http) => http.GetJsonAsync($"/api/warnings/{WarningId}/deliveries");

    static JsonElement Delivery(JsonElement deliveries, string channel, string transition = "raised") =>
        deliveries.EnumerateArray().Single(d => d.GetProperty("channel").GetString() == channel && d.GetProperty("transition").GetString() == transition);

    static string[] Outcomes(JsonElement delivery) => delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!).ToArray();

    [Fact]
    public async Task GivenAReceiverThatFirstAnswers500_WhenAWarningIsRaised_ThenItGetsExactlyOneSignedDelivery_AndTheLeaderAnEmail_AndEveryAttemptIsRecorded()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answer = n => n == 1 ? 500 : 200;
        await using var mailbox = new LoopbackMailbox(LoopbackProcess.FreePort(), folder: null);
        await using var app = await FusionApp.StartAsync(settings: Settings(receiver,
            ("Fusion:Notifications:Email:Host", "127.0.0.1"), ("Fusion:Notifications:Email:Port", mailbox.Port.ToString()),
            ("Fusion:Notifications:Email:Security", "none")));
        var http = app.CreateClient();
        await RaiseAsync(app, FusionApp.T0);

        var deliveries = await WaitForAsync(() => DeliveriesAsync(http),
            d => d.GetArrayLength() == 2 && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "delivered"), "both deliveries");

        // The webhook: refused once, taken once, the same webhook-id both times, every request signed as Standard Webhooks says.
        var raised = receiver.About(WarningId, "warning.raised").ToList();
        Assert.Equal([500, 200], raised.Select(r => r.Answer));
        Assert.Single(raised.Select(r => r.MessageId).Distinct());
        Assert.All(receiver.Requests, r => Assert.True(r.Verified, $"signature of {r.MessageId} does not verify"));
        var body = JsonDocument.Parse(raised[^1].Body).RootElement.GetProperty("data");
        Assert.Equal(("repeated-discharge-alarms", Potash, $"/api/warnings/{WarningId}"),
            (body.GetProperty("ruleId").GetString(), body.GetProperty("enterpriseId").GetString(), new Uri(body.GetProperty("link").GetString()!).AbsolutePath));
        var webhook = Delivery(deliveries, "webhook");
        Assert.Equal(["failed", "delivered"], Outcomes(webhook));
        Assert.Equal(("duty-desk", raised[0].MessageId), (webhook.GetProperty("target").GetString(), webhook.GetProperty("messageId").GetString()));

        // The e-mail: to the plant's leader, Chinese subject and body in UTF-8, plain text and HTML.
        var mail = Assert.Single(mailbox.Received);
        Assert.Equal("wang.changzhang@potash.example.cn", Assert.Single(mail.To.Mailboxes).Address);
        Assert.StartsWith("【新预警·高】", mail.Subject);
        Assert.Contains("异常排放告警", mail.Subject);
        Assert.Contains("证据 Evidence", mail.TextBody);
        Assert.Contains("camera", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h2>", mail.HtmlBody);
        Assert.Contains("王厂长", mail.HtmlBody);
        Assert.Equal(WarningId, mail.Headers["X-Fusion-Warning"]);
        Assert.Equal(["delivered"], Outcomes(Delivery(deliveries, "email")));

        // The warning's own answer lists them too.
        var detail = await http.GetJsonAsync($"/api/warnings/{WarningId}");
        Assert.Equal(2, detail.GetProperty("deliveries").GetArrayLength());
        Assert.Equal("raised", detail.GetProperty("warning").GetProperty("status").GetString());

        // Acknowledging is a transition too: one more delivery per receiver, nothing sent twice.
        (await http.PostJsonAsync($"/api/warnings/{WarningId}/acknowledge", new { note = "排口已封堵" })).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();
        await WaitForAsync(() => DeliveriesAsync(http), d => d.GetArrayLength() == 4 && d.EnumerateArray().All(x => x.GetProperty("status").GetString() == "delivered"), "acknowledgement deliveries");
        Assert.Single(receiver.About(WarningId, "warning.acknowledged"));
        Assert.Single(receiver.About(WarningId, "warning.raised"), r => r.Answer == 200);
        Assert.Equal(2, mailbox.Received.Count);
        Assert.Contains(mailbox.Received, m => m.Subject?.StartsWith("【预警已确认·高】") == true && m.TextBody?.Contains("排口已封堵") == true);
    }

    [Fact]
    public async Task GivenAReceiverDownAcrossAHostRestart_WhenItComesBack_ThenItGetsTheNotificationOnce()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answer = _ => 503;
        var time = new FakeTimeProvider(FusionApp.T0);
        string connection;
        await using (var first = await FusionApp.StartAsync(time: time, settings: Settings(receiver)))
        {
            connection = first.ConnectionString;
            await RaiseAsync(first, FusionApp.T0);
            await WaitForAsync(() => DeliveriesAsync(first.CreateClient()), d => d.GetArrayLength() == 1 && Outcomes(d[0]).Length >= 3, "three failed attempts");
        }
        var refused = receiver.Requests.Count;

        receiver.Answer = _ => 200;
        await using var second = await FusionApp.StartAsync(connection, time, Settings(receiver));
        var deliveries = await WaitForAsync(() => DeliveriesAsync(second.CreateClient()), d => d[0].GetProperty("status").GetString() == "delivered", "delivery after restart");
        await second.CaughtUpAsync();

        var raised = receiver.About(WarningId, "warning.raised").ToList();
        Assert.Equal(refused + 1, raised.Count);
        Assert.Single(raised, r => r.Answer == 200);
        Assert.Single(raised.Select(r => r.MessageId).Distinct());
        var outcomes = Outcomes(Delivery(deliveries, "webhook"));
        Assert.Equal("delivered", outcomes[^1]);
        Assert.All(outcomes[..^1], o => Assert.Equal("failed", o));
        Assert.Equal(refused, outcomes.Length - 1);
    }

    [Fact]
    public async Task GivenADeliveryBeingRetried_WhenAnotherSiloRecordsItDelivered_ThenThisSiloSendsItNoMore_AndTheRecordStaysDelivered()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answer = _ => 503;
        await using var app = await FusionApp.StartAsync(settings: Settings(receiver));
        var http = app.CreateClient();
        await RaiseAsync(app, FusionApp.T0);
        await WaitForAsync(() => DeliveriesAsync(http), d => d.GetArrayLength() == 1 && Outcomes(d[0]).Length >= 2, "two failed attempts");

        // Another silo, which took the notification duty over, got the receiver to take it and records so (as the dispatcher does).
        await using (var session = app.Store.LightweightSession())
        {
            await Fusion.Silo.Store.WriterLock.TakeAsync<NotificationDelivery>(session, CancellationToken.None);
            var other = Assert.Single(await Marten.QueryableExtensions.ToListAsync(session.Query<NotificationDelivery>().Where(d => d.WarningId == WarningId)));
            other.Attempts.Add(new DeliveryAttempt(other.Attempts.Count + 1, "delivered", 200, null, app.Time.GetUtcNow()));
            (other.Status, other.DeliveredAt) = (NotificationDelivery.Delivered, app.Time.GetUtcNow());
            session.Store(other);
            await session.SaveChangesAsync();
        }
        var sent = receiver.Requests.Count;

        // This silo retries at least every second here: it stops. At most the attempt already under way reaches the receiver,
        // and nothing is recorded over the other silo's record.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.InRange(receiver.Requests.Count, sent, sent + 1);
        var delivery = (await DeliveriesAsync(http))[0];
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal("delivered", Outcomes(delivery)[^1]);
    }

    [Fact]
    public async Task GivenATransitionOfAWarningNobodyRaised_WhenNotified_ThenItIsParkedWithItsReason_AndTheNextWarningIsStillDelivered()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var app = await FusionApp.StartAsync(settings: Settings(receiver));
        var http = app.CreateClient();
        // An acknowledgement appended to a warning stream without its warning (no view): nothing can be said of it.
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.Append(Fusion.Domain.Streams.Warning("ghost.1"), new Fusion.Domain.Warnings.WarningAcknowledged("ghost.1", null, "L-X", FusionApp.T0));
            await session.SaveChangesAsync();
        }
        long ghost;
        await using (var query = app.Store.QuerySession())
            ghost = await Marten.QueryableExtensions.MaxAsync(query.Events.QueryAllRawEvents(), x => x.Sequence);
        await RaiseAsync(app, FusionApp.T0);

        await WaitForAsync(() => DeliveriesAsync(http), d => d.GetArrayLength() == 1 && d[0].GetProperty("status").GetString() == "delivered", "the real warning's delivery");
        var parked = await WaitForAsync(() => http.GetJsonAsync("/api/parked?consumer=notifications"), p => p.GetProperty("items").GetArrayLength() > 0, "the parked transition");
        var item = Assert.Single(parked.GetProperty("items").EnumerateArray());
        Assert.Equal((ghost, "WarningAcknowledged"), (item.GetProperty("sequence").GetInt64(), item.GetProperty("eventType").GetString()));
        Assert.Contains("'ghost.1' is unknown", item.GetProperty("reason").GetString());
        var health = await http.GetJsonAsync("/health");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains("consumer notifications has 1 parked event", health.ToString());
        Assert.Empty(receiver.About("ghost.1", "warning.acknowledged"));

        // Retried while the warning is still unknown: refused with today's reason, still parked.
        var retry = await http.PostAsync($"/api/parked/{item.GetProperty("id").GetString()}/retry", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
    }

    [Fact]
    public async Task GivenAlertmanager_WhenAWarningIsRaisedAndResolved_ThenItsAlertFiresWithTheWarningsLabels_AndEnds()
    {
        await using var alertmanager = await AlertmanagerServer.StartAsync();
        // Alertmanager judges startsAt/endsAt by its own clock: the platform's runs at the real time here.
        var now = DateTimeOffset.UtcNow;
        await using var app = await FusionApp.StartAsync(time: new FakeTimeProvider(now),
            settings: Settings(null, ("Fusion:Notifications:Alertmanager:Url", alertmanager.Url.ToString())));
        var http = app.CreateClient();
        await RaiseAsync(app, now);

        var alerts = await WaitForAsync(alertmanager.AlertsAsync, a => a.GetArrayLength() > 0, "the alert in Alertmanager");
        var labels = Assert.Single(alerts.EnumerateArray()).GetProperty("labels");
        Assert.Equal(("repeated-discharge-alarms", "high", "GOLMUD-IP", Potash, WarningId),
            (labels.GetProperty("rule").GetString(), labels.GetProperty("severity").GetString(), labels.GetProperty("region").GetString(),
                labels.GetProperty("enterprise").GetString(), labels.GetProperty("warning_id").GetString()));
        // Alertmanager may hold the alert a moment before the attempt is recorded: wait for the record.
        var deliveries = await WaitForAsync(() => DeliveriesAsync(http), d => Outcomes(Delivery(d, "alertmanager")).Length > 0, "the attempt recorded");
        Assert.Equal(["delivered"], Outcomes(Delivery(deliveries, "alertmanager")));

        (await http.PostJsonAsync($"/api/warnings/{WarningId}/resolve", new { note = "fixed" })).EnsureSuccessStatusCode();
        await WaitForAsync(alertmanager.AlertsAsync, a => a.GetArrayLength() == 0, "the alert ended");
        deliveries = await WaitForAsync(() => DeliveriesAsync(http), d => Outcomes(Delivery(d, "alertmanager", "resolved")).Length > 0, "the resolution's attempt recorded");
        Assert.Equal(["delivered"], Outcomes(Delivery(deliveries, "alertmanager", "resolved")));
    }
}
