using Fusion.Connectors.MasterData;
using Fusion.Silo.Tests.Hosting;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Boards;

public sealed class BoardTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    static async Task<List<string>> RowsAsync(FusionApp app, string sql)
    {
        await using var db = new NpgsqlConnection(app.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    static async Task FeedAsync(FusionApp app)
    {
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-2)) });
        await http.PostJsonAsync("/api/ingest/public-reports", new[] { Report("R-1", "S-POTASH-OUT", T0.AddHours(-1), channel: "wechat") });
        await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
        {
            new { findingId = "F-1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Seepage from the tailings pond", severity = "high",
                  rectifyBy = "2026-11-20", recordedBy = "inspector-7", recordedAt = T0.AddDays(-20) },
        });
        await app.CaughtUpAsync();
    }

    [Fact]
    public async Task GivenMasterDataAlarmsAReportAndAFinding_WhenTheBoardCatchesUp_ThenItsTablesShowRegionsEnterprisesSignalsAndResponsibility()
    {
        await using var app = await FusionApp.StartAsync();
        await FeedAsync(app);
        var http = app.CreateClient();

        Assert.Equal(["DELINGHA|Delingha|德令哈市|97.37|37.37|1", "GOLMUD|Golmud|格尔木市|94.9|36.42|1", "GOLMUD-IP|Golmud Industrial Park|格尔木工业园|94.95|36.38|1"],
            await RowsAsync(app, "SELECT region_id, name_en, name_zh, longitude, latitude, enterprises FROM board.region_risk ORDER BY region_id"));

        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        var top = risk.GetProperty("signals").EnumerateArray().MaxBy(s => s.GetProperty("contribution").GetDouble());
        var row = Assert.Single(await RowsAsync(app, $"SELECT region_id, industry, level, round(score::numeric, 1), top_signal_kind FROM board.enterprise_risk WHERE enterprise_id = '{Potash}'"));
        Assert.Equal($"GOLMUD-IP|potash and salt-lake chemicals|{risk.GetProperty("level").GetString()}|{risk.GetProperty("score").GetDouble():0.0}|{top.GetProperty("kind").GetString()}", row);

        // Risk history holds every RiskAssessed; signals are counted per hour of occurrence, feed and kind.
        await using (var session = app.Store.QuerySession())
        {
            var assessed = await Marten.QueryableExtensions.CountAsync(session.Events.QueryRawEventDataOnly<Fusion.Domain.Risk.RiskAssessed>());
            Assert.Equal([assessed.ToString()], await RowsAsync(app, "SELECT count(*) FROM board.risk_history"));
        }
        Assert.Equal(
            [$"{T0.AddDays(-20):yyyy-MM-dd HH}|inspection-findings|InspectionFinding|GOLMUD-IP|1", $"{T0.AddHours(-5):yyyy-MM-dd HH}|camera-alarms|CameraAlarm|GOLMUD-IP|1",
             $"{T0.AddHours(-2):yyyy-MM-dd HH}|camera-alarms|CameraAlarm|GOLMUD-IP|1", $"{T0.AddHours(-1):yyyy-MM-dd HH}|public-reports|PublicReport|GOLMUD-IP|1"],
            await RowsAsync(app, "SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24'), feed, kind, region_id, signals FROM board.signals_hourly ORDER BY hour"));
        Assert.Equal(["WeChat|GOLMUD-IP"], await RowsAsync(app, "SELECT channel, region_id FROM board.public_reports"));
        Assert.Equal(["camera|3|3"], await RowsAsync(app, "SELECT device_kind, sum(devices), sum(online) FROM board.device_availability GROUP BY 1"));
        // The finding's rectification case is open, and the Golmud leader answers for it (it is in Golmud's industrial park).
        Assert.Equal([$"F-1|{Potash}|2026-11-20|False|False"],
            await RowsAsync(app, "SELECT finding_id, enterprise_id, to_char(deadline, 'YYYY-MM-DD'), overdue_at IS NOT NULL, verified_at IS NOT NULL FROM board.rectifications"));
        Assert.Equal([$"leader|L-GOLMUD|{Potash}|False"], await RowsAsync(app, "SELECT role, person_id, enterprise_id, overdue FROM board.rectifications_by_responsible"));
    }

    [Fact]
    public async Task GivenAWarningThatRepeatsEscalatesAndIsAcknowledged_WhenTheBoardCatchesUp_ThenOpenWarningsAndResponsibilitiesShowIt_AndResolvedItLeaves()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Warnings:TickEvery"] = "00:00:00.2" });
        var http = app.CreateClient();
        await FeedAsync(app);
        (await http.PostJsonAsync("/api/master-data", new MasterDataDocument(Commissioners: [new("COMM-01", "Commissioner Guo", "GOLMUD")]))).EnsureSuccessStatusCode();
        // A third abnormal-discharge alarm within 24 h raises the warning, a fourth repeats it.
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-3", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-4", "CAM-POTASH-1", T0.AddMinutes(-30)) });
        await app.CaughtUpAsync();
        const string Id = "repeated-discharge-alarms.S-POTASH-OUT.1";
        const string Warning = $"SELECT severity, rule_id, count, stage, acknowledged, enterprise_name FROM board.open_warnings WHERE warning_id = '{Id}'";
        Assert.Equal(["High|repeated-discharge-alarms|2|0|False|Qarhan Potash Test Co."], await RowsAsync(app, Warning));
        const string Responsible = $"SELECT role, person_id, stage, escalated FROM board.responsibilities WHERE item_id = '{Id}' ORDER BY stage, person_id";
        Assert.Equal(["leader|L-GOLMUD|0|False"], await RowsAsync(app, Responsible));

        // Nobody acknowledges within ten minutes: it climbs to Golmud's commissioner; the area leader keeps answering for it.
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await WaitForRowsAsync(app, Responsible, ["leader|L-GOLMUD|0|True", "commissioner|COMM-01|1|True"]);
        (await http.PostJsonAsync($"/api/warnings/{Id}/acknowledge", new { note = "on my way" })).EnsureSuccessStatusCode();
        await WaitForRowsAsync(app, Warning, ["High|repeated-discharge-alarms|2|1|True|Qarhan Potash Test Co."]);

        // The board's open warnings are the API's, by severity and rule; each person's count beside their open rectifications.
        var open = (await http.GetJsonAsync("/api/warnings?status=open")).EnumerateArray()
            .Select(w => $"{w.GetProperty("id").GetString()}|{w.GetProperty("severity").GetString()}|{w.GetProperty("ruleId").GetString()}|{w.GetProperty("stage").GetInt32()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(open.Count >= 2, string.Join(", ", open));
        Assert.Equal(open, await RowsAsync(app, "SELECT warning_id, severity, rule_id, stage FROM board.open_warnings ORDER BY warning_id COLLATE \"C\""));
        var golmud = await RowsAsync(app, "SELECT item, count(*) FROM board.responsibilities WHERE person_id = 'L-GOLMUD' GROUP BY item ORDER BY item");
        Assert.Equal(["rectification|1", $"warning|{open.Count}"], golmud);

        (await http.PostJsonAsync($"/api/warnings/{Id}/resolve", new { note = "outfall sealed" })).EnsureSuccessStatusCode();
        await WaitForRowsAsync(app, Warning, []);
        Assert.Empty(await RowsAsync(app, Responsible));
        Assert.Equal(["False|True"], await RowsAsync(app, $"SELECT resolved_by_rule, resolved_at IS NOT NULL FROM board.warnings WHERE warning_id = '{Id}'"));
    }

    static async Task WaitForRowsAsync(FusionApp app, string sql, IReadOnlyList<string> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> rows;
        while (!(rows = await RowsAsync(app, sql)).SequenceEqual(expected) && DateTime.UtcNow < deadline)
        {
            await app.CaughtUpAsync();
            await Task.Delay(100);
        }
        Assert.Equal(expected, rows);
    }

    [Fact]
    public async Task GivenAnEventTheBoardTablesRefuse_WhenDelivered_ThenItIsParkedWithItsReason_AndTheBoardMovesOn()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        // A commissioner id far beyond what an index row of PostgreSQL holds: board.commissioners cannot key it.
        var huge = string.Concat(Enumerable.Range(0, 400).Select(_ => Guid.NewGuid().ToString("N")));
        await using (var session = app.Store.LightweightSession())
        {
            session.Events.Append("commissioner:huge", new Fusion.Domain.MasterData.CommissionerAssigned(huge, "Nobody", "GOLMUD", null, null, null, T0));
            await session.SaveChangesAsync();
        }
        long poison;
        await using (var query = app.Store.QuerySession())
            poison = await Marten.QueryableExtensions.MaxAsync(query.Events.QueryAllRawEvents(), x => x.Sequence);
        await http.PostJsonAsync("/api/ingest/public-reports", new[] { Report("R-9", "S-POTASH-OUT", T0.AddHours(-1), channel: "wechat") });
        await app.CaughtUpAsync();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await http.GetJsonAsync("/api/boards/status")).GetProperty("lag").GetInt64() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(["R-9|WeChat"], await RowsAsync(app, "SELECT report_id, channel FROM board.public_reports"));
        Assert.Equal(["0"], await RowsAsync(app, "SELECT count(*) FROM board.commissioners"));
        var item = Assert.Single((await http.GetJsonAsync("/api/parked?consumer=boards")).GetProperty("items").EnumerateArray());
        Assert.Equal((poison, "CommissionerAssigned"), (item.GetProperty("sequence").GetInt64(), item.GetProperty("eventType").GetString()));
        Assert.Contains("index row", item.GetProperty("reason").GetString());
        var retry = await http.PostAsync($"/api/parked/{item.GetProperty("id").GetString()}/retry", null);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, retry.StatusCode);
    }

    [Fact]
    public async Task GivenBoardTablesBuilt_WhenRebuiltFromTheEventStore_ThenTheSameRowsComeBack()
    {
        await using var app = await FusionApp.StartAsync();
        await FeedAsync(app);
        const string Fingerprint = """
            SELECT 'r', count(*), sum(score) FROM board.regions UNION ALL SELECT 'e', count(*), sum(score) FROM board.enterprises
            UNION ALL SELECT 'h', count(*), sum(score) FROM board.risk_history UNION ALL SELECT 's', count(*), sum(signals) FROM board.signals_hourly
            UNION ALL SELECT 'p', count(*), 0 FROM board.public_reports UNION ALL SELECT 'f', count(*), 0 FROM board.inspection_findings UNION ALL SELECT 'c', count(*), count(overdue_at) FROM board.rectifications
            UNION ALL SELECT 'd', count(*), count(*) FILTER (WHERE online) FROM board.devices
            UNION ALL SELECT 'm', count(top_signal_kind), count(DISTINCT top_signal) FROM board.enterprises
            UNION ALL SELECT 'w', count(*), sum(stage + count) FROM board.warnings UNION ALL SELECT 'wr', count(*), sum(stage) FROM board.warning_recipients
            """;
        var before = await RowsAsync(app, Fingerprint);
        var http = app.CreateClient();
        var status = await http.GetJsonAsync("/api/boards/status");
        Assert.Equal(0, status.GetProperty("lag").GetInt64());

        var response = await http.PostAsync("/api/boards/rebuild", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await app.CaughtUpAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await http.GetJsonAsync("/api/boards/status")).GetProperty("lag").GetInt64() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(before, await RowsAsync(app, Fingerprint));
    }
}
