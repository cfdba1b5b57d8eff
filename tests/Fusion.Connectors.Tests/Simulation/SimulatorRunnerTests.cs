using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Connectors.Tests.Simulation;

public class SimulatorRunnerTests
{
    static readonly TimeSpan China = TimeSpan.FromHours(8);
    static readonly DateTimeOffset Start = new(2026, 10, 29, 0, 0, 0, China);
    static readonly MasterDataDocument Seed = HaixiSeed.Generate();
    static readonly Uri BaseUrl = new("http://platform.test:5080/");

    /// <summary>Stands in for the platform's HTTP endpoints: records each request and answers as told.</summary>
    sealed class StubPlatform(Func<string, string, HttpResponseMessage>? respond = null) : HttpMessageHandler
    {
        public ConcurrentQueue<(string Path, string Body, string? ContentType)> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var path = request.RequestUri!.AbsolutePath;
            Requests.Enqueue((path, body, request.Content.Headers.ContentType?.MediaType));
            return (respond ?? AcceptAll)(path, body);
        }

        public static HttpResponseMessage AcceptAll(string path, string body) =>
            Json(HttpStatusCode.OK, $$"""{ "accepted": {{Count(body)}}, "duplicates": 0, "rejected": [] }""");

        public static int Count(string body)
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.GetArrayLength()
                : doc.RootElement.TryGetProperty("features", out var features) ? features.GetArrayLength() : 1;
        }

        public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
            new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };
    }

    sealed class Log
    {
        readonly ConcurrentQueue<string> lines = new();
        public void Write(string line) => lines.Enqueue(line);
        public IReadOnlyList<string> Lines => lines.ToList();
    }

    static async Task Until(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), $"timed out waiting until {what}");
    }

    [Fact]
    public async Task GivenTwoDaysOfHistory_WhenBackfilled_ThenEachFeedReceivesJsonArraysOfAtMostTheMaximum()
    {
        var platform = new StubPlatform();
        var runner = new SimulatorRunner(new HttpClient(platform), BaseUrl, new FakeTimeProvider(Start.AddDays(2)), options: new() { MaxBatchSize = 50, BackfillWindow = TimeSpan.FromDays(1) });
        var simulator = new HaixiSimulator(Seed, Start);
        var expected = simulator.Between(Start, Start.AddDays(2)).Sum(b => b.Records.Count);

        await runner.BackfillAsync(simulator, Start, Start.AddDays(2));

        var requests = platform.Requests.ToList();
        Assert.All(requests, r => Assert.Contains(r.Path, SimulationFeeds.All.Select(f => $"/api/ingest/{f}")));
        Assert.All(requests, r => Assert.Equal(r.Path.EndsWith("/aerial-findings") ? "application/geo+json" : "application/json", r.ContentType));
        Assert.Contains("\"FeatureCollection\"", requests.First(r => r.Path.EndsWith("aerial-findings")).Body);
        Assert.All(requests, r => Assert.InRange(StubPlatform.Count(r.Body), 1, 50));
        Assert.Equal(expected, requests.Sum(r => StubPlatform.Count(r.Body)));
        Assert.Equal(expected, runner.Totals.Accepted);
        Assert.Contains(requests, r => StubPlatform.Count(r.Body) == 50);
        Assert.Contains("\"alarmId\":", requests.First(r => r.Path.EndsWith("camera-alarms")).Body);
        Assert.Contains("+08:00", requests.First(r => r.Path.EndsWith("camera-alarms")).Body);
    }

    [Fact]
    public void GivenHourlyBatches_WhenRegrouped_ThenFeedsAreGatheredPerWindowAndSplitAtTheMaximum()
    {
        var hourly = new HaixiSimulator(Seed, Start).Between(Start, Start.AddDays(6)).ToList();
        var regrouped = SimulatorRunner.Regroup(hourly, TimeSpan.FromDays(2), 300).ToList();
        Assert.All(regrouped, b => Assert.InRange(b.Records.Count, 1, 300));
        Assert.True(regrouped.Count < hourly.Count / 5);
        foreach (var feed in SimulationFeeds.All)
            Assert.Equal(hourly.Where(b => b.Feed == feed).SelectMany(b => b.Records), regrouped.Where(b => b.Feed == feed).SelectMany(b => b.Records));
    }

    [Fact]
    public async Task GivenTheMasterData_WhenPosted_ThenTheDocumentGoesToTheMasterDataEndpoint()
    {
        var platform = new StubPlatform((_, _) => StubPlatform.Json(HttpStatusCode.OK, """{ "accepted": 400, "duplicates": 9, "rejected": [] }"""));
        var runner = new SimulatorRunner(new HttpClient(platform), new Uri("http://platform.test:5080"), TimeProvider.System);

        var result = await runner.PostMasterDataAsync(Seed);

        var request = Assert.Single(platform.Requests);
        Assert.Equal("/api/master-data", request.Path);
        var posted = JsonSerializer.Deserialize<MasterDataDocument>(request.Body, HaixiSeed.JsonOptions)!;
        Assert.Equal(HaixiSeed.Serialize(Seed), HaixiSeed.Serialize(posted));
        Assert.Equal((400, 9, 0), (result!.Accepted, result.Duplicates, result.Rejected.Count));
    }

    [Fact]
    public async Task GivenA400WithRejections_WhenPosting_ThenTheyAreLoggedCountedAndNotRetried()
    {
        var platform = new StubPlatform((_, _) => StubPlatform.Json(HttpStatusCode.BadRequest, """
            { "type": "about:blank", "title": "Some records were rejected", "status": 400,
              "accepted": 2, "duplicates": 1,
              "rejected": [ { "index": 3, "recordId": "SIM2026-CA-1-03", "reason": "camera 'X' is not registered in master data" } ] }
            """, "application/problem+json"));
        var log = new Log();
        var runner = new SimulatorRunner(new HttpClient(platform), BaseUrl, new FakeTimeProvider(Start), log.Write);

        var result = await runner.PostAsync(SimulationFeeds.CameraAlarms, [new { alarmId = "a" }, new { alarmId = "b" }, new { alarmId = "c" }, new { alarmId = "d" }]);

        Assert.Single(platform.Requests);
        Assert.Equal((400, 2, 1), (result!.StatusCode, result.Accepted, result.Duplicates));
        Assert.Equal(new IngestRejection(3, "SIM2026-CA-1-03", "camera 'X' is not registered in master data"), Assert.Single(result.Rejected));
        Assert.Equal(new IngestTotals(1, 2, 1, 1, 0), runner.Totals);
        Assert.Contains(log.Lines, l => l.Contains("camera-alarms") && l.Contains("#3 SIM2026-CA-1-03: camera 'X' is not registered"));
    }

    [Fact]
    public async Task GivenTheConnectionFailsThreeTimes_WhenPosting_ThenItRetriesWithGrowingDelaysUntilAccepted()
    {
        var failures = 3;
        var platform = new StubPlatform((path, body) => Interlocked.Decrement(ref failures) >= 0
            ? throw new HttpRequestException("Connection refused (platform.test:5080)")
            : StubPlatform.AcceptAll(path, body));
        var time = new FakeTimeProvider(Start);
        var log = new Log();
        var runner = new SimulatorRunner(new HttpClient(platform), BaseUrl, time, log.Write);

        var posting = runner.PostAsync(SimulationFeeds.PublicReports, [new { reportId = "r1" }]);
        for (var i = 0; i < 100 && !posting.IsCompleted; i++)
        {
            await Task.Delay(10);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var result = await posting;
        Assert.Equal(1, result!.Accepted);
        Assert.Equal(4, platform.Requests.Count);
        Assert.Equal(["1", "2", "4"], log.Lines.Where(l => l.Contains("retrying in")).Select(l => l.Split("retrying in ")[1].Split(' ')[0]));
    }

    [Fact]
    public async Task GivenTheServerKeepsFailing_WhenPosting_ThenTheBatchIsGivenUpAfterTheMaximumAttempts()
    {
        var platform = new StubPlatform((_, _) => StubPlatform.Json(HttpStatusCode.ServiceUnavailable, """{ "title": "starting up" }"""));
        var time = new FakeTimeProvider(Start);
        var log = new Log();
        var runner = new SimulatorRunner(new HttpClient(platform), BaseUrl, time, log.Write, new() { MaxAttemptsOnServerError = 3 });

        var posting = runner.PostAsync(SimulationFeeds.FundDeposits, [new { depositId = "d1" }]);
        for (var i = 0; i < 100 && !posting.IsCompleted; i++)
        {
            await Task.Delay(10);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Null(await posting);
        Assert.Equal(3, platform.Requests.Count);
        Assert.Equal(1, runner.Totals.FailedBatches);
        Assert.Contains(log.Lines, l => l.Contains("gave up") && l.Contains("503"));
    }

    [Fact]
    public async Task GivenARun_WhenTimePasses_ThenItBackfillsGoesLiveSummarisesEachMinuteAndStopsWhenCancelled()
    {
        var platform = new StubPlatform();
        // A busy hour (ten alarms a second) so that every live step has something to post.
        var now = Start.AddDays(1).AddHours(1);
        var time = new FakeTimeProvider(now);
        var log = new Log();
        var options = new SimulatorRunnerOptions { Backfill = TimeSpan.Zero, Rates = new() { CameraAlarmsPerHour = 36_000 } };
        var runner = new SimulatorRunner(new HttpClient(platform), BaseUrl, time, log.Write, options);
        using var cancel = new CancellationTokenSource();

        var running = runner.RunAsync(Seed, cancel.Token);
        await Until(() => log.Lines.Any(l => l.Contains("backfill done")), "the backfill is done");
        var afterBackfill = platform.Requests.Count;
        var backfilled = platform.Requests.Sum(r => StubPlatform.Count(r.Body));
        // The backfill starts at local midnight: one hour of history.
        Assert.InRange(backfilled, 36_000 * 0.95, 36_000 * 1.05);

        for (var step = 1; step <= 13; step++)
        {
            time.Advance(options.LiveInterval);
            await Until(() => platform.Requests.Count > afterBackfill + step - 1, $"live post {step}");
        }

        var live = platform.Requests.Skip(afterBackfill).ToList();
        Assert.All(live, r => Assert.Equal("/api/ingest/camera-alarms", r.Path));
        Assert.InRange(live.Sum(r => StubPlatform.Count(r.Body)), 65 * 10 * 0.8, 65 * 10 * 1.2);
        await Until(() => log.Lines.Any(l => l.Contains("last 1 min")), "a summary is logged");

        cancel.Cancel();
        await running;
        Assert.Contains(log.Lines, l => l.Contains("stopped"));
        Assert.Contains(log.Lines, l => l.Contains("story (a)"));
        Assert.Equal(0, runner.Totals.Rejected);
    }
}
