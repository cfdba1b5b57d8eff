using Fusion.Connectors.Gb28181;
using Fusion.Silo.Hosting;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Security;

namespace Fusion.Silo.Cameras;

public static class Gb28181Endpoints
{
    public static IEndpointRouteBuilder MapGb28181Endpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ingest/gb28181", async (HttpRequest request, IngestPipeline pipeline, MasterDataCache masterData, CameraWatch cameras, IngestOptions options, BodyLimits limits, PlatformClock clock, CancellationToken ct) =>
            {
                var (body, refusal) = await Hj212Endpoints.ReadAsync(request, limits.Ingest, nameof(BodyLimits.Ingest), ct);
                if (refusal is not null) return refusal;
                var entries = Gb28181Parser.Parse(body);
                if (entries.Count > options.MaxBatchRecords) return IngestEndpoints.TooManyRecords(entries.Count, options.MaxBatchRecords);
                var batch = Gb28181Feed.Translate(entries, masterData.Current, clock.Now, options.Checks(clock.Now));
                return IngestAnswer.From(await pipeline.StoreAsync(batch, "gb28181-http", ct, cameras), "notification");
            })
            .Accepts<string>("application/xml", "text/xml", "application/MANSCDP+xml")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithTags("Ingest")
            .WithSummary("GB/T 28181 alarm and keepalive notifications (<Notify> XML bodies of SIP MESSAGEs)")
            .WithDescription("One or more XML documents one after another, each with its own declaration; its encoding (UTF-8, GB2312, GBK, GB18030) is honoured. " +
                             "A document may hold several <Notify> elements. Alarms become camera alarms (source gb28181); keepalives keep the camera online. " +
                             "Bad notifications are kept in the quarantine; the others are stored.")
            .RequireAuthorization(Policies.Connector);
        return app;
    }
}
