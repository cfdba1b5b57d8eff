using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Risk;

public sealed class RiskTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    [Fact]
    public async Task GivenAlarmsAndAReportAboutOneOutfall_WhenTheSubscriptionDelivers_ThenTheEnterpriseAndItsRegionsShowTheScoreWithContributions()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        var quiet = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Equal(0, quiet.GetProperty("score").GetDouble());

        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-2)) });
        await http.PostJsonAsync("/api/ingest/public-reports", new[] { Report("R-1", "S-POTASH-OUT", T0.AddHours(-1)) });
        await app.CaughtUpAsync();

        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.InRange(risk.GetProperty("score").GetDouble(), 20, 100);
        Assert.Equal(new Fusion.Domain.Risk.RiskModel().Version, risk.GetProperty("modelVersion").GetString());
        Assert.Equal(T0, risk.GetProperty("asOf").GetDateTimeOffset());
        var signals = risk.GetProperty("signals").EnumerateArray().ToList();
        Assert.Equal(["public-report:R-1", "camera-alarm:A-2", "camera-alarm:A-1"], signals.Select(s => s.GetProperty("signalId").GetString()));
        Assert.All(signals, s => Assert.True(s.GetProperty("contribution").GetDouble() > 0));
        // The hotline report and the camera corroborate each other: two systems saw the same outfall.
        Assert.Equal(["camera-alarms"], signals[0].GetProperty("corroboratedBy").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(0.75, signals[0].GetProperty("confidence").GetDouble(), 3);
        var sum = signals.Sum(s => s.GetProperty("contribution").GetDouble());
        Assert.Equal(Math.Round(100 * (1 - Math.Exp(-sum / new Fusion.Domain.Risk.RiskModel().EnterpriseScale)), 1), risk.GetProperty("score").GetDouble(), 1);

        var park = await http.GetJsonAsync("/api/regions/GOLMUD-IP/risk");
        var city = await http.GetJsonAsync("/api/regions/GOLMUD/risk");
        Assert.Equal(3, park.GetProperty("signals").GetArrayLength());
        Assert.Equal(3, city.GetProperty("signals").GetArrayLength());
        Assert.True(city.GetProperty("score").GetDouble() > 0);
        var delingha = await http.GetJsonAsync("/api/regions/DELINGHA/risk");
        Assert.Equal(0, delingha.GetProperty("score").GetDouble());

        var regions = (await http.GetJsonAsync("/api/regions")).EnumerateArray().ToDictionary(r => r.GetProperty("regionId").GetString()!);
        Assert.Equal(city.GetProperty("score").GetDouble(), regions["GOLMUD"].GetProperty("score").GetDouble());
        Assert.Equal(city.GetProperty("level").GetString(), regions["GOLMUD"].GetProperty("level").GetString());
    }

    [Fact]
    public async Task GivenScoresBuiltUp_WhenTheHostRestartsOnTheSameStore_ThenEveryScoreComesBackTheSame()
    {
        string connection;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        JsonElement enterpriseBefore, regionBefore;
        await using (var first = await FusionApp.StartAsync(time: time))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-30)), Alarm("A-2", "CAM-SODA-1", T0.AddHours(-4)) });
            await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
            {
                new { findingId = "I-1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Tailings seepage", severity = "high", rectifyBy = "2026-11-20", recordedBy = "Commissioner Test", recordedAt = T0.AddDays(-20) },
            });
            await first.CaughtUpAsync();
            enterpriseBefore = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
            regionBefore = await http.GetJsonAsync("/api/regions/GOLMUD/risk");
        }
        Assert.True(enterpriseBefore.GetProperty("score").GetDouble() > 0);

        await using var second = await FusionApp.StartAsync(connection, time);
        var again = second.CreateClient();
        var enterpriseAfter = await again.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        var regionAfter = await again.GetJsonAsync("/api/regions/GOLMUD/risk");

        Assert.Equal(enterpriseBefore.GetRawText(), enterpriseAfter.GetRawText());
        Assert.Equal(regionBefore.GetRawText(), regionAfter.GetRawText());
    }

    [Fact]
    public async Task GivenASnapshotStoredWithItsSignalsInside_WhenItsGrainTakesANewSignal_ThenItKeepsThemAndStoresEachSignalOnItsOwn()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await app.CaughtUpAsync();
        // As grains stored their state before HeldSignal: every signal inside the snapshot.
        var old = new Fusion.Domain.Risk.RiskSignal("camera-alarm:OLD-1", 1, Fusion.Domain.Risk.SignalKind.CameraAlarm, "camera-alarms", "GOLMUD-IP", Potash, "S-POTASH-OUT",
            Fusion.Domain.Common.Severity.High, 0.9, false, null, "abnormal discharge", T0.AddHours(-3));
        await using (var session = app.Store.LightweightSession())
        {
            session.Store(new Fusion.Silo.Risk.RiskSnapshot { Id = $"enterprise:{Potash}", State = Fusion.Domain.Risk.RiskState.Empty(Potash).Apply(old) });
            await session.SaveChangesAsync();
        }

        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();

        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Equal(["camera-alarm:A-1", "camera-alarm:OLD-1"], risk.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("signalId").GetString()));
        await using var query = app.Store.QuerySession();
        var held = await query.Query<Fusion.Silo.Risk.HeldSignal>().Where(h => h.Subject == $"enterprise:{Potash}").ToListAsync();
        Assert.Equal(["camera-alarm:A-1", "camera-alarm:OLD-1"], held.Select(h => h.Signal.SignalId).Order(StringComparer.Ordinal));
        Assert.Empty((await query.LoadAsync<Fusion.Silo.Risk.RiskSnapshot>($"enterprise:{Potash}"))!.State.Signals);
    }

    [Fact]
    public async Task GivenTheStoredRiskStateMovedOnWithoutItsGrain_WhenTheGrainStoresItsNextPage_ThenItReadsTheStoreAgainAndKeepsWhatWasStoredThere()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-3)) });
        await app.CaughtUpAsync();
        // As a second activation of the grain (Orleans can run one briefly while the cluster's membership changes) would: an
        // update stored that the grain in memory never saw.
        var id = $"enterprise:{Potash}";
        await using (var session = app.Store.LightweightSession())
        {
            var snapshot = (await session.LoadAsync<Fusion.Silo.Risk.RiskSnapshot>(id))!;
            Assert.Equal(1, snapshot.Revision);
            var elsewhere = new Fusion.Domain.Risk.RiskSignal("camera-alarm:ELSEWHERE-1", snapshot.State.LastSequence, Fusion.Domain.Risk.SignalKind.CameraAlarm,
                "camera-alarms", "GOLMUD-IP", Potash, "S-POTASH-OUT", Fusion.Domain.Common.Severity.High, 0.9, false, null, "abnormal discharge", T0.AddHours(-2));
            session.Store(new Fusion.Silo.Risk.HeldSignal { Id = Fusion.Silo.Risk.HeldSignal.IdOf(id, elsewhere.SignalId), Subject = id, Signal = elsewhere });
            snapshot.Revision++;
            session.Store(snapshot);
            await session.SaveChangesAsync();
        }

        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();

        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Equal(["camera-alarm:A-1", "camera-alarm:A-2", "camera-alarm:ELSEWHERE-1"],
            risk.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("signalId").GetString()).Order(StringComparer.Ordinal));
        await using var query = app.Store.QuerySession();
        Assert.Equal(3, (await query.LoadAsync<Fusion.Silo.Risk.RiskSnapshot>(id))!.Revision);
        var held = await query.Query<Fusion.Silo.Risk.HeldSignal>().Where(h => h.Subject == id).ToListAsync();
        Assert.Equal(["camera-alarm:A-1", "camera-alarm:A-2", "camera-alarm:ELSEWHERE-1"], held.Select(h => h.Signal.SignalId).Order(StringComparer.Ordinal));
        // Staged again, not parked: nothing about the events was wrong.
        var health = await http.GetJsonAsync("/health");
        Assert.All(health.GetProperty("consumers").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("parked").GetInt32()));
    }

    [Fact]
    public async Task GivenAnUnknownEnterpriseOrRegion_ThenNotFound()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/enterprises/91632801MA7B00010X/risk")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/regions/ATLANTIS/risk")).StatusCode);
    }

    [Fact]
    public async Task GivenAnEnterpriseScoreMoves_WhenTheRegionsAreAssessedTwiceAtOnce_ThenEachAffectedRegionRecordsItsNewScoreOnce()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:Risk:RegionAssessEvery"] = "00:01:00" });
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-1)) });
        await app.CaughtUpAsync();
        var assessor = app.Services.GetRequiredService<Fusion.Silo.Risk.RegionAssessor>();

        // Two runs at once (in a cluster, the duty's old holder finishing its tick as the new one starts): recorded once.
        var first = (await Task.WhenAll(assessor.AssessAsync(CancellationToken.None), assessor.AssessAsync(CancellationToken.None))).Sum();
        var again = await assessor.AssessAsync(CancellationToken.None);

        Assert.Equal(2, first); // the park and the city it lies in; Delingha has nothing to say
        Assert.Equal(0, again);
        await using var session = app.Store.QuerySession();
        var recorded = (await session.Events.FetchStreamAsync("risk:region:GOLMUD")).Select(e => e.Data).OfType<Fusion.Domain.Risk.RiskAssessed>().Single();
        var live = await http.GetJsonAsync("/api/regions/GOLMUD/risk");
        Assert.Equal(live.GetProperty("score").GetDouble(), recorded.Score);
        Assert.Equal(live.GetProperty("level").GetString(), recorded.Level.ToString());
        Assert.Equal(Fusion.Domain.Risk.RiskSubject.Region, recorded.Subject);
    }
}
