using System.Text.Json;
using Fusion.Domain.Warnings;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;

namespace Fusion.Silo.Notifications;

/// <summary>
/// Turns each warning transition into one pending <see cref="NotificationDelivery"/> per receiver: every
/// configured webhook route that takes the warning, each recipient with an e-mail address when SMTP is
/// configured, and Alertmanager when configured. The deliveries are written through the subscription's own
/// operations, so they commit in the same transaction as its checkpoint: a transition is never skipped and
/// never turned into deliveries twice. Sending is the <see cref="NotificationDispatcher"/>'s work, so a receiver
/// that is down holds up neither this subscription nor the other receivers.
/// </summary>
public sealed class NotificationSubscription : SubscriptionBase
{
    public const string SubscriptionId = "notifications";

    readonly NotificationSettings settings;
    readonly NotificationDispatcher dispatcher;
    readonly JsonSerializerOptions json;

    public NotificationSubscription(NotificationSettings settings, NotificationDispatcher dispatcher,
        Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.json = json.Value.SerializerOptions;
        Name = SubscriptionId;
        Options.BatchSize = 200;
        foreach (var type in WarningEvents.Types) IncludeType(type);
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        var deliveries = new List<NotificationDelivery>();
        foreach (var e in page.Events)
        {
            if (WarningEvents.WarningIdOf(e.Data) is not { } warningId) continue;
            if (await operations.LoadAsync<WarningView>(warningId, ct) is not { } view) continue;
            if (WarningNotice.For(e.Data, view, settings.PublicUrl) is not { } notice) continue;
            deliveries.AddRange(DeliveriesOf(notice, e));
        }
        if (deliveries.Count == 0) return NullChangeListener.Instance;

        // A page comes again only when its transaction did not commit, or when the subscription is rewound:
        // what already exists (perhaps delivered) stays as it is.
        var known = (await operations.LoadManyAsync<NotificationDelivery>(ct, deliveries.Select(d => d.Id).ToArray())).Select(d => d.Id).ToHashSet();
        var fresh = deliveries.Where(d => !known.Contains(d.Id)).ToList();
        if (fresh.Count > 0) operations.Store(fresh.ToArray());
        return fresh.Count > 0 ? new WakeDispatcher(dispatcher) : NullChangeListener.Instance;
    }

    IEnumerable<NotificationDelivery> DeliveriesOf(WarningNotice notice, IEvent e)
    {
        var messageId = $"msg_{e.Id:N}";
        NotificationDelivery New(string channel, string target, string address) => new()
        {
            Id = $"{e.Id:N}:{channel}:{target}", WarningId = notice.WarningId, MessageId = messageId, Sequence = e.Sequence,
            Transition = notice.Transition, Channel = channel, Target = target, Address = address, AppendedAt = e.Timestamp,
        };

        var webhookBody = notice.WebhookBody(json);
        foreach (var route in settings.Webhooks.Where(r => Takes(r, notice.Warning)))
        {
            var d = New("webhook", route.Name, route.Url);
            d.Body = webhookBody;
            yield return d;
        }
        if (settings.Email.Host is { Length: > 0 })
            foreach (var r in notice.Recipients.Where(r => r.Email is { Length: > 0 }).DistinctBy(r => r.Email))
            {
                var d = New("email", r.RecipientId, r.Email!);
                (d.Subject, d.Body, d.Html) = (notice.EmailSubject, notice.EmailText, notice.EmailHtml);
                yield return d;
            }
        if (settings.Alertmanager.Url is { Length: > 0 } am)
        {
            var d = New("alertmanager", "alertmanager", $"{am.TrimEnd('/')}/api/v2/alerts");
            d.Body = notice.AlertBody(settings.Alertmanager.HoldFor);
            yield return d;
        }
    }

    static bool Takes(WebhookRoute route, WarningView warning) =>
        (route.Rules.Count == 0 || route.Rules.Contains(warning.RuleId)) && (route.MinSeverity is not { } min || warning.Severity >= min);

    /// <summary>Once the deliveries are committed, the dispatcher need not wait for its next look.</summary>
    sealed class WakeDispatcher(NotificationDispatcher dispatcher) : IChangeListener
    {
        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            dispatcher.Wake();
            return Task.CompletedTask;
        }

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
