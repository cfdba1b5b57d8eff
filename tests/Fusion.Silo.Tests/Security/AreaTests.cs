using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Fusion.Connectors.MasterData;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Security;

/// <summary>
/// Leaders and commissioners see and act on their own areas' warnings, cases and blacklist decisions only, through the real
/// host: areas from the token's claim or from the person's assignment in master data; everyone else sees the prefecture.
/// </summary>
public sealed class AreaTests(AreaTests.Host host) : IClassFixture<AreaTests.Host>
{
    static readonly DateTimeOffset T0 = FusionApp.T0;

    /// <summary>One host with a Golmud and a Delingha warning and case; tests here only read, or act on their own ids.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public FusionApp App { get; private set; } = null!;
        public string GolmudWarning { get; private set; } = "";
        public string DelinghaWarning { get; private set; } = "";

        public async Task InitializeAsync()
        {
            App = await FusionApp.StartAsync(settings: new() { ["Fusion:Warnings:TickEvery"] = "00:00:00.2" });
            var http = App.CreateClient();
            (await http.PostJsonAsync("/api/master-data", Haixi() with
            {
                Leaders =
                [
                    new("L-GOLMUD", "Test Leader", "Mayor", "GOLMUD"),
                    new("L-HAIXI-01", "Prefecture Leader", "海西州委书记", "GOLMUD", null, null, "prefecture"),
                    new("L-SODA", "Soda Ash Leader", "包干督办", SodaAsh, null, null, "enterprise"),
                ],
                Commissioners = [new("K-GOLMUD", "Commissioner Ma", "GOLMUD"), new("K-DELINGHA", "Commissioner Wu", "DELINGHA")],
            })).EnsureSuccessStatusCode();
            (await http.PostJsonAsync("/api/ingest/camera-alarms", new[]
            {
                Alarm("A-G1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-G2", "CAM-POTASH-1", T0.AddHours(-3)), Alarm("A-G3", "CAM-POTASH-1", T0.AddHours(-1)),
                Alarm("A-D1", "CAM-SODA-1", T0.AddHours(-5)), Alarm("A-D2", "CAM-SODA-1", T0.AddHours(-3)), Alarm("A-D3", "CAM-SODA-1", T0.AddHours(-1)),
            })).EnsureSuccessStatusCode();
            (await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { Finding("I-G", Potash, "S-POTASH-TP"), Finding("I-D", SodaAsh, "S-SODA-SLAG") }))
                .EnsureSuccessStatusCode();
            await App.CaughtUpAsync();
            var warnings = (await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).EnumerateArray().ToList();
            GolmudWarning = warnings.Single(w => w.GetProperty("enterpriseId").GetString() == Potash).GetProperty("id").GetString()!;
            DelinghaWarning = warnings.Single(w => w.GetProperty("enterpriseId").GetString() == SodaAsh).GetProperty("id").GetString()!;
        }

        public async Task DisposeAsync() => await App.DisposeAsync();

        static object Finding(string id, string enterprise, string site) =>
            new { findingId = id, enterpriseId = enterprise, siteId = site, violation = "Tailings seepage", severity = "high",
                  rectifyBy = "2026-12-31", recordedBy = "Inspector Li", recordedAt = T0.AddHours(-2) };
    }

    FusionApp app => host.App;

    HttpClient As(string name, string role, params Claim[] claims)
    {
        var http = app.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", app.Tokens.Issue(name, [role], TimeSpan.FromHours(1), more: claims));
        return http;
    }

    static async Task<string[]> EnterprisesOf(HttpClient http, string url) =>
        [.. (await http.GetJsonAsync(url)).EnumerateArray().Select(x => x.GetProperty("enterpriseId").GetString()!).Distinct().Order()];

    static async Task AssertRefusedAsync(Task<HttpResponseMessage> call, string mentions)
    {
        var response = await call;
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal("Outside your areas", problem.GetProperty("title").GetString());
        Assert.Contains(mentions, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ACommissionerNamedInMasterData_SeesAndActsOnTheirRegionOnly_AndTheActIsRecordedUnderTheirName()
    {
        var golmud = As("Commissioner Ma", Roles.Commissioner, new Claim("person", "K-GOLMUD"));

        Assert.Equal([Potash], await EnterprisesOf(golmud, "/api/warnings"));
        Assert.Equal([Potash], await EnterprisesOf(golmud, "/api/cases"));
        Assert.Empty((await golmud.GetJsonAsync($"/api/cases?enterprise={SodaAsh}")).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await golmud.GetAsync($"/api/warnings/{host.GolmudWarning}")).StatusCode);

        await AssertRefusedAsync(golmud.GetAsync($"/api/warnings/{host.DelinghaWarning}"), "Commissioner Ma answers for GOLMUD, GOLMUD-IP");
        await AssertRefusedAsync(golmud.GetAsync($"/api/warnings/{host.DelinghaWarning}/deliveries"), "DELINGHA");
        await AssertRefusedAsync(golmud.PostJsonAsync($"/api/warnings/{host.DelinghaWarning}/acknowledge", new { note = "not mine" }), SodaAsh);
        await AssertRefusedAsync(golmud.GetAsync("/api/cases/finding-I-D"), SodaAsh);
        await AssertRefusedAsync(golmud.PostJsonAsync("/api/cases/finding-I-D/plan/accept", new { }), SodaAsh);
        await AssertRefusedAsync(golmud.PostJsonAsync($"/api/blacklist/{SodaAsh}/decide", new { decision = "dismiss", reason = "not mine" }), SodaAsh);

        // Inside the area: allowed, and recorded under the token's name whatever an older client puts in 'by'.
        var acknowledged = await golmud.PostJsonAsync($"/api/warnings/{host.GolmudWarning}/acknowledge", new { note = "on my way" });
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal("Commissioner Ma", (await acknowledged.JsonAsync()).GetProperty("history").EnumerateArray().Last().GetProperty("by").GetString());
        var impostor = await golmud.PostJsonAsync("/api/cases/finding-I-G/plan", new { plan = "Reline the pond", by = "K-DELINGHA" });
        Assert.Equal(HttpStatusCode.Forbidden, impostor.StatusCode);
        Assert.Contains("recorded under the token's name", (await impostor.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await golmud.PostJsonAsync("/api/cases/finding-I-G/plan", new { plan = "Reline the pond", by = "Commissioner Ma" })).StatusCode);
        var history = (await golmud.GetJsonAsync("/api/cases/finding-I-G")).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal("Commissioner Ma", history.Last().GetProperty("data").GetProperty("submittedBy").GetString());
    }

    [Fact]
    public async Task ALeaderWhoseTokenNamesAnEnterprise_SeesThatEnterpriseOnly_AndAPrefectureLeaderOrAnAnalystSeesEverything()
    {
        var soda = As("Soda Ash Leader", Roles.Leader, new Claim("areas", SodaAsh));
        Assert.Equal([SodaAsh], await EnterprisesOf(soda, "/api/warnings"));
        Assert.Equal([SodaAsh], await EnterprisesOf(soda, "/api/cases"));
        await AssertRefusedAsync(soda.GetAsync($"/api/warnings/{host.GolmudWarning}"), $"Soda Ash Leader answers for {SodaAsh}");

        // The region leader of master data, by person id: Golmud and its park.
        Assert.Equal([Potash], await EnterprisesOf(As("Test Leader", Roles.Leader, new Claim("person", "L-GOLMUD")), "/api/warnings"));

        string[] both = [.. new[] { Potash, SodaAsh }.Order()];
        Assert.Equal(both, await EnterprisesOf(As("Prefecture Leader", Roles.Leader, new Claim("person", "L-HAIXI-01")), "/api/warnings"));
        Assert.Equal(both, await EnterprisesOf(As("李敏", Roles.Analyst), "/api/warnings"));
        Assert.Equal(both, await EnterprisesOf(As("Inspector Li", Roles.Inspector), "/api/cases"));
    }

    [Fact]
    public async Task ALeaderWithNoAreaAtAll_SeesNoWarningOrCase_AndIsToldWhy()
    {
        var nobody = As("Leader Nowhere", Roles.Leader);

        Assert.Empty((await nobody.GetJsonAsync("/api/warnings")).EnumerateArray());
        Assert.Empty((await nobody.GetJsonAsync("/api/cases")).EnumerateArray());
        await AssertRefusedAsync(nobody.GetAsync("/api/cases/finding-I-G"), "the token names none");
    }

    [Fact]
    public async Task TheTokenVerb_CarriesAreasAndThePerson_IntoATokenThePlatformLimitsByThem()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fusion:Auth:SigningKey"] = app.Services.GetRequiredService<IConfiguration>()["Fusion:Auth:SigningKey"],
        }).Build();
        foreach (var (args, expected) in new[] { (new[] { "--area", "DELINGHA" }, SodaAsh), (["--person", "K-GOLMUD"], Potash) })
        {
            var stdout = new StringWriter();
            Assert.Equal(0, TokenCli.Run(["--role", "commissioner", "--name", "专员", .. args], stdout, new StringWriter(), config));
            var http = app.AnonymousClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", stdout.ToString().Trim());
            Assert.Equal([expected], await EnterprisesOf(http, "/api/cases"));
        }
    }
}
