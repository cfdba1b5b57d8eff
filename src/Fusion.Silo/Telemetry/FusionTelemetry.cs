using System.Diagnostics;
using JasperFx.Events;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Fusion.Silo.Telemetry;

/// <summary>
/// Traces and metrics. One ActivitySource per pipeline stage; the trace context an ingest request (or an
/// HJ 212 write) stores in each event's metadata ("traceparent") is continued by the subscriptions and
/// the grains, so one record's trace runs from its request to its score. Prometheus at /metrics; OTLP
/// for metrics, traces and logs when OTEL_EXPORTER_OTLP_ENDPOINT is set; Fusion:Telemetry:Enabled=false
/// turns all of it off.
/// </summary>
public static class FusionTelemetry
{
    public static readonly ActivitySource Ingest = new("Fusion.Ingest");
    public static readonly ActivitySource Hj212 = new("Fusion.Hj212");
    public static readonly ActivitySource Risk = new("Fusion.Risk");
    public static readonly ActivitySource Analytics = new("Fusion.Analytics");
    public static readonly ActivitySource Board = new("Fusion.Board");

    const string TraceHeader = "traceparent";
    const int MaxLinks = 32;

    public static bool Enabled(IConfiguration config) => config.GetValue("Fusion:Telemetry:Enabled", true);

    public static void AddFusionTelemetry(this WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return;
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m
                .AddMeter(FusionMetrics.MeterName, "Npgsql", "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // Every scrape reads the gauges then (no 300 ms cached answer): /metrics says what /health says.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(t => t
                .AddSource(Ingest.Name, Hj212.Name, Risk.Name, Analytics.Name, Board.Name, "Npgsql", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Logging.AddOpenTelemetry(l => { l.IncludeFormattedMessage = true; l.IncludeScopes = true; });
            otel.UseOtlpExporter();
        }
    }

    public static void MapFusionTelemetry(this WebApplication app)
    {
        if (Enabled(app.Configuration)) app.MapPrometheusScrapingEndpoint().AllowAnonymous();
    }

    /// <summary>The trace context an event was appended under, if its metadata holds one.</summary>
    public static ActivityContext? TraceOf(IEvent e) =>
        e.Headers is { } h && h.TryGetValue(TraceHeader, out var v) && v?.ToString() is { Length: > 0 } s
            && ActivityContext.TryParse(s, null, out var context) ? context : null;

    /// <summary>
    /// An activity for a subscription's page: it belongs to no single request, so it links to the traces
    /// of the events it carries (the first few) instead of choosing one parent.
    /// </summary>
    public static Activity? StartPage(ActivitySource source, string name, IReadOnlyList<IEvent> events)
    {
        if (!source.HasListeners()) return null;
        var links = events.Select(TraceOf).OfType<ActivityContext>().Distinct().Take(MaxLinks).Select(c => new ActivityLink(c));
        var activity = source.StartActivity(name, ActivityKind.Consumer, parentContext: default, links: links);
        activity?.SetTag("fusion.events", events.Count);
        if (events.Count > 0) activity?.SetTag("fusion.sequence.last", events[^1].Sequence);
        return activity;
    }

    /// <summary>An activity continuing the trace of the record that caused this work (a grain call, say).</summary>
    public static Activity? StartContinuing(ActivitySource source, string name, ActivityContext? cause, ActivityKind kind = ActivityKind.Internal)
    {
        if (!source.HasListeners()) return null;
        var links = Activity.Current is { } page ? new[] { new ActivityLink(page.Context) } : null;
        return cause is { } parent
            ? source.StartActivity(name, kind, parent, links: links)
            : source.StartActivity(name, kind);
    }
}
