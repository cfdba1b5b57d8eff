using Fusion.Projections.Queries;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Warnings;
using Microsoft.Extensions.DependencyInjection;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>An analytical warning rule whose query outruns the analytics time limit: the run stops at the limit with that reason.</summary>
public sealed class AnalyticalRunLimitTests
{
    [Fact]
    public async Task GivenAnAnalyticalRuleDuckDbCannotInterrupt_WhenItRuns_ThenTheRunIsRecordedAsTooLong_AndItsWorkEndsOnItsOwn()
    {
        var folder = Directory.CreateTempSubdirectory("fusion-rules-");
        var path = Path.Combine(folder.FullName, "rules.yaml");
        // Sorting one list of twenty million numbers is a single call DuckDB's interrupt does not reach.
        await File.WriteAllTextAsync(path, """
            rules:
              - id: endless-sort
                kind: analytical
                severity: low
                subject: enterprise
                message: "{name}: never"
                every: "01:00:00"
                acknowledgeWithin: "1.00:00:00"
                sql: |
                  SELECT 'nobody' AS subject_id, length(list_sort(range(20000000))::VARCHAR) AS n
            """);
        await using var app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Warnings:RulesFile"] = path, ["Fusion:Warnings:TickEvery"] = "00:00:00.2", ["Analytics:QueryTimeoutSeconds"] = "1",
        });
        var runner = app.Services.GetRequiredService<AnalyticsQueryRunner>();

        AnalyticalRunDocument? run = null;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (run is null && DateTime.UtcNow < deadline)
        {
            await using var session = app.Store.QuerySession();
            run = await session.LoadAsync<AnalyticalRunDocument>("endless-sort");
            if (run is null) await Task.Delay(100);
        }
        Assert.NotNull(run);
        Assert.Equal((AnalyticalOutcome.TimeLimitExceeded, true), (run.Outcome, run.Error?.Contains("1-second limit")));

        // The abandoned sort ends on DuckDB's threads and gives its connection back; it never held a place among analysts' queries.
        Assert.Equal(0, runner.InFlight);
        deadline = DateTime.UtcNow.AddMinutes(5);
        while (runner.Abandoned > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, runner.Abandoned);
    }
}
