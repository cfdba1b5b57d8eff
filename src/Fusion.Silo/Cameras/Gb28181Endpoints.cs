using Fusion.Connectors.Gb28181;
using Fusion.Connectors.Ingest;
using Fusion.Domain.Cameras;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Microsoft.AspNetCore.Mvc;
using CameraHealthRules = Fusion.Connectors.CameraHealth.CameraHealth;

namespace Fusion.Silo.Cameras;

public static class Gb28181Endpoints
{
    public static IEndpointRouteBuilder MapGb28181Endpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ingest/gb28181", async (HttpRequest request, IngestWriter writer, MasterDataCache masterData, CameraWatch cameras, PlatformClock clock, CancellationToken ct) =>
            {
                var (body, refusal) = await Hj212Endpoints.ReadAsync(request, ct);
                if (refusal is not null) return refusal;
                var now = clock.Now;
                var batch = Translate(Gb28181Parser.Parse(body), masterData.Current, now);
                var outcome = await writer.WriteAsync(batch, "gb28181-http", ct);
                var online = cameras.Seen(batch.Accepted.SelectMany(a => a.Item.Events).SelectMany(SeenIn).Select(id => (id, now)));
                await writer.WriteAsync(CameraHealthRules.OnlineFeed, online, "gb28181-http", ct);

                var rejected = outcome.Rejected.Select(r => new RejectedRecord(r.Index, r.RecordId, r.Reason)).ToArray();
                if (rejected.Length == 0) return Results.Ok(new IngestResponse(Gb28181Feed.Name, outcome.Accepted, outcome.Duplicates, rejected));
                return Results.Problem(new ProblemDetails
                {
                    Status = 400,
                    Title = $"{rejected.Length} notification(s) rejected",
                    Detail = $"{outcome.Accepted} accepted, {outcome.Duplicates} duplicate(s), {rejected.Length} rejected and kept in quarantine. " +
                             string.Join(" ", rejected.Take(5).Select(r => $"Notification {r.Index}{(r.RecordId is null ? "" : $" ({r.RecordId})")}: {r.Reason}.")),
                    Extensions = { ["feed"] = Gb28181Feed.Name, ["accepted"] = outcome.Accepted, ["duplicates"] = outcome.Duplicates, ["rejected"] = rejected },
                });
            })
            .Accepts<string>("application/xml", "text/xml", "application/MANSCDP+xml")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithTags("Ingest")
            .WithSummary("GB/T 28181 alarm and keepalive notifications (<Notify> XML bodies of SIP MESSAGEs)")
            .WithDescription("One or more XML documents one after another, each with its own declaration; its encoding (UTF-8, GB2312, GBK, GB18030) is honoured. " +
                             "A document may hold several <Notify> elements. Alarms become camera alarms (source gb28181); keepalives keep the camera online. " +
                             "Bad notifications are kept in the quarantine; the others are stored.");
        return app;
    }

    static TranslatedBatch Translate(IReadOnlyList<Gb28181Entry> entries, Domain.MasterData.MasterDataCatalog catalog, DateTimeOffset now)
    {
        var accepted = new List<(int, IngestItem)>();
        var rejected = new List<Rejection>();
        foreach (var e in entries)
        {
            if (e.Notify is not { } n)
            {
                rejected.Add(new Rejection(e.Index, null, e.Problem ?? "unreadable", e.Text));
                continue;
            }
            try { accepted.Add((e.Index, Gb28181Feed.Translate(n, catalog, now))); }
            catch (RecordRejected r) { rejected.Add(new Rejection(e.Index, $"{n.DeviceId}:{n.SN}", r.Message, e.Text)); }
        }
        return new TranslatedBatch(Gb28181Feed.Name, accepted, rejected);
    }

    /// <summary>A keepalive saying OK, or any alarm, shows the camera is there.</summary>
    static IEnumerable<string> SeenIn(object e) => e switch
    {
        CameraKeepaliveReceived { Status: "OK" } k => [k.CameraId],
        CameraAlarmRaised a => [a.CameraId],
        _ => [],
    };
}
