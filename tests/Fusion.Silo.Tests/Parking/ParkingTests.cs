using System.Net;
using System.Text;
using System.Text.Json;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Projections.Projection;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Parking;

/// <summary>
/// A consumer never stops for everyone: an event that one subscription cannot apply is parked with its
/// reason, shown at /api/parked, in /health (degraded) and in a metric, and the subscription moves on;
/// retried once the cause is fixed, it goes in. Real host, real PostgreSQL, real DuckDB.
/// </summary>
public sealed class ParkingTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>Appends straight to the store, as a feed of tomorrow might: valid for the store, not for every consumer.</summary>
    static async Task<long> AppendAsync(FusionApp app, string stream, object e)
    {
        await using var session = app.Store.LightweightSession();
        session.Events.Append(stream, e);
        await session.SaveChangesAsync();
        await using var query = app.Store.QuerySession();
        return await Marten.QueryableExtensions.MaxAsync(query.Events.QueryAllRawEvents(), x => x.Sequence);
    }

    /// <summary>The Haixi master data and a fund deposit beyond what the analytics column holds (DECIMAL(18,2): less than 10^16 yuan); its sequence.</summary>
    static async Task<long> HugeDepositAsync(FusionApp app, HttpClient http)
    {
        await http.PostJsonAsync("/api/master-data", Haixi());
        return await AppendAsync(app, Potash, new FundDepositRecorded("D-HUGE", Potash, "GOLMUD-IP", "2026-10", 1e17m, 1e18m, 1e15m, T0));
    }

    static async Task<JsonElement> WaitForAsync(HttpClient http, string url, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await http.GetAsync(url);
            var body = await response.JsonAsync();
            if (condition(body)) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} never met the condition: {body}");
            await Task.Delay(100);
        }
    }

    static StringContent Sql(string sql) => new(JsonSerializer.Serialize(new { sql }), Encoding.UTF8, "application/json");

    static async Task<long> CountAsync(HttpClient http, string sql)
    {
        var response = await http.PostAsync("/api/analytics/sql", Sql(sql));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("rows")[0].EnumerateObject().First().Value.GetInt64();
    }

    /// <summary>The value of fusion_consumer_parked for one consumer in the Prometheus exposition.</summary>
    static double ParkedGauge(string exposition, string consumer) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith("fusion_consumer_parked{", StringComparison.Ordinal) && l.Contains($"consumer=\"{consumer}\""))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .Single();

    [Fact]
    public async Task GivenAnAmountBeyondTheAnalyticsColumn_WhenProjected_ThenItIsParkedTheRestGoesOnAndARetryAfterTheFixAppliesIt()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var poison = await HugeDepositAsync(app, http);
        var after = await AppendAsync(app, SodaAsh, new FundDepositRecorded("D-OK", SodaAsh, "DELINGHA", "2026-10", 90_000m, 900_000_000m, 75_000m, T0));

        await WaitForAsync(http, "/api/analytics/status", s => s.GetProperty("lastSequence").GetInt64() >= after);
        Assert.Equal(1, await CountAsync(http, "SELECT count(*) FROM fund_deposits WHERE deposit_id = 'D-OK'"));
        Assert.Equal(0, await CountAsync(http, "SELECT count(*) FROM fund_deposits WHERE deposit_id = 'D-HUGE'"));

        var parked = await http.GetJsonAsync("/api/parked?consumer=analytics");
        var item = Assert.Single(parked.GetProperty("items").EnumerateArray());
        Assert.Equal(poison, item.GetProperty("sequence").GetInt64());
        Assert.Equal("FundDepositRecorded", item.GetProperty("eventType").GetString());
        Assert.Contains("Exception", item.GetProperty("reason").GetString());

        var health = await http.GetJsonAsync("/health");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains("analytics", health.GetProperty("problem").GetString());
        var status = await http.GetJsonAsync("/api/analytics/status");
        Assert.Equal(1, status.GetProperty("parked").GetInt32());
        Assert.Equal("Running", status.GetProperty("state").GetString());
        Assert.Equal(1, ParkedGauge(await http.GetStringAsync("/metrics"), "analytics"));

        var id = item.GetProperty("id").GetString()!;
        var stillFailing = await http.PostAsync($"/api/parked/{id}/retry", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stillFailing.StatusCode);

        // The fix: the column is widened (as a schema migration would).
        using (var conn = app.Services.GetRequiredService<AnalyticsProjector>().Database.Connect())
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "ALTER TABLE fund_deposits ALTER amount_yuan TYPE DECIMAL(38,2); ALTER TABLE fund_deposits ALTER sales_revenue_yuan TYPE DECIMAL(38,2)";
            cmd.ExecuteNonQuery();
        }
        // Sent four times at once (a client repeating itself, two silos): applied once, the others find it resolved.
        var retries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => http.PostAsync($"/api/parked/{id}/retry", null)));
        foreach (var retried in retries)
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.NotEqual(JsonValueKind.Null, (await retried.JsonAsync()).GetProperty("resolvedAt").ValueKind);
        }
        Assert.Equal(1, await CountAsync(http, "SELECT count(*) FROM fund_deposits WHERE deposit_id = 'D-HUGE'"));
        Assert.Equal(1, await CountAsync(http, $"SELECT count(*) FROM events WHERE sequence = {poison}"));

        Assert.Empty((await http.GetJsonAsync("/api/parked?consumer=analytics")).GetProperty("items").EnumerateArray());
        Assert.Equal("up", (await http.GetJsonAsync("/health")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/parked/{id}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task GivenARetryThatStillFails_WhenTheEventIsResolvedMeanwhile_ThenTheRetryDoesNotReopenIt()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        var poison = await HugeDepositAsync(app, http);
        var item = Assert.Single((await WaitForAsync(http, "/api/parked?consumer=analytics", p => p.GetProperty("items").GetArrayLength() == 1)).GetProperty("items").EnumerateArray());
        var id = item.GetProperty("id").GetString()!;

        // Meanwhile another writer of the parked records (a rebuild that now takes the event) holds them and resolves it.
        await using var writer = await WriterMidWrite.StartAsync(app, Fusion.Silo.Store.RevisionGuard.TableOf<Fusion.Silo.Parking.ParkedEvent>(app.Store), id,
            "jsonb_set(data, '{resolvedAt}', to_jsonb(now()))");
        var retry = http.PostAsync($"/api/parked/{id}/retry", null); // the column is still too narrow: it fails again
        await writer.CommitOnceWaitedOnAsync();

        Assert.Equal(HttpStatusCode.OK, (await retry).StatusCode);
        var record = await http.GetJsonAsync($"/api/parked/{id}");
        Assert.NotEqual(JsonValueKind.Null, record.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(poison, record.GetProperty("sequence").GetInt64());
        Assert.Empty((await http.GetJsonAsync("/api/parked?consumer=analytics&open=true")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task GivenASignalItsRiskGrainCannotStore_WhenDelivered_ThenItIsParkedAndOtherEnterprisesAreStillScored()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        // An enterprise id far beyond what an index row of PostgreSQL holds: its grain's snapshot cannot be stored.
        var huge = string.Concat(Enumerable.Range(0, 400).Select(_ => Guid.NewGuid().ToString("N")));
        var poison = await AppendAsync(app, "camera:CAM-X", new CameraAlarmRaised("A-HUGE", "CAM-X", "S-X", huge, "GOLMUD", CameraAlarmType.AbnormalDischarge, 0.9, null, "test", T0));
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-SODA-1", T0.AddMinutes(-5)) })).StatusCode);

        var score = await WaitForAsync(http, $"/api/enterprises/{SodaAsh}/risk", r => r.TryGetProperty("score", out var s) && s.GetDouble() > 0);
        Assert.True(score.GetProperty("score").GetDouble() > 0);
        var parked = await WaitForAsync(http, "/api/parked?consumer=live-risk", p => p.GetProperty("items").GetArrayLength() > 0);
        var item = Assert.Single(parked.GetProperty("items").EnumerateArray());
        Assert.Equal(poison, item.GetProperty("sequence").GetInt64());
        Assert.Equal("degraded", (await http.GetJsonAsync("/health")).GetProperty("status").GetString());
        Assert.Equal(1, ParkedGauge(await http.GetStringAsync("/metrics"), "live-risk"));

        var retry = await http.PostAsync($"/api/parked/{item.GetProperty("id").GetString()}/retry", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
        Assert.Contains("still cannot apply", (await retry.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GivenAFindingNoCaseCreditOrBlacklistFileCanHold_WhenDelivered_ThenEachOfThoseConsumersParksIt_AndTakesTheNextFinding()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        // Ids far beyond what an index row of PostgreSQL holds: no case, credit file or evidence file can be stored for it.
        var huge = string.Concat(Enumerable.Range(0, 400).Select(_ => Guid.NewGuid().ToString("N")));
        var poison = await AppendAsync(app, $"finding:{Guid.NewGuid():N}", new InspectionFindingRecorded(huge, huge, "GOLMUD", null, "dumping", Severity.Critical,
            DateOnly.FromDateTime(T0.UtcDateTime).AddDays(30), "I-1", T0.AddHours(-2)));
        var finding = new { findingId = "F-OK", enterpriseId = Potash, violation = "slag outside the yard", severity = "high", rectifyBy = "2026-12-31", recordedBy = "I-2", recordedAt = T0.AddHours(-1) };
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { finding })).StatusCode);

        foreach (var consumer in new[] { "rectification-cases", "credit-deductions", "blacklist-criteria" })
        {
            var parked = await WaitForAsync(http, $"/api/parked?consumer={consumer}", p => p.GetProperty("items").GetArrayLength() > 0);
            Assert.Equal(poison, Assert.Single(parked.GetProperty("items").EnumerateArray()).GetProperty("sequence").GetInt64());
        }
        await WaitForAsync(http, "/api/cases?enterprise=" + Potash, c => c.ToString().Contains("finding-F-OK"));
        await WaitForAsync(http, $"/api/enterprises/{Potash}/credit", c => c.ToString().Contains("F-OK"));
        Assert.Equal("degraded", (await http.GetJsonAsync("/health")).GetProperty("status").GetString());
        var retry = await http.PostAsync($"/api/parked/rectification-cases:{poison}/retry", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
    }

    [Fact]
    public async Task GivenNoParkedEvent_WhenRetried_Then404()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/parked/analytics:999999/retry", null)).StatusCode);
        Assert.Equal("up", (await http.GetJsonAsync("/health")).GetProperty("status").GetString());
    }
}
