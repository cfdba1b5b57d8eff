using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.Simulation;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;

namespace Fusion.Silo.Risk.Calibration;

/// <summary>
/// A calibration history from the Haixi simulator: its records go through the feeds' own Translate
/// (as ingest does) and RiskSignals.From (as the risk subscription does), in time order. The
/// simulator's labelling (EnterpriseConduct) becomes the ground truth; scoring never sees it.
/// </summary>
public static class SimulatedHistory
{
    public static CalibrationHistory Play(MasterDataDocument masterData, DateTimeOffset from, TimeSpan length, int seed = HaixiSeed.DefaultSeed, SimulationRates? rates = null)
    {
        var until = from + length;
        var catalog = MasterDataCatalog.Empty.ApplyAll(
            MasterDataFeed.Translate(JsonSerializer.SerializeToElement(masterData, HaixiSeed.JsonOptions), MasterDataCatalog.Empty, from)
                .Accepted.SelectMany(a => a.Item.Events));
        var simulator = new HaixiSimulator(masterData, from, seed, rates);
        var events = new List<object>();
        foreach (var batch in simulator.Between(from, until))
        {
            var translated = Feeds.Translate(Feeds.Unhosted(batch.Feed), JsonSerializer.SerializeToElement(batch.Records, SimulatorRunner.WireOptions), catalog, batch.At);
            events.AddRange(translated.Accepted.SelectMany(a => a.Item.Events));
        }
        var signals = events.Select((e, i) => RiskSignals.From(e, i + 1)).OfType<RiskSignal>()
            .OrderBy(s => s.OccurredAt).ThenBy(s => s.Sequence).ToList();

        var truth = catalog.Enterprises.Keys.ToDictionary(id => id, id => simulator.Conduct.GetValueOrDefault(id, EnterpriseConduct.Quiet), StringComparer.Ordinal);
        var regions = catalog.Regions.Keys.Order(StringComparer.Ordinal).ToDictionary(
            r => r, r => (IReadOnlyList<string>)catalog.EnterprisesIn(r).Select(e => e.EnterpriseId).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var own = catalog.Regions.Keys.ToDictionary(r => r, catalog.RegionAndParks, StringComparer.Ordinal);
        return new CalibrationHistory(from, until, signals, truth, regions, own, Stories(simulator.Stories, signals));
    }

    /// <summary>Each story with the time of the first signal it caused at its enterprise.</summary>
    static IReadOnlyList<CalibrationStory> Stories(SimulationStories stories, IReadOnlyList<RiskSignal> signals)
    {
        var result = new List<CalibrationStory>();
        void Add(string name, string enterpriseId, DateTimeOffset earliest)
        {
            var first = signals.FirstOrDefault(s => s.EnterpriseId == enterpriseId && s.OccurredAt >= earliest);
            if (first is not null) result.Add(new CalibrationStory(name, enterpriseId, first.OccurredAt));
        }
        if (stories.Discharge is { } a) Add("(a) outfall camera keeps alarming", a.EnterpriseId, a.From);
        if (stories.Dumping is { } b) Add("(b) dumping in the Haloxylon reserve", b.EnterpriseId, b.At.AddHours(-12));
        if (stories.Reports is { } c) Add("(c) burst of 12369 reports, then inspection", c.EnterpriseId, c.From);
        return result;
    }
}
