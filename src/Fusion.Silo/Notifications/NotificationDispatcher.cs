using System.Collections.Concurrent;
using System.Text;
using Fusion.Silo.Hosting;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using MailKit.Net.Smtp;
using MailKit.Security;
using Marten;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Fusion.Silo.Notifications;

/// <summary>
/// Sends the pending deliveries: each on its own, retried with exponential backoff and jitter until the receiver
/// takes it (or it is abandoned after GiveUpAfter), every attempt recorded in the delivery before the next one.
/// A delivery is marked delivered as soon as the receiver acknowledged it, so a restarted host does not send it
/// again; one killed between the receiver's answer and that record sends it once more with the same webhook-id
/// (or Message-ID), which Standard Webhooks receivers use to drop the repeat. In a cluster the silo holding the duty
/// sends; a silo that loses it stops retrying before its next attempt, and each attempt is recorded over the delivery
/// as stored, so a handover neither loses another silo's attempts nor reopens a delivery it settled.
/// </summary>
public sealed class NotificationDispatcher(
    IServiceProvider services, NotificationSettings settings, IHttpClientFactory http, PlatformClock clock, FusionMetrics metrics,
    ILogger<NotificationDispatcher> log, Cluster.ClusterDuty duty) : BackgroundService
{
    readonly ConcurrentDictionary<string, Task> inFlight = new();
    readonly SemaphoreSlim sends = new(Math.Max(1, settings.MaxParallelSends));
    readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>New deliveries were committed: look now rather than at the next poll.</summary>
    public void Wake()
    {
        try { wake.Release(); }
        catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        // Resolved here, not in the constructor: the store's construction builds the subscription that holds this dispatcher.
        var store = services.GetRequiredService<IDocumentStore>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // One silo sends: two would both take the same pending delivery.
                if (duty.Held)
                {
                    await using var session = store.QuerySession();
                    var pending = await session.Query<NotificationDelivery>()
                        .Where(d => d.Status == NotificationDelivery.Pending).OrderBy(d => d.Sequence).Take(1000).ToListAsync(stop);
                    foreach (var d in pending)
                    {
                        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        if (!inFlight.TryAdd(d.Id, done.Task)) continue;
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await DeliverAsync(store, d.Id, stop);
                            }
                            finally
                            {
                                inFlight.TryRemove(d.Id, out _);
                                done.SetResult();
                            }
                        }, CancellationToken.None);
                    }
                    metrics.NotificationsPending(pending.Count);
                }
            }
            catch (Exception x) when (!stop.IsCancellationRequested)
            {
                log.LogWarning(x, "Looking for pending notifications failed; trying again");
            }
            try
            {
                await wake.WaitAsync(settings.PollEvery, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(inFlight.Values.ToArray());
    }

    async Task DeliverAsync(IDocumentStore store, string id, CancellationToken stop)
    {
        try
        {
            // Read again: the list it came from may predate an attempt that has since delivered it.
            NotificationDelivery? delivery;
            await using (var session = store.QuerySession())
                delivery = await session.LoadAsync<NotificationDelivery>(id, stop);
            if (delivery is not { Status: NotificationDelivery.Pending }) return;
            var retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<AttemptFailed>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.FirstDelay,
                MaxDelay = settings.MaxDelay,
            }).Build();
            await retry.ExecuteAsync(async token => await AttemptAsync(store, delivery, token), stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The host stops: the delivery stays pending and the next start takes it up.
        }
        catch (LeftToOthers left)
        {
            log.LogInformation("Notification {Id}: {Reason}; this silo stops sending it", id, left.Message);
        }
        catch (Exception x)
        {
            log.LogError(x, "Notification {Id} stopped before delivery; it stays pending", id);
        }
    }

    async ValueTask AttemptAsync(IDocumentStore store, NotificationDelivery delivery, CancellationToken stop)
    {
        // A delivery being retried outlives the list it came from: the silo that lost the duty since leaves it to the one
        // holding it now, and none sends what another silo has recorded as settled.
        if (!duty.Held) throw new LeftToOthers("another silo holds the notification duty now");
        await using (var session = store.QuerySession())
            if (await session.LoadAsync<NotificationDelivery>(delivery.Id, stop) is { Status: not NotificationDelivery.Pending } settled)
                throw new LeftToOthers($"it was recorded {settled.Status} meanwhile");

        (bool Ok, int? Status, string? Error) outcome;
        await sends.WaitAsync(stop);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(settings.AttemptTimeout);
            outcome = await SendAsync(delivery, timeout.Token);
        }
        catch (Exception x) when (!stop.IsCancellationRequested)
        {
            outcome = (false, null, x is OperationCanceledException ? $"no answer within {settings.AttemptTimeout}" : x.Message);
        }
        finally
        {
            sends.Release();
        }

        var now = clock.Now;
        var giveUp = !outcome.Ok && TimeProvider.System.GetUtcNow() - delivery.AppendedAt > settings.GiveUpAfter;
        // Recorded even while the host stops: an acknowledged delivery must not be sent again. Over the record as stored, under
        // the deliveries' writer lock: another silo's attempts are kept, and a delivery it settled meanwhile stays settled.
        await using (var session = store.LightweightSession())
        {
            await WriterLock.TakeAsync<NotificationDelivery>(session, CancellationToken.None);
            var stored = await session.LoadAsync<NotificationDelivery>(delivery.Id, CancellationToken.None);
            // Delivered stays delivered; one this silo got through is recorded even if another silo gave it up meanwhile.
            if (stored is { Status: NotificationDelivery.Delivered } || stored is { Status: NotificationDelivery.Abandoned } && !outcome.Ok)
                throw new LeftToOthers($"it was recorded {stored.Status} while this silo's attempt {(outcome.Ok ? "was taken" : "failed")}");
            if (stored is not null) delivery.Attempts = stored.Attempts;
            delivery.Attempts.Add(new DeliveryAttempt(delivery.Attempts.Count + 1, outcome.Ok ? "delivered" : giveUp ? "abandoned" : "failed", outcome.Status, outcome.Error, now));
            delivery.Status = outcome.Ok ? NotificationDelivery.Delivered : giveUp ? NotificationDelivery.Abandoned : NotificationDelivery.Pending;
            if (outcome.Ok) delivery.DeliveredAt = now;
            session.Store(delivery);
            await session.SaveChangesAsync(CancellationToken.None);
        }
        if (outcome.Ok)
        {
            metrics.NotificationDelivered(delivery.Channel, TimeProvider.System.GetUtcNow() - delivery.AppendedAt);
            return;
        }
        metrics.NotificationFailed(delivery.Channel);
        log.LogWarning("Notification {Id} ({Channel} to {Target}) attempt {Attempt} failed: {Status} {Error}{GiveUp}",
            delivery.Id, delivery.Channel, delivery.Target, delivery.Attempts.Count, outcome.Status, outcome.Error, giveUp ? "; abandoned" : "");
        if (!giveUp) throw new AttemptFailed();
    }

    Task<(bool Ok, int? Status, string? Error)> SendAsync(NotificationDelivery d, CancellationToken ct) => d.Channel switch
    {
        "webhook" => settings.Webhooks.FirstOrDefault(r => r.Name == d.Target) is { } route
            ? PostAsync(d.Address, d.Body, request => Sign(request, route, d), ct)
            : Task.FromResult<(bool, int?, string?)>((false, null, $"webhook route '{d.Target}' is no longer configured")),
        "alertmanager" => PostAsync(d.Address, d.Body, _ => { }, ct),
        "email" => MailAsync(d, ct),
        _ => Task.FromResult<(bool, int?, string?)>((false, null, $"unknown channel '{d.Channel}'")),
    };

    static void Sign(HttpRequestMessage request, WebhookRoute route, NotificationDelivery d)
    {
        // Transport time, not the platform's clock: receivers check the timestamp against their own clocks.
        var timestamp = TimeProvider.System.GetUtcNow();
        request.Headers.Add(WebhookSignature.IdHeader, d.MessageId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToUnixTimeSeconds().ToString());
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(route.Secret, d.MessageId, timestamp, d.Body));
    }

    async Task<(bool Ok, int? Status, string? Error)> PostAsync(string url, string body, Action<HttpRequestMessage> headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        headers(request);
        using var response = await http.CreateClient(NotificationSetup.HttpClient).SendAsync(request, ct);
        return (response.IsSuccessStatusCode, (int)response.StatusCode, response.IsSuccessStatusCode ? null : response.ReasonPhrase);
    }

    async Task<(bool Ok, int? Status, string? Error)> MailAsync(NotificationDelivery d, CancellationToken ct)
    {
        var email = settings.Email;
        if (email.Host is not { Length: > 0 }) return (false, null, "SMTP is no longer configured (Fusion:Notifications:Email:Host)");
        var message = new MimeMessage { Subject = d.Subject ?? "", MessageId = $"{d.MessageId}.{d.Target}@fusion.haixi" };
        message.From.Add(MailboxAddress.Parse(email.From));
        message.To.Add(MailboxAddress.Parse(d.Address));
        message.Headers.Add("X-Fusion-Warning", d.WarningId);
        message.Body = new BodyBuilder { TextBody = d.Body, HtmlBody = d.Html }.ToMessageBody();

        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(email.Host, email.Port, email.Security switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        }, ct);
        if (email.UserName is { Length: > 0 }) await smtp.AuthenticateAsync(email.UserName, email.Password ?? "", ct);
        var answer = await smtp.SendAsync(FormatOptions.Default, message, ct);
        await smtp.DisconnectAsync(true, ct);
        return (true, 250, answer);
    }

    sealed class AttemptFailed() : Exception("the receiver did not take the notification");

    /// <summary>This silo stops retrying the delivery: it lost the duty, or another silo settled the delivery.</summary>
    sealed class LeftToOthers(string reason) : Exception(reason);
}
