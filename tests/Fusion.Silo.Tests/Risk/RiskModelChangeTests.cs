using System.Text.Json;
using Fusion.Domain.Risk;
using Fusion.Silo.Risk;
using Fusion.Silo.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Risk;

public sealed class RiskModelChangeTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    [Fact]
    public async Task GivenScoresUnderOneModel_WhenTheHostRestartsWithANewModelVersion_ThenEveryEnterpriseAndRegionIsReScoredFromTheEvents()
    {
        var time = new FakeTimeProvider(T0);
        var original = new RiskModel().Version;
        string connection;
        JsonElement before, regionBefore;
        await using (var first = await FusionApp.StartAsync(time: time))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-2)) });
            await http.PostJsonAsync("/api/ingest/public-reports", new[] { Report("R-1", "S-POTASH-OUT", T0.AddHours(-1)) });
            await first.CaughtUpAsync();
            await first.Services.GetRequiredService<RiskModelChange>().Checked;
            await first.Services.GetRequiredService<RegionAssessor>().AssessAsync(CancellationToken.None);
            before = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
            regionBefore = await http.GetJsonAsync("/api/regions/GOLMUD/risk");
        }
        Assert.Equal(original, before.GetProperty("modelVersion").GetString());

        // The same store, a model in which camera alarms weigh twice as much.
        await using var second = await FusionApp.StartAsync(connection, time, new() { ["RiskModel:Version"] = "test-2", ["RiskModel:Kinds:CameraAlarm:Weight"] = "12" });
        await second.Services.GetRequiredService<RiskModelChange>().Checked;
        await second.CaughtUpAsync();
        var again = second.CreateClient();
        var after = await again.GetJsonAsync($"/api/enterprises/{Potash}/risk");

        Assert.Equal("test-2", after.GetProperty("modelVersion").GetString());
        Assert.Equal(Signals(before).Select(s => s.Id), Signals(after).Select(s => s.Id));
        foreach (var (b, a) in Signals(before).Zip(Signals(after)))
            Assert.Equal(b.Id.StartsWith("camera-alarm:") ? 2 * b.Weight : b.Weight, a.Weight);
        Assert.True(after.GetProperty("score").GetDouble() > before.GetProperty("score").GetDouble());

        await second.Services.GetRequiredService<RegionAssessor>().AssessAsync(CancellationToken.None);
        var regionAfter = await again.GetJsonAsync("/api/regions/GOLMUD/risk");
        Assert.True(regionAfter.GetProperty("score").GetDouble() > regionBefore.GetProperty("score").GetDouble());
        await using var session = second.Store.QuerySession();
        var history = await AssessedAsync(session, $"risk:enterprise:{Potash}");
        Assert.Equal(original, history[0].ModelVersion);
        Assert.Equal(("test-2", after.GetProperty("score").GetDouble()), (history[^1].ModelVersion, history[^1].Score));
        var regionHistory = await AssessedAsync(session, "risk:region:GOLMUD");
        Assert.Equal([original, "test-2"], regionHistory.Select(r => r.ModelVersion));
        Assert.Equal(regionAfter.GetProperty("score").GetDouble(), regionHistory[^1].Score);
        var inUse = await session.LoadAsync<RiskModelInUse>(RiskModelInUse.DocumentId);
        Assert.Equal(("test-2", original), (inUse!.Version, inUse.PreviousVersion));
    }

    [Fact]
    public async Task GivenScores_WhenTheHostRestartsWithTheSameModelVersion_ThenNothingIsReScored()
    {
        var time = new FakeTimeProvider(T0);
        string connection;
        await using (var first = await FusionApp.StartAsync(time: time))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)) });
            await first.CaughtUpAsync();
            await first.Services.GetRequiredService<RiskModelChange>().Checked;
        }

        await using var second = await FusionApp.StartAsync(connection, time);
        await second.Services.GetRequiredService<RiskModelChange>().Checked;
        await second.CaughtUpAsync();

        await using var session = second.Store.QuerySession();
        Assert.Single(await AssessedAsync(session, $"risk:enterprise:{Potash}"));
        var inUse = await session.LoadAsync<RiskModelInUse>(RiskModelInUse.DocumentId);
        Assert.Equal((new RiskModel().Version, (string?)null), (inUse!.Version, inUse.PreviousVersion));
    }

    static async Task<IReadOnlyList<RiskAssessed>> AssessedAsync(IQuerySession session, string stream) =>
        (await session.Events.FetchStreamAsync(stream)).Select(e => e.Data).OfType<RiskAssessed>().ToList();

    static IReadOnlyList<(string Id, double Weight)> Signals(JsonElement risk) =>
        risk.GetProperty("signals").EnumerateArray().Select(s => (s.GetProperty("signalId").GetString()!, s.GetProperty("weight").GetDouble())).ToList();
}
