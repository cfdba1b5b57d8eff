using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Ingest;

public sealed class IngestTests : IAsyncLifetime
{
    FusionApp app = null!;
    HttpClient http = null!;
    static readonly DateTimeOffset T0 = FusionApp.T0;

    public async Task InitializeAsync()
    {
        app = await FusionApp.StartAsync();
        http = app.CreateClient();
        var seeded = await http.PostJsonAsync("/api/master-data", Haixi());
        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task GivenABatchPostedTwice_WhenPostedAgain_ThenAllAreDuplicatesAndNoEventIsAppended()
    {
        object[] batch = [Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-3)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-2)), Alarm("A-3", "CAM-SODA-1", T0.AddHours(-1))];
        var first = await (await http.PostJsonAsync("/api/ingest/camera-alarms", batch)).JsonAsync();
        Assert.Equal(3, first.GetProperty("accepted").GetInt32());
        var events = await app.EventCountAsync();

        var again = await http.PostJsonAsync("/api/ingest/camera-alarms", batch);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.JsonAsync();
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
        Assert.Equal(3, body.GetProperty("duplicates").GetInt32());
        Assert.Equal(events, await app.EventCountAsync());
    }

    [Fact]
    public async Task GivenTheSameBatchPostedByFourClientsAtOnce_ThenEachRecordIsStoredExactlyOnce()
    {
        var records = Enumerable.Range(0, 200).Select(i => Alarm($"C-{i}", i % 2 == 0 ? "CAM-POTASH-1" : "CAM-SODA-1", T0.AddMinutes(-i))).ToArray();
        var before = await app.EventCountAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            await (await http.PostJsonAsync("/api/ingest/camera-alarms", records)).JsonAsync()));

        Assert.Equal(200, answers.Sum(a => a.GetProperty("accepted").GetInt32()));
        Assert.Equal(600, answers.Sum(a => a.GetProperty("duplicates").GetInt32()));
        Assert.Equal(before + 200, await app.EventCountAsync());
    }

    [Fact]
    public async Task GivenEightClientsPostingOverlappingBatchesOverTheSameCameras_ThenNoneFailsAndEachRecordIsStoredExactlyOnce()
    {
        var cameras = new[] { "CAM-POTASH-1", "CAM-SODA-1" };
        var pool = Enumerable.Range(0, 400).Select(i => (Id: $"O-{i}", Record: Alarm($"O-{i}", cameras[i % 2], T0.AddMinutes(-i)))).ToArray();
        var before = await app.EventCountAsync();

        // Each client posts five batches of 120 records from different places in the pool, so every record
        // is sent by several clients at once, in different batches, onto the same two enterprise streams.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async client =>
        {
            var results = new List<(HttpStatusCode Status, string Body, string[] Ids)>();
            for (var b = 0; b < 5; b++)
            {
                var batch = Enumerable.Range(0, 120).Select(k => pool[(client * 50 + b * 80 + k) % pool.Length]).ToArray();
                var response = await http.PostJsonAsync("/api/ingest/camera-alarms", batch.Select(r => r.Record).ToArray());
                results.Add((response.StatusCode, await response.Content.ReadAsStringAsync(), batch.Select(r => r.Id).ToArray()));
            }
            return results;
        }));

        var all = answers.SelectMany(a => a).ToList();
        Assert.All(all, a => Assert.True(a.Status == HttpStatusCode.OK, $"{(int)a.Status}: {a.Body}"));
        var sent = all.SelectMany(a => a.Ids).Distinct().Count();
        var bodies = all.Select(a => System.Text.Json.JsonDocument.Parse(a.Body).RootElement).ToList();
        Assert.Equal(sent, bodies.Sum(b => b.GetProperty("accepted").GetInt32()));
        Assert.Equal(all.Sum(a => a.Ids.Length) - sent, bodies.Sum(b => b.GetProperty("duplicates").GetInt32()));
        Assert.Equal(before + sent, await app.EventCountAsync());

        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using (var stored = new Npgsql.NpgsqlCommand(
            "SELECT count(*), count(DISTINCT data->>'alarmId') FROM fusion.mt_events WHERE type = 'camera_alarm_raised' AND data->>'alarmId' LIKE 'O-%'", conn))
        await using (var reader = await stored.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.Equal(sent, reader.GetInt64(0));
            Assert.Equal(sent, reader.GetInt64(1));
        }
        // Every stream's versions run 1..n without a gap or a repeat, and the stream row says n.
        await using var versions = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM (SELECT e.stream_id FROM fusion.mt_events e JOIN fusion.mt_streams s ON s.id = e.stream_id " +
            "GROUP BY e.stream_id, s.version HAVING count(*) <> max(e.version) OR min(e.version) <> 1 OR max(e.version) <> s.version) broken", conn);
        Assert.Equal(0L, (long)(await versions.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task GivenBatchesArrivingWhileAnAppendWaits_ThenTheNextTransactionHoldsThemAll_EachAnsweredWithItsOwnCounts()
    {
        (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("G-0", "CAM-POTASH-1", T0.AddHours(-5)) })).EnsureSuccessStatusCode();
        await using var holder = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync();
        await using var watch = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await watch.OpenAsync();
        string stream;
        await using (var find = new Npgsql.NpgsqlCommand("SELECT stream_id FROM fusion.mt_events WHERE data->>'alarmId' = 'G-0'", holder))
            stream = (string)(await find.ExecuteScalarAsync())!;

        // Another writer holds the stream: the host's append transactions (one per writer) wait on it with a batch each,
        // and the batches after them wait for one of those.
        var held = await holder.BeginTransactionAsync();
        await using (var lockStream = new Npgsql.NpgsqlCommand("SELECT 1 FROM fusion.mt_streams WHERE id = @s FOR UPDATE", holder, held))
        {
            lockStream.Parameters.AddWithValue("s", stream);
            await lockStream.ExecuteScalarAsync();
        }
        var writers = app.Services.GetRequiredService<Fusion.Silo.Ingest.IngestOptions>().AppendWriters;
        var first = new List<Task<HttpResponseMessage>>();
        for (var w = 0; w < writers; w++)
        {
            first.Add(http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm($"G-1{w}", "CAM-POTASH-1", T0.AddHours(-4).AddMinutes(w)) }));
            await TestDatabase.WaitingOnLockAsync(watch, "mt_streams", count: w + 1);
        }
        var writer = app.Services.GetRequiredService<Fusion.Silo.Ingest.IngestWriter>();
        // G-5 is in two of the waiting batches: stored for the first of them, a duplicate for the other. Each is posted
        // once the one before it waits, so they wait in this order.
        object[][] batches =
        [
            [Alarm("G-2", "CAM-POTASH-1", T0.AddHours(-3)), Alarm("G-5", "CAM-SODA-1", T0.AddHours(-3))],
            [Alarm("G-3", "CAM-SODA-1", T0.AddHours(-2)), Alarm("G-5", "CAM-SODA-1", T0.AddHours(-3))],
            [Alarm("G-4", "CAM-POTASH-1", T0.AddHours(-1))],
        ];
        var later = new List<Task<HttpResponseMessage>>();
        foreach (var batch in batches)
        {
            later.Add(http.PostJsonAsync("/api/ingest/camera-alarms", batch));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (writer.Waiting < later.Count && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(later.Count, writer.Waiting);
        }
        await held.RollbackAsync();

        foreach (var f in first) Assert.Equal(1, (await (await f).JsonAsync()).GetProperty("accepted").GetInt32());
        var answers = await Task.WhenAll(later.Select(async l => await (await l).JsonAsync()));
        Assert.Equal([2, 1, 1], answers.Select(a => a.GetProperty("accepted").GetInt32()));
        Assert.Equal([0, 1, 0], answers.Select(a => a.GetProperty("duplicates").GetInt32()));

        // One transaction for the three waiting batches (their rows share it), others before it for the first ones.
        await using var xmin = new Npgsql.NpgsqlCommand(
            "SELECT data->>'alarmId', xmin::text FROM fusion.mt_events WHERE type = 'camera_alarm_raised' AND data->>'alarmId' LIKE 'G-%'", watch);
        var transactions = new List<(string Alarm, string Xmin)>();
        await using (var reader = await xmin.ExecuteReaderAsync())
            while (await reader.ReadAsync()) transactions.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Equal(5 + writers, transactions.Count);
        var group = transactions.Where(t => t.Alarm is "G-2" or "G-3" or "G-4" or "G-5").Select(t => t.Xmin).Distinct().ToList();
        Assert.Single(group);
        Assert.DoesNotContain(transactions.Where(t => t.Alarm.StartsWith("G-1", StringComparison.Ordinal)), t => t.Xmin == group[0]);
    }

    [Fact]
    public async Task GivenTheSameRecordTwiceInOneBatch_ThenItIsStoredOnce()
    {
        var response = await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-9", "CAM-POTASH-1", T0), Alarm("A-9", "CAM-POTASH-1", T0) });

        var body = await response.JsonAsync();
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task GivenABatchWithBadRecords_ThenBadRequestGoodOnesStoredAndBadOnesQuarantined()
    {
        var before = await app.EventCountAsync();
        object[] batch =
        [
            Alarm("G-1", "CAM-POTASH-1", T0),
            new { alarmId = "B-1", cameraId = "CAM-UNKNOWN", alarmType = "tamper", confidence = 0.5, occurredAt = T0 },
            Alarm("G-2", "CAM-SODA-1", T0),
            new { alarmId = "B-2", cameraId = "CAM-SODA-1", alarmType = "fire", confidence = 0.5, occurredAt = T0 },
            new { alarmId = "B-3", cameraId = "CAM-SODA-1", alarmType = "tamper", confidence = 0.5, occurredAt = "2026-11-28 10:00" },
        ];

        var response = await http.PostJsonAsync("/api/ingest/camera-alarms", batch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(2, problem.GetProperty("accepted").GetInt32());
        var rejected = problem.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([1, 3, 4], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Contains("camera 'CAM-UNKNOWN' is not registered", rejected[0].GetProperty("reason").GetString());
        Assert.Contains("'alarmType' is 'fire'", rejected[1].GetProperty("reason").GetString());
        Assert.Contains("'occurredAt' should be a date and time with its UTC offset", rejected[2].GetProperty("reason").GetString());
        Assert.Equal(before + 2, await app.EventCountAsync());

        var quarantine = (await http.GetJsonAsync("/api/quarantine?feed=camera-alarms")).EnumerateArray().ToList();
        Assert.Equal(["B-1", "B-2", "B-3"], quarantine.Select(q => q.GetProperty("recordId").GetString()).Order());
        Assert.All(quarantine, q => Assert.Contains(q.GetProperty("recordId").GetString()!, q.GetProperty("raw").GetString()));
    }

    [Fact]
    public async Task GivenMalformedJson_ThenBadRequestAndTheRawBodyIsQuarantined()
    {
        const string raw = "[{\"alarmId\": \"X-1\", \"cameraId\": ";
        var response = await http.PostAsync("/api/ingest/camera-alarms", new StringContent(raw, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (await response.JsonAsync()).GetProperty("detail").GetString());
        var quarantined = (await http.GetJsonAsync("/api/quarantine")).EnumerateArray().Single();
        Assert.Equal(raw, quarantined.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task GivenASingleObjectInsteadOfAnArray_ThenBadRequestSayingSo()
    {
        var response = await http.PostJsonAsync("/api/ingest/public-reports", Report("R-1", "S-POTASH-OUT", T0));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("should be a JSON array", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GivenAnUnknownFeed_ThenNotFoundListingTheFeeds()
    {
        var response = await http.PostAsync("/api/ingest/smoke-signals", new StringContent("[]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("camera-alarms", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GivenEachFeed_WhenAValidRecordIsPosted_ThenItIsAccepted()
    {
        var feeds = new Dictionary<string, object>
        {
            ["aerial-findings"] = new { findingId = "F-1", platform = "drone", findingType = "illegal dumping", severity = "high", longitude = 94.962, latitude = 36.372, observedAt = T0 },
            ["public-reports"] = Report("R-1", "S-POTASH-OUT", T0),
            ["inspection-findings"] = new { findingId = "I-1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Tailings seepage", severity = "medium", rectifyBy = "2026-12-31", recordedBy = "Commissioner Test", recordedAt = T0 },
            ["fund-deposits"] = new { depositId = "D-1", enterpriseId = SodaAsh, period = "2026-10", amountYuan = 50_000m, salesRevenueYuan = 75_000_000m, depositedAt = T0 },
        };
        foreach (var (feed, record) in feeds)
        {
            var response = await http.PostJsonAsync($"/api/ingest/{feed}", new[] { record });
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{feed}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(1, (await response.JsonAsync()).GetProperty("accepted").GetInt32());
        }
    }

    [Fact]
    public async Task GivenAnAlarmFromACameraNotYetRegistered_WhenTheCameraIsRegisteredAndTheRecordReplayed_ThenItIsStoredAndResolved()
    {
        var rejected = await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("LATE-1", "CAM-NEW", T0) });
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        var entry = (await http.GetJsonAsync("/api/quarantine?open=true")).EnumerateArray().Single();
        var id = entry.GetProperty("id").GetGuid();

        var tooEarly = await http.PostAsync($"/api/quarantine/{id}/replay", null);
        Assert.Equal(HttpStatusCode.BadRequest, tooEarly.StatusCode);
        Assert.Contains("camera 'CAM-NEW' is not registered", (await tooEarly.JsonAsync()).GetProperty("detail").GetString());

        var site = Haixi().Enterprises![1].Sites![0];
        await http.PostJsonAsync("/api/master-data", Haixi() with
        {
            Regions = [], Enterprises = [Haixi().Enterprises![1] with { Sites = [site with { SiteId = "S-SODA-SLAG-2", Cameras = [new("CAM-NEW")] }] }],
        });
        var before = await app.EventCountAsync();
        var replayed = await http.PostAsync($"/api/quarantine/{id}/replay", null);

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal(1, (await replayed.JsonAsync()).GetProperty("accepted").GetInt32());
        Assert.Equal(before + 1, await app.EventCountAsync());
        Assert.Empty((await http.GetJsonAsync("/api/quarantine?open=true")).EnumerateArray());
        Assert.Equal("replayed: accepted", (await http.GetJsonAsync("/api/quarantine")).EnumerateArray().Single().GetProperty("resolution").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"/api/quarantine/{Guid.NewGuid()}/replay", null)).StatusCode);
    }

    [Fact]
    public async Task GivenAQuarantinedRecordBeingReplayed_WhenItsRawInputIsRedactedMeanwhile_ThenTheReplayRecordsItsResolutionOverTheRedaction()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("LATE-2", "CAM-NEW", T0) })).StatusCode);
        var id = (await http.GetJsonAsync("/api/quarantine?open=true")).EnumerateArray().Single().GetProperty("id").GetGuid();
        var site = Haixi().Enterprises![1].Sites![0];
        await http.PostJsonAsync("/api/master-data", Haixi() with
        {
            Regions = [], Enterprises = [Haixi().Enterprises![1] with { Sites = [site with { SiteId = "S-SODA-SLAG-2", Cameras = [new("CAM-NEW")] }] }],
        });

        // Another writer of the quarantine (the reporters' migration redacting raw input) holds it and rewrites the record.
        await using var writer = await WriterMidWrite.StartAsync(app, Fusion.Silo.Store.RevisionGuard.TableOf<Fusion.Silo.Ingest.QuarantinedRecord>(app.Store), id,
            "jsonb_set(data, '{raw}', '\"redacted\"')");
        var replay = http.PostAsync($"/api/quarantine/{id}/replay", null);
        await writer.CommitOnceWaitedOnAsync();

        Assert.Equal(HttpStatusCode.OK, (await replay).StatusCode);
        await using var session = app.Store.QuerySession();
        var record = await session.LoadAsync<Fusion.Silo.Ingest.QuarantinedRecord>(id);
        Assert.Equal(("redacted", "replayed: accepted"), (record!.Raw, record.Resolution));
    }
}
