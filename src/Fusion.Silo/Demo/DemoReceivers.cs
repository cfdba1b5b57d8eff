using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Fusion.Silo.Notifications;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Fusion.Silo.Demo;

/// <summary>
/// An SMTP server on loopback (SmtpServer) that keeps every message it receives, and saves it as a .eml file when
/// given a folder: the demo's mailbox, so a newcomer sees the warning e-mails arrive without a mail system.
/// </summary>
public sealed class LoopbackMailbox : IAsyncDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly Task running;
    public int Port { get; }
    public string? Folder { get; }
    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    public LoopbackMailbox(int port, string? folder)
    {
        Port = port;
        Folder = folder;
        if (folder is not null) Directory.CreateDirectory(folder);
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var provider = new SmtpServer.ComponentModel.ServiceProvider();
        provider.Add(new Store(this));
        running = new SmtpServer.SmtpServer(options, provider).StartAsync(stop.Token);
    }

    sealed class Store(LoopbackMailbox box) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, ct);
            if (box.Folder is { } folder)
            {
                var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Math.Abs((message.MessageId ?? Guid.NewGuid().ToString()).GetHashCode()):x8}.eml";
                await File.WriteAllBytesAsync(Path.Combine(folder, name), buffer.ToArray(), ct);
            }
            box.Received.Enqueue(message);
            return SmtpResponse.Ok;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; }
        catch (OperationCanceledException) { }
        stop.Dispose();
    }
}

/// <summary>
/// A webhook receiver on loopback for the demo and the bench: verifies each request's Standard Webhooks signature,
/// drops repeats by webhook-id, and saves each notification as JSON in a folder (when given one) or hands it on.
/// </summary>
public sealed class LoopbackWebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentDictionary<string, byte> seen = new();

    public LoopbackWebhookReceiver(int port, string secret, string? folder, Action<string, string>? received = null)
    {
        if (folder is not null) Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var id = request.Headers[WebhookSignature.IdHeader].ToString();
            if (!long.TryParse(request.Headers[WebhookSignature.TimestampHeader], out var unix)
                || !request.Headers[WebhookSignature.SignatureHeader].ToString().Split(' ')
                    .Contains(WebhookSignature.Sign(secret, id, DateTimeOffset.FromUnixTimeSeconds(unix), body)))
                return Results.Unauthorized();
            if (!seen.TryAdd(id, 0)) return Results.NoContent();
            received?.Invoke(id, body);
            if (folder is not null) await File.WriteAllTextAsync(Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{id}.json"), body);
            return Results.NoContent();
        });
    }

    public Task StartAsync() => app.StartAsync();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>
/// The demo's receivers of warning notifications, on loopback: a webhook receiver and an SMTP server, each saving
/// what arrives under the data folder. Configured as the notification routes unless configuration names others.
/// </summary>
public sealed class DemoReceivers(DemoReceivers.Where where) : IHostedService
{
    public sealed record Where(int WebhookPort, string WebhookSecret, int SmtpPort, string Folder)
    {
        public string WebhookUrl => $"http://127.0.0.1:{WebhookPort}/hook";
        public string WebhookFolder => Path.Combine(Folder, "webhooks");
        public string MailFolder => Path.Combine(Folder, "mail");

        /// <summary>Ports from Fusion:Demo:WebhookPort and SmtpPort, free ones when not given (several demos may share a machine).</summary>
        public static Where From(IConfiguration config) => new(
            Port(config.GetValue("Fusion:Demo:WebhookPort", 0)), WebhookSignature.NewSecret(), Port(config.GetValue("Fusion:Demo:SmtpPort", 0)),
            Path.Combine(config["Fusion:DataFolder"] is { Length: > 0 } d ? d : Environment.GetEnvironmentVariable("FUSION_DATA") is { Length: > 0 } e ? e : ".fusion", "notifications"));
    }

    static int Port(int configured)
    {
        if (configured > 0) return configured;
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    LoopbackWebhookReceiver? webhooks;
    LoopbackMailbox? mailbox;

    /// <summary>Points the notification settings at the demo's receivers where configuration names none.</summary>
    public static void Route(NotificationSettings settings, Where where)
    {
        if (settings.Webhooks.Count == 0)
            settings.Webhooks.Add(new WebhookRoute { Name = "demo-receiver", Url = where.WebhookUrl, Secret = where.WebhookSecret });
        if (settings.Email.Host is not { Length: > 0 })
            (settings.Email.Host, settings.Email.Port, settings.Email.Security) = ("127.0.0.1", where.SmtpPort, "none");
    }

    public async Task StartAsync(CancellationToken ct)
    {
        webhooks = new LoopbackWebhookReceiver(where.WebhookPort, where.WebhookSecret, where.WebhookFolder);
        await webhooks.StartAsync();
        mailbox = new LoopbackMailbox(where.SmtpPort, where.MailFolder);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (webhooks is not null) await webhooks.DisposeAsync();
        if (mailbox is not null) await mailbox.DisposeAsync();
    }
}
