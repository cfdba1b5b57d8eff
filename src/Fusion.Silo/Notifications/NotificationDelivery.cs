namespace Fusion.Silo.Notifications;

public sealed record DeliveryAttempt(int Number, string Outcome, int? StatusCode, string? Error, DateTimeOffset At);

/// <summary>
/// One notification of one warning transition to one receiver, with every attempt and its outcome. Written
/// (pending, with the exact content to send) by the notification subscription in the transaction that moves its
/// checkpoint; then updated by the dispatcher after each attempt. Id: "{event id}:{channel}:{target}".
/// </summary>
public sealed class NotificationDelivery
{
    public const string Pending = "pending", Delivered = "delivered", Abandoned = "abandoned";

    public string Id { get; set; } = "";
    public string WarningId { get; set; } = "";
    /// <summary>The same for every attempt: webhook-id, e-mail Message-ID.</summary>
    public string MessageId { get; set; } = "";
    public long Sequence { get; set; }
    public string Transition { get; set; } = "";
    /// <summary>webhook, email or alertmanager.</summary>
    public string Channel { get; set; } = "";
    /// <summary>The webhook route's name, the recipient's id, or "alertmanager".</summary>
    public string Target { get; set; } = "";
    /// <summary>URL or e-mail address.</summary>
    public string Address { get; set; } = "";
    public string? Subject { get; set; }
    public string Body { get; set; } = "";
    public string? Html { get; set; }
    public string Status { get; set; } = Pending;
    public List<DeliveryAttempt> Attempts { get; set; } = [];
    /// <summary>When the warning transition was appended to the store.</summary>
    public DateTimeOffset AppendedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}
