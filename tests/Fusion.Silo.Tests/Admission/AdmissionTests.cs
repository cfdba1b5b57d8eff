using System.Net;
using Fusion.Silo.Tests.Hosting;
using static Fusion.Silo.Tests.Hosting.TestData;
using static Fusion.Silo.Tests.Rectification.RectificationTests;

namespace Fusion.Silo.Tests.Admission;

public sealed class AdmissionTests
{
    [Fact]
    public async Task GivenABlacklistedInvestor_WhenItsProjectIsScreenedAndScreenedAgain_ThenRefusedWithEveryReasonAndTheEarlierScreeningLinked()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner() with
        {
            ProtectedZones = [new("Z-HALOXYLON", "Haloxylon reserve", "梭梭林保护区", "nature-reserve", "GOLMUD",
                [[94.80, 36.30], [94.90, 36.30], [94.90, 36.40], [94.80, 36.40]])],
        });
        await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("I-7", Potash, DateOnly.FromDateTime(FusionApp.T0.UtcDateTime).AddDays(30), FusionApp.T0.AddHours(-1), severity: "critical") });
        await app.CaughtUpAsync();
        await http.PostJsonAsync($"/api/blacklist/{Potash}/decide", new { decision = "list", decisionRef = "HX-2026-08" });

        var project = new
        {
            projectId = "PRJ-SMELTER", name = "Zinc smelter", investorCreditCode = Potash, relatedCreditCodes = new[] { SodaAsh },
            industry = "nonferrous-smelting", point = new[] { 94.85, 36.35 }, expectedEmissions = new Dictionary<string, double> { ["SO2"] = 400 },
        };
        var first = await (await http.PostJsonAsync("/api/admission/screen", project)).JsonAsync();
        Assert.Equal("Refuse", first.GetProperty("decision").GetString());
        Assert.Equal(["InvestorBlacklisted", "InvestorRiskLevel", "InsideProtectedZone", "RestrictedIndustry", "ExpectedEmissions"],
            first.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.GetProperty("previousScreeningId").ValueKind);

        var again = await (await http.PostJsonAsync("/api/admission/screen", project)).JsonAsync();
        Assert.Equal(first.GetProperty("screeningId").GetString(), again.GetProperty("previousScreeningId").GetString());
        Assert.Equal(2, (await http.GetJsonAsync("/api/admission/PRJ-SMELTER")).GetArrayLength());

        var bad = await http.PostJsonAsync("/api/admission/screen", project with { investorCreditCode = "91632801MA7B0001X0" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("investorCreditCode", await bad.Content.ReadAsStringAsync());
    }
}
