using Fusion.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Fusion.Silo.Tests.Ingest;

public sealed class IngestOptionsTests
{
    [Fact]
    public void GivenTheShippedSettings_WhenBound_ThenTwoWritersCommitGroupsOfUpTo5000Records()
    {
        var config = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build();

        var options = FusionHost.IngestOptionsFrom(config);

        Assert.Equal(2, options.AppendWriters);
        Assert.Equal(5000, options.MaxGroupRecords);
    }

    [Theory]
    [InlineData("AppendWriters", "0")]
    [InlineData("MaxGroupRecords", "-1")]
    public void GivenNoWriterOrAnEmptyGroup_WhenBound_ThenTheHostRefusesToStartNamingTheSetting(string setting, string value)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Fusion:Ingest:{setting}"] = value }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => FusionHost.IngestOptionsFrom(config));
        Assert.Contains($"Fusion:Ingest:{setting} must be at least 1, not {value}", error.Message);
    }
}
