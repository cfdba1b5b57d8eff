using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Fusion.Domain.Credit;
using Fusion.Silo.Credit;
using Fusion.Silo.MasterData;
using Fusion.Silo.Store;
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

    [Fact]
    public async Task GivenADeductionBeingStored_WhenTheClockGradesMeanwhile_ThenTheGradeCountsItAndTheFileKeepsIt()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner());
        await app.CaughtUpAsync();
        await using (var session = app.Store.LightweightSession())
        {
            session.Store(new CreditFile(Potash, [], null, null));
            await session.SaveChangesAsync();
        }

        // Another writer (the subscription adding a deduction) holds the credit files: it has written Potash's deduction
        // and not committed yet, when the clock starts grading.
        var deduction = new CreditDeduction("D-1", "inspection-high", 3, "渣场未苫盖", FusionApp.T0.AddHours(-1), FusionApp.T0.AddMonths(12));
        await using var writer = await WriterMidWrite.StartAsync(app, RevisionGuard.TableOf<CreditFile>(app.Store), Potash, "@data::jsonb",
            ("data", app.Store.Options.Serializer().ToJson(new CreditFile(Potash, [deduction], null, null))));

        var scheme = app.Services.GetRequiredService<CreditScheme>();
        var grading = CreditGrades.AssessAsync(app.Store, app.Services.GetRequiredService<MasterDataCache>(), scheme, app.Time.GetUtcNow(), CancellationToken.None);
        await writer.CommitOnceWaitedOnAsync();
        await grading;

        await using var read = app.Store.QuerySession();
        var file = await read.LoadAsync<CreditFile>(Potash);
        Assert.Equal("D-1", Assert.Single(file!.Deductions).DeductionId);
        Assert.Equal(CreditGrading.Grade(Potash, [deduction], scheme, app.Time.GetUtcNow()).Score, file.LastScore);
    }
}
