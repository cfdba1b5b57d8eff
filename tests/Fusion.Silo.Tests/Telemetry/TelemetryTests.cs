using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Telemetry;

public sealed class TelemetryTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    [Fact]
    public async Task GivenAnIngestRequestWithATraceContext_WhenItsRecordIsScored_ThenTheAppendTheSubscriptionAndTheGrainCallContinueThatTrace()
    {
        var trace = ActivityTraceId.CreateRandom();
        var seen = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("Fusion.", StringComparison.Ordinal) || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.TraceId == trace) seen.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);

        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/camera-alarms")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new[] { Alarm("A-T1", "CAM-POTASH-1", T0.AddHours(-1)) }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        await app.CaughtUpAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!seen.Any(a => a.OperationName == "risk observe") && DateTime.UtcNow < deadline) await Task.Delay(50);
        var names = seen.Select(a => $"{a.Source.Name}:{a.OperationName}").ToHashSet();
        Assert.Contains("Fusion.Ingest:ingest camera-alarms", names);
        Assert.Contains("Fusion.Risk:risk observe", names);
        // Orleans carries the context into the grain call.
        Assert.Contains(seen, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.OperationName.Contains("StageAsync"));
        var observe = seen.First(a => a.OperationName == "risk observe");
        Assert.Equal(Potash, observe.GetTagItem("fusion.subject"));
    }

    [Fact]
    public async Task GivenRecordsIngested_ThenMetricsShowBatchDurationPerFeedAndTheRuntimeStoreAndOrleansMeters()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-M1", "CAM-POTASH-1", T0.AddHours(-1)), new { alarmId = "bad" } });
        await app.CaughtUpAsync();

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("fusion_ingest_records_total{", metrics);
        Assert.Matches("fusion_ingest_batch_duration_seconds_bucket\\{[^}]*feed=\"camera-alarms\"", metrics);
        Assert.Contains("fusion_subscription_lag", metrics);
        Assert.Contains("dotnet_gc_collections_total", metrics);
        Assert.Contains("db_client_operation_duration_seconds", metrics);
        Assert.Contains("orleans_", metrics);
    }

    [Fact]
    public async Task GivenTelemetryIsSwitchedOff_ThenThereIsNoMetricsEndpointAndIngestStillWorks()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Telemetry:Enabled"] = "false" });
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
        await http.PostJsonAsync("/api/master-data", Haixi());
        var response = await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-O1", "CAM-POTASH-1", T0.AddHours(-1)) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
