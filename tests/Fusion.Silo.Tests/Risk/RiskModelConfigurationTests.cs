using Fusion.Domain.Risk;
using Fusion.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Fusion.Silo.Tests.Risk;

public sealed class RiskModelConfigurationTests
{
    [Fact]
    public void GivenARiskModelSection_WhenBound_ThenItsNumbersReplaceTheDefaultsAndTheRestStay()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RiskModel:Version"] = "2027.01-1",
            ["RiskModel:Kinds:CameraAlarm:Weight"] = "9",
            ["RiskModel:LevelBands:0"] = "10",
            ["RiskModel:LevelBands:1"] = "30",
            ["RiskModel:LevelBands:2"] = "50",
            ["RiskModel:LevelBands:3"] = "70",
            ["RiskModel:Region:FollowerWeight"] = "0.2",
            ["RiskModel:Region:AtRiskLevel"] = "Red",
        }).Build();

        var model = FusionHost.RiskModelFrom(config);

        Assert.Equal("2027.01-1", model.Version);
        Assert.Equal(9, model.Kinds[SignalKind.CameraAlarm].Weight);
        Assert.Equal(168, model.Kinds[SignalKind.CameraAlarm].HalfLifeHours);
        Assert.Equal(240, model.Kinds[SignalKind.AerialFinding].HalfLifeHours);
        Assert.Equal([10.0, 30, 50, 70], model.LevelBands);
        Assert.Equal([0.5, 1, 2, 4], model.SeverityMultipliers);
        Assert.Equal(0.2, model.Region.FollowerWeight);
        Assert.Equal(RiskLevel.Red, model.Region.AtRiskLevel);
        Assert.Equal(2, model.Region.Followers);
    }

    [Fact]
    public void GivenBandsOutOfOrder_WhenBound_ThenTheHostRefusesToStartSayingWhy()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RiskModel:LevelBands:0"] = "50", ["RiskModel:LevelBands:1"] = "30", ["RiskModel:LevelBands:2"] = "60", ["RiskModel:LevelBands:3"] = "80",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => FusionHost.RiskModelFrom(config));
        Assert.Contains("LevelBands", error.Message);
    }
}
