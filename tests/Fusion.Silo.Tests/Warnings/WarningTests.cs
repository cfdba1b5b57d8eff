using System.Net;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>Early warning through the real host: the shipped rules, the risk subscription's pass, the warning clock, the API.</summary>
public sealed class WarningTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>The warning clock rings often so tests wait little after moving the platform's time.</summary>
    internal static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Fusion:Warnings:TickEvery"] = "00:00:00.2" };
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    /// <summary>Golmud's commissioner and a prefecture leader linked to Golmud, beside the test master data.</summary>
    static MasterDataDocument ChainOfResponsibility() => new(
        Leaders: [new("L-HAIXI-01", "Prefecture Leader", "海西州委书记", "GOLMUD", null, "l-haixi-01@example.cn", "prefecture")],
        Commissioners: [new("COMM-01", "Commissioner Guo", "GOLMUD", null, "comm-01@example.cn")]);

    internal static async Task<JsonElement> WaitForAsync(HttpClient http, string url, Func<JsonElement, bool> until, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var answer = await http.GetJsonAsync(url);
            if (until(answer)) return answer;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: still {answer}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task GivenThreeDischargeAlarmsAtOneOutfall_WhenNobodyAcknowledges_ThenTheWarningEscalates_AndItsLifecycleAnswersThroughTheApi()
    {
        await using var app = await FusionApp.StartAsync(settings: Settings());
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/master-data", ChainOfResponsibility())).EnsureSuccessStatusCode();
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
            { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-3)) });
        await app.CaughtUpAsync();
        Assert.Equal(0, (await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).GetArrayLength());

        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-3", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();
        var warning = Assert.Single((await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).EnumerateArray());
        var id = warning.GetProperty("id").GetString()!;
        Assert.Equal("repeated-discharge-alarms.S-POTASH-OUT.1", id);
        Assert.Equal(("raised", "High", Potash, "GOLMUD-IP"), (warning.GetProperty("status").GetString(), warning.GetProperty("severity").GetString(),
            warning.GetProperty("enterpriseId").GetString(), warning.GetProperty("regionId").GetString()));
        Assert.Equal(["camera-alarm:A-1", "camera-alarm:A-2", "camera-alarm:A-3"], warning.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));
        Assert.True(warning.GetProperty("riskScore").GetDouble() > 0);
        Assert.NotEmpty(warning.GetProperty("riskExplanation").EnumerateArray());
        // The park has no leader of its own: its parent region's.
        Assert.Equal(["L-GOLMUD"], warning.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("recipientId").GetString()));

        // A fourth alarm groups into the open warning.
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-4", "CAM-POTASH-1", T0.AddMinutes(-30)) });
        await app.CaughtUpAsync();
        var grouped = (await http.GetJsonAsync($"/api/warnings/{id}")).GetProperty("warning");
        Assert.Equal((2, 4), (grouped.GetProperty("count").GetInt32(), grouped.GetProperty("evidence").GetArrayLength()));
        Assert.Single((await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).EnumerateArray());

        // Nobody acknowledges within the rule's ten minutes: up to the region's commissioner.
        app.Time.Advance(TimeSpan.FromMinutes(10));
        var escalated = (await WaitForAsync(http, $"/api/warnings/{id}", w => w.GetProperty("warning").GetProperty("status").GetString() == "escalated", "escalation")).GetProperty("warning");
        Assert.Equal(["COMM-01"], escalated.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("recipientId").GetString()));

        var ack = await http.PostJsonAsync($"/api/warnings/{id}/acknowledge", new { note = "on my way" });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("acknowledged", (await ack.JsonAsync()).GetProperty("status").GetString());
        var resolved = await http.PostJsonAsync($"/api/warnings/{id}/resolve", new { note = "outfall sealed" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal(["raised", "repeated", "escalated", "acknowledged", "resolved"],
            (await resolved.JsonAsync()).GetProperty("history").EnumerateArray().Select(h => h.GetProperty("transition").GetString()));

        var again = await http.PostJsonAsync($"/api/warnings/{id}/resolve", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("resolved", (await again.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync($"/api/warnings/{id}/acknowledge", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostJsonAsync("/api/warnings/nope/acknowledge", new { })).StatusCode);
        // An act is recorded under the token's name: a 'by' naming someone else is refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostJsonAsync($"/api/warnings/{id}/acknowledge", new { by = "COMM-01", note = "who?" })).StatusCode);

        // The analytics projection folds the typed events: the response-time query answers.
        await app.CaughtUpAsync();
        var times = await WaitForAsync(http, "/api/analytics/queries/warning-response-times?from=2026-11-27&to=2026-11-29",
            rows => rows.GetProperty("rows").EnumerateArray().Any(r => r.GetProperty("rule_id").GetString() == "repeated-discharge-alarms" && r.GetProperty("resolved").GetInt64() == 1),
            "warning-response-times");
        var row = times.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("rule_id").GetString() == "repeated-discharge-alarms");
        Assert.Equal(10, row.GetProperty("mean_minutes_to_acknowledge").GetDouble(), 1);
    }

    [Fact]
    public async Task GivenTheStoredWarningBookMovedOnWithoutItsGrain_WhenSomeoneActsOnTheWarning_ThenTheGrainDecidesOnTheStoredBook()
    {
        await using var app = await FusionApp.StartAsync(settings: Settings());
        var http = app.CreateClient();
        (await http.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
            { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-3)), Alarm("A-3", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();
        const string id = "repeated-discharge-alarms.S-POTASH-OUT.1";
        Assert.Equal("raised", (await http.GetJsonAsync($"/api/warnings/{id}")).GetProperty("warning").GetProperty("status").GetString());

        // As a second activation of the enterprise's warning grain (Orleans can run one briefly while the cluster's membership
        // changes) would: the warning resolved and stored without the grain in memory seeing it.
        await using (var session = app.Store.LightweightSession())
        {
            var stored = (await session.LoadAsync<Fusion.Silo.Warnings.WarningBookDocument>(Potash))!;
            var decision = Fusion.Domain.Warnings.WarningEvaluation.Resolve(stored.Book, id, "Commissioner Guo", "sealed", T0);
            foreach (var e in decision.Events) session.Events.Append(Fusion.Domain.Streams.Warning(id), e);
            stored.Book = decision.Book;
            stored.Revision++;
            session.Store(stored);
            await session.SaveChangesAsync();
        }

        // The grain reads the stored book again before it stores anything: the warning is closed, nothing is acknowledged after it.
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync($"/api/warnings/{id}/acknowledge", new { note = "on my way" })).StatusCode);
        await using var query = app.Store.QuerySession();
        Assert.Equal(["warning_raised", "warning_resolved"], (await query.Events.FetchStreamAsync(Fusion.Domain.Streams.Warning(id))).Select(e => e.EventTypeName));
    }

    [Fact]
    public async Task GivenAFindingDueLater_WhenTheHostRestartsAfterItsRectifyByDay_ThenTheOverdueWarningIsRaisedWithoutAnyNewEvent()
    {
        var time = new FakeTimeProvider(T0);
        string connection;
        await using (var first = await FusionApp.StartAsync(time: time, settings: Settings()))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            (await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
            {
                new { findingId = "I-1", enterpriseId = SodaAsh, siteId = "S-SODA-SLAG", violation = "Open slag heap", severity = "medium", rectifyBy = "2026-11-30", recordedBy = "Inspector", recordedAt = T0.AddDays(-1) },
            })).EnsureSuccessStatusCode();
            await first.CaughtUpAsync();
            Assert.Equal(0, (await http.GetJsonAsync("/api/warnings?rule=rectification-overdue")).GetArrayLength());
        }

        // 2026-11-30 is over in Beijing at 2026-11-30T16:00Z.
        time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero));
        await using var second = await FusionApp.StartAsync(connection, time, Settings());
        var overdue = await WaitForAsync(second.CreateClient(), "/api/warnings?rule=rectification-overdue", w => w.GetArrayLength() == 1, "overdue warning after restart");
        var w = overdue[0];
        Assert.Equal((SodaAsh, "inspection:I-1"), (w.GetProperty("subjectId").GetString(), w.GetProperty("evidence")[0].GetProperty("eventId").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), w.GetProperty("raisedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task GivenTheRulesFile_WhenABadVersionIsReloaded_ThenTheRulesInForceStay_AndAGoodOneWrittenIsPickedUpByItself()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-rules-");
        var path = Path.Combine(folder.FullName, "rules.yaml");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Warnings", "warning-rules.yaml"), path);
        await using var app = await FusionApp.StartAsync(settings: Settings(("Fusion:Warnings:RulesFile", path)));
        var http = app.CreateClient();
        var shipped = await http.GetJsonAsync("/api/warnings/rules");
        Assert.Equal(13, shipped.GetProperty("rules").GetArrayLength());
        Assert.Contains("blacklist-criteria", shipped.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Contains("suggestion-response-overdue", shipped.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));

        await File.WriteAllTextAsync(path, """
            rules:
              - id: too-many-alarms
                kind: count
                severity: dire
                subject: site
                message: m
                signals: [CameraAlarm]
                atLeast: 2
                window: "a day"
                acknowledgeWithin: "00:30:00"
            """);
        var refused = await http.PostAsync("/api/warnings/rules/reload", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var body = await refused.JsonAsync();
        Assert.Equal([
            "rule 'too-many-alarms': field 'severity': 'dire' is not one of: low, medium, high, critical",
            "rule 'too-many-alarms': field 'window': 'a day' is not a positive duration like 00:30:00 or 7.00:00:00",
        ], body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(13, body.GetProperty("inForce").GetProperty("rules").GetArrayLength());
        Assert.Equal(13, (await http.GetJsonAsync("/api/warnings/rules")).GetProperty("rules").GetArrayLength());

        await File.WriteAllTextAsync(path, """
            rules:
              - id: too-many-alarms
                kind: count
                severity: high
                subject: site
                message: m
                signals: [CameraAlarm]
                atLeast: 2
                window: "1.00:00:00"
                acknowledgeWithin: "00:30:00"
            """);
        var reloaded = await WaitForAsync(http, "/api/warnings/rules", r => r.GetProperty("rules").GetArrayLength() == 1, "reload on file change");
        Assert.Equal("too-many-alarms", reloaded.GetProperty("rules")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task GivenAnAnalyticalRule_WhenItsQueryReturnsAnEnterprise_ThenAWarningIsRaised_AndItResolvesWhenTheQueryNoLongerDoes()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-rules-");
        var path = Path.Combine(folder.FullName, "rules.yaml");
        // The shipped rules and one more over the analytics projection's camera alarms.
        await File.WriteAllTextAsync(path, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Warnings", "warning-rules.yaml")) + """

              - id: alarms-today
                kind: analytical
                severity: low
                subject: enterprise
                message: "{name}: alarms today"
                every: "01:00:00"
                autoResolve: true
                acknowledgeWithin: "1.00:00:00"
                sql: |
                  SELECT enterprise_id AS subject_id, count(*) AS alarms, 'alarms in the last day: ' || count(*) AS evidence
                  FROM camera_alarms WHERE occurred_at > $now - INTERVAL 1 DAY GROUP BY enterprise_id HAVING count(*) >= 2
            """);
        await using var app = await FusionApp.StartAsync(settings: Settings(("Fusion:Warnings:RulesFile", path)));
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
            { Alarm("A-1", "CAM-POTASH-2", T0.AddHours(-5), type: "smoke-and-dust"), Alarm("A-2", "CAM-POTASH-2", T0.AddHours(-3), type: "smoke-and-dust") });
        await app.CaughtUpAsync();

        app.Time.Advance(TimeSpan.FromHours(1));
        var raised = await WaitForAsync(http, "/api/warnings?rule=alarms-today", w => w.GetArrayLength() == 1, "analytical warning");
        Assert.Equal((Potash, "analytical", "alarms in the last day: 2"), (raised[0].GetProperty("subjectId").GetString(), raised[0].GetProperty("ruleKind").GetString(),
            raised[0].GetProperty("evidence")[0].GetProperty("summary").GetString()));

        // A day later the query returns nothing: the warning resolves itself.
        app.Time.Advance(TimeSpan.FromDays(1));
        await WaitForAsync(http, "/api/warnings?rule=alarms-today&status=resolved", w => w.GetArrayLength() == 1, "analytical warning resolved");

        // The shipped analytical rule ran through the sandbox without an error.
        await using var session = app.Store.QuerySession();
        var shipped = await session.LoadAsync<Fusion.Silo.Warnings.AnalyticalRunDocument>("exceedance-hours-doubled");
        Assert.NotNull(shipped);
        Assert.Null(shipped.Error);
    }

    [Fact]
    public async Task GivenAnOpenAnalyticalWarning_WhenTheRulesNextRunIsCutShortAtTheTimeLimit_ThenTheRunIsRecordedSo_AndTheWarningStaysOpen()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-rules-");
        var path = Path.Combine(folder.FullName, "rules.yaml");
        static string Rule(string sql) => $$"""
            rules:
              - id: slow-rule
                kind: analytical
                severity: low
                subject: enterprise
                message: "{name}: analytical"
                every: "01:00:00"
                autoResolve: true
                acknowledgeWithin: "1.00:00:00"
                sql: "{{sql}}"
            """;
        await File.WriteAllTextAsync(path, Rule($"SELECT '{Potash}' AS subject_id, 'GOLMUD-IP' AS region_id, 'found' AS evidence"));
        await using var app = await FusionApp.StartAsync(settings: Settings(("Fusion:Warnings:RulesFile", path), ("Analytics:QueryTimeoutSeconds", "1")));
        var http = app.CreateClient();
        var raised = await WaitForAsync(http, "/api/warnings?rule=slow-rule", w => w.GetArrayLength() == 1, "analytical warning");
        var id = raised[0].GetProperty("id").GetString();

        // The same rule, now a query far longer than the one-second limit (DuckDB interrupts it), returning nothing if it ever ended.
        await File.WriteAllTextAsync(path, Rule("SELECT 'x' AS subject_id FROM range(1000000000000) a HAVING sum(a.range) < 0"));
        (await http.PostAsync("/api/warnings/rules/reload", null)).EnsureSuccessStatusCode();
        app.Time.Advance(TimeSpan.FromHours(1));
        var rules = await WaitForAsync(http, "/api/warnings/rules",
            r => r.GetProperty("rules")[0].GetProperty("lastRun").GetProperty("lastRunAt").GetDateTimeOffset() == app.Time.GetUtcNow(), "the cut-short run");
        var run = rules.GetProperty("rules")[0].GetProperty("lastRun");
        Assert.Equal("time-limit-exceeded", run.GetProperty("outcome").GetString());
        Assert.Contains("limit", run.GetProperty("error").GetString());
        Assert.True(run.GetProperty("seconds").GetDouble() < 30, $"the run waited {run.GetProperty("seconds")} s for a 1 s limit");

        // A run that did not finish judged nothing: the warning is still open, not resolved as if the query had returned no rows.
        var still = await http.GetJsonAsync($"/api/warnings/{id}");
        Assert.Equal("raised", still.GetProperty("warning").GetProperty("status").GetString());
    }

    [Fact]
    public async Task GivenAnEnterpriseAtRed_WhenTheHostRestartsWithANewRiskModel_ThenItsWarningStaysOpen_NeitherResolvedNorRaisedAgainByTheReScoring()
    {
        var time = new FakeTimeProvider(T0);
        string connection, id;
        await using (var first = await FusionApp.StartAsync(time: time, settings: Settings()))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            // One alarm at the potash plant, then more than a page of the risk pass (1,000 events) about another plant, then the
            // alarms that take the potash plant to red: re-scored from the start, its first assessment under a new model sees one alarm.
            (await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("P-0", "CAM-POTASH-1", T0.AddHours(-30)) })).EnsureSuccessStatusCode();
            foreach (var chunk in Enumerable.Range(0, 1100).Chunk(550))
                (await http.PostJsonAsync("/api/ingest/camera-alarms", chunk.Select(i => Alarm($"F-{i}", "CAM-SODA-1", T0.AddHours(-24).AddSeconds(i), type: "smoke-and-dust")).ToArray()))
                    .EnsureSuccessStatusCode();
            (await http.PostJsonAsync("/api/ingest/camera-alarms", Enumerable.Range(1, 10).Select(i => Alarm($"P-{i}", "CAM-POTASH-1", T0.AddHours(-i))).ToArray()))
                .EnsureSuccessStatusCode();
            await first.CaughtUpAsync();
            var red = await WaitForAsync(http, $"/api/warnings?rule=enterprise-red&enterprise={Potash}", w => w.GetArrayLength() == 1, "the potash plant at red");
            id = red[0].GetProperty("id").GetString()!;
        }

        await using var second = await FusionApp.StartAsync(connection, time, Settings(("RiskModel:Version", "test-2")));
        await second.Services.GetRequiredService<Fusion.Silo.Risk.RiskModelChange>().Checked;
        await second.CaughtUpAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await using var session = second.Store.QuerySession();
            if ((await session.LoadAsync<Fusion.Silo.Warnings.WarningRiskModelDocument>(Fusion.Silo.Warnings.WarningRiskModelDocument.DocumentId))?.Version == "test-2") break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the level rules never adopted the new risk model");
            await Task.Delay(100);
        }
        await second.CaughtUpAsync();

        var http2 = second.CreateClient();
        var after = Assert.Single((await http2.GetJsonAsync($"/api/warnings?rule=enterprise-red&enterprise={Potash}")).EnumerateArray());
        Assert.Equal((id, "raised"), (after.GetProperty("id").GetString(), after.GetProperty("status").GetString()));
        var history = (await http2.GetJsonAsync($"/api/warnings/{id}")).GetProperty("warning").GetProperty("history").EnumerateArray()
            .Select(h => h.GetProperty("transition").GetString()).ToList();
        Assert.DoesNotContain("resolved", history);
        Assert.Equal("test-2", (await http2.GetJsonAsync($"/api/enterprises/{Potash}/risk")).GetProperty("modelVersion").GetString());
    }

    [Fact]
    public async Task GivenASiloWhoseLevelRulesActOnAnOlderModel_WhenAnotherSiloAdoptsTheNewOne_ThenThisSiloActsOnItTooWithoutARestart()
    {
        await using var app = await FusionApp.StartAsync(settings: Settings());
        var version = app.Services.GetRequiredService<Fusion.Domain.Risk.RiskModel>().Version;
        async Task StoreAdoptedAsync(string adopted)
        {
            await using var session = app.Store.LightweightSession();
            session.Store(new Fusion.Silo.Warnings.WarningRiskModelDocument { Version = adopted, AdoptedAt = app.Time.GetUtcNow() });
            await session.SaveChangesAsync();
        }
        // Two more silos' views of the adopted model (each silo holds its own), both first reading the older model.
        await StoreAdoptedAsync("older");
        var reading = ActivatorUtilities.CreateInstance<Fusion.Silo.Warnings.WarningRiskModel>(app.Services);
        var told = ActivatorUtilities.CreateInstance<Fusion.Silo.Warnings.WarningRiskModel>(app.Services);
        Assert.Equal("older", await reading.AdoptedAsync());
        Assert.Equal("older", await told.AdoptedAsync());

        // The silo holding the warning clock tells the scopes (one of them on the second silo), then stores the adoption.
        told.Adopt(version);
        Assert.Equal(version, await told.AdoptedAsync());
        await StoreAdoptedAsync(version);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(version, await reading.AdoptedAsync());
        Assert.Equal(version, await told.AdoptedAsync());
    }
}
