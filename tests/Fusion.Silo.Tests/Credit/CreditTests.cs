using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;
using static Fusion.Silo.Tests.Rectification.RectificationTests;

namespace Fusion.Silo.Tests.Credit;

public sealed class CreditTests
{
    [Fact]
    public async Task GivenAHighFinding_WhenTheClockAssesses_ThenTheCreditGradeDropsWithItsDeductionAndRecoversWhenItExpires()
    {
        var t0 = FusionApp.T0;
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner());
        await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("C-1", Potash, DateOnly.FromDateTime(t0.UtcDateTime).AddDays(30), t0.AddHours(-1)) });
        await app.CaughtUpAsync();

        var credit = await WaitForAsync(http, $"/api/enterprises/{Potash}/credit", c => c.GetProperty("deductions").GetArrayLength() == 1);
        Assert.Equal(9, credit.GetProperty("score").GetDouble());
        Assert.StartsWith("blue", credit.GetProperty("grade").GetString());
        Assert.Equal("inspection-high", credit.GetProperty("deductions")[0].GetProperty("kind").GetString());
        Assert.Equal(t0.AddHours(-1).AddMonths(12), credit.GetProperty("deductions")[0].GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(12, (await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/credit")).GetProperty("score").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/enterprises/91632801MA7B00010X/credit")).StatusCode);

        // The clock records the moved grade (and a first grade for everyone) without any new event.
        await app.Services.GetRequiredService<Fusion.Silo.Enforcement.EnforcementClock>().CheckAsync(CancellationToken.None);
        await using (var session = app.Store.QuerySession())
        {
            var recorded = (await Marten.QueryableExtensions.ToListAsync(session.Events.QueryRawEventDataOnly<Fusion.Domain.Credit.CreditGradeAssessed>()))
                .Where(e => e.EnterpriseId == Potash).ToList();
            Assert.Equal(9, Assert.Single(recorded).Score);
        }

        app.Time.Advance(TimeSpan.FromDays(366)); // the deduction stood for twelve months
        var later = await http.GetJsonAsync($"/api/enterprises/{Potash}/credit");
        Assert.DoesNotContain(later.GetProperty("deductions").EnumerateArray(), d => d.GetProperty("kind").GetString() == "inspection-high");
    }
}
