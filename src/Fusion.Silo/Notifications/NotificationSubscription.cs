using System.Text.Json;
using Fusion.Domain.Warnings;
using JasperFx.Events;
using Marten;
using Fusion.Silo.Parking;

namespace Fusion.Silo.Notifications;

/// <summary>
/// Turns each warning transition into one pending <see cref="NotificationDelivery"/> per receiver: every
/// configured webhook route that takes the warning, each recipient with an e-mail address when SMTP is
/// configured, and Alertmanager when configured. A delivery's id is derived from the event and the receiver,
/// and one that exists is never written again, so a page given again (a checkpoint not yet moved, a rewind)
/// turns into no second delivery. A transition whose notification cannot be built (its warning unknown) is
/// parked with the reason and the others go on. Sending is the <see cref="NotificationDispatcher"/>'s work,
/// so a receiver that is down holds up neither this subscription nor the other receivers.
/// </summary>
public sealed class NotificationSubscription : ParkedSubscription
{
    public const string SubscriptionId = "notifications";

    readonly NotificationSettings settings;
    readonly NotificationDispatcher dispatcher;
    readonly JsonSerializerOptions json;

    public NotificationSubscription(NotificationSettings settings, NotificationDispatcher dispatcher,
        Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ParkingLot parking) : base(parking)
    {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.json = json.Value.SerializerOptions;
        Name = SubscriptionId;
        Options.BatchSize = 500;
        foreach (var type in WarningEvents.Types) IncludeType(type);
    }

    public override async Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        // The page's warnings read in one query: a warning that keeps repeating is one view for all its transitions here.
        var ids = events.Select(e => WarningEvents.WarningIdOf(e.Data)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var views = ids.Length == 0 ? [] : (await session.LoadManyAsync<WarningView>(ct, ids)).ToDictionary(v => v.Id, StringComparer.Ordinal);
        var deliveries = new List<NotificationDelivery>();
        foreach (var e in events)
        {
            if (WarningEvents.WarningIdOf(e.Data) is not { } warningId) continue;
            var view = views.GetValueOrDefault(warningId)
                ?? throw new InvalidOperationException($"Warning '{warningId}' is unknown (no warning view): no notification of its {e.EventTypeName} can be built");
            if (WarningNotice.For(e.Data, view, settings.PublicUrl) is not { } notice) continue;
            deliveries.AddRange(DeliveriesOf(notice, e));
        }
        if (deliveries.Count == 0) return;

        var known = (await session.LoadManyAsync<NotificationDelivery>(ct, deliveries.Select(d => d.Id).ToArray())).Select(d => d.Id).ToHashSet();
        var fresh = deliveries.Where(d => !known.Contains(d.Id)).ToList();
        if (fresh.Count == 0) return;
        session.Insert(fresh.ToArray());
        await session.SaveChangesAsync(ct);
        dispatcher.Wake();
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
}
