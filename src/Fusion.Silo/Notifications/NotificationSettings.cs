using Fusion.Domain.Common;

namespace Fusion.Silo.Notifications;

/// <summary>A webhook route: where warning notifications go, the secret they are signed with, and which warnings it takes.</summary>
public sealed class WebhookRoute
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    /// <summary>Standard Webhooks secret ("whsec_" + base64 key).</summary>
    public string Secret { get; set; } = "";
    /// <summary>Only warnings of these rules (all when empty).</summary>
    public List<string> Rules { get; set; } = [];
    /// <summary>Only warnings at least this severe (all when null).</summary>
    public Severity? MinSeverity { get; set; }
}

/// <summary>The SMTP server warnings are mailed through; off while Host is empty.</summary>
public sealed class EmailSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>none, starttls (when offered) or tls (implicit).</summary>
    public string Security { get; set; } = "starttls";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "海西州生态环境预警 <warnings@haixi.example>";
}

/// <summary>Prometheus Alertmanager as an optional channel; off while Url is empty.</summary>
public sealed class AlertmanagerSettings
{
    public string? Url { get; set; }
    /// <summary>An open warning's alert is posted to end after this long; every later transition posts it again, resolution ends it.</summary>
    public TimeSpan HoldFor { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Configuration section Fusion:Notifications.</summary>
public sealed class NotificationSettings
{
    /// <summary>The platform's address as receivers should follow it (the link in each notification).</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";
    public List<WebhookRoute> Webhooks { get; set; } = [];
    public EmailSettings Email { get; set; } = new();
    public AlertmanagerSettings Alertmanager { get; set; } = new();
    /// <summary>First retry delay; each next one doubles, with jitter, up to MaxDelay.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>A delivery still failing this long after its warning transition is abandoned (recorded so).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(2);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the dispatcher looks for pending deliveries besides being woken by new ones.</summary>
    public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxParallelSends { get; set; } = 8;

    public static NotificationSettings From(IConfiguration config) =>
        config.GetSection("Fusion:Notifications").Get<NotificationSettings>() ?? new NotificationSettings();
}
