using System.Net;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Silo.Tests.Hosting.TestData;
using static Fusion.Silo.Tests.Rectification.RectificationTests;

namespace Fusion.Silo.Tests.Blacklist;

public sealed class BlacklistTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;
    static readonly DateOnly Later = DateOnly.FromDateTime(T0.UtcDateTime).AddDays(60);

    [Fact]
    public async Task GivenAMajorIncident_WhenTheListingIsDecidedAndLaterEndedEarly_ThenThePublicListAndTheRiskLevelFollow()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner());
        await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("I-9", Potash, Later, T0.AddHours(-2), severity: "critical") });
        await app.CaughtUpAsync();

        var proposal = Assert.Single((await http.GetJsonAsync("/api/blacklist/proposals")).EnumerateArray());
        Assert.Equal(Potash, proposal.GetProperty("id").GetString());
        Assert.Equal("MajorIncident", proposal.GetProperty("criteria")[0].GetProperty("reason").GetString());
        Assert.Equal("inspection:I-9", proposal.GetProperty("criteria")[0].GetProperty("evidence")[0].GetProperty("sourceId").GetString());
        Assert.Empty((await http.GetJsonAsync("/api/blacklist")).EnumerateArray());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostJsonAsync($"/api/blacklist/{Potash}/decide", new { decision = "list" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostJsonAsync($"/api/blacklist/{SodaAsh}/decide", new { decision = "list", decisionRef = "HX-1" })).StatusCode);
        var listed = await http.PostJsonAsync($"/api/blacklist/{Potash}/decide", new { decision = "list", decisionRef = "HX-2026-08" });
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        await app.CaughtUpAsync();

        var entry = Assert.Single((await http.GetJsonAsync("/api/blacklist")).EnumerateArray());
        Assert.Equal(["name", "creditCode", "reasonCategory", "listedFrom", "listedUntil"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Qarhan Potash Test Co.", entry.GetProperty("name").GetString());
        Assert.Equal(T0, entry.GetProperty("listedFrom").GetDateTimeOffset());
        Assert.Equal(T0.AddYears(2), entry.GetProperty("listedUntil").GetDateTimeOffset());
        var risk = await http.GetJsonAsync($"/api/enterprises/{Potash}/risk");
        Assert.Equal("Black", risk.GetProperty("level").GetString());
        Assert.True(risk.GetProperty("blacklisted").GetBoolean());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostJsonAsync($"/api/blacklist/{Potash}/delist", new { reason = "", decisionRef = "HX-2027-01" })).StatusCode);
        app.Time.Advance(TimeSpan.FromDays(30)); // within the finding's deadline: no overdue case adds evidence meanwhile
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/blacklist/{Potash}/delist", new { reason = "Rectified and audited", decisionRef = "HX-2027-01" })).StatusCode);
        await app.CaughtUpAsync();

        Assert.Empty((await http.GetJsonAsync("/api/blacklist")).EnumerateArray());
        Assert.False((await http.GetJsonAsync($"/api/enterprises/{Potash}/risk")).GetProperty("blacklisted").GetBoolean());
        var record = await http.GetJsonAsync($"/api/blacklist/{Potash}");
        Assert.Equal(3, record.GetProperty("history").GetArrayLength());
        Assert.StartsWith("delisted early", record.GetProperty("record").GetProperty("listings")[0].GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task GivenThreeSeriousFindingsAndAListing_WhenTwoYearsPass_ThenTheListingExpiresByItself()
    {
        var time = new FakeTimeProvider(T0);
        await using var app = await FusionApp.StartAsync(time: time);
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", HaixiWithCommissioner());
        await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
        {
            Finding("S-1", SodaAsh, Later, T0.AddDays(-200)), Finding("S-2", SodaAsh, Later, T0.AddDays(-100)), Finding("S-3", SodaAsh, Later, T0.AddDays(-1)),
        });
        await app.CaughtUpAsync();
        var proposal = await http.GetJsonAsync($"/api/blacklist/{SodaAsh}");
        Assert.Equal("RepeatedViolations", proposal.GetProperty("record").GetProperty("criteria")[0].GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/blacklist/{SodaAsh}/decide", new { decision = "list", decisionRef = "HX-2026-09" })).StatusCode);
        Assert.Single((await http.GetJsonAsync("/api/blacklist")).EnumerateArray());

        time.Advance(TimeSpan.FromDays(800));
        var expired = await WaitForAsync(http, $"/api/blacklist/{SodaAsh}", r => r.GetProperty("record").GetProperty("listings")[0].TryGetProperty("endReason", out var end) && end.GetString() == "expired");
        Assert.False(expired.GetProperty("listedNow").GetBoolean());
        Assert.Empty((await http.GetJsonAsync("/api/blacklist")).EnumerateArray());
        await app.CaughtUpAsync();
        Assert.False((await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/risk")).GetProperty("blacklisted").GetBoolean());
    }
}
