using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Fusion.Silo.Security;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>Input the platform cannot take is answered with a problem naming it, never a 500.</summary>
public sealed class RefusedInputTests
{
    /// <summary>A PostgreSQL data exception (SQLSTATE class 22) as Npgsql words it: "22021: invalid byte sequence …".</summary>
    static readonly Regex RefusedByTheStore = new(@"\b22[0-9A-Z]{3}: ");

    static async Task RefusedAsync(FusionApp app, HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Contains(detail, (await response.JsonAsync()).GetProperty("detail").GetString());
        // Neither a request the host failed to answer nor the store's refusal of the sender's value is an error in the log
        // (other errors, such as another test holding the HJ 212 port, are not this test's concern).
        Assert.DoesNotContain(app.Errors, e => e.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase) || RefusedByTheStore.IsMatch(e));
    }

    [Fact]
    public async Task GivenANulCharacter_WhenSearchedForOrStored_ThenA400NamingTheValue()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();

        await RefusedAsync(app, await http.GetAsync("/api/warnings?rule=%00"), HttpStatusCode.BadRequest, "cannot be stored or searched for");
        await RefusedAsync(app, await http.PostJsonAsync("/api/connector-keys", new { name = "NVR\u0000", feeds = new[] { "camera-alarms" } }),
            HttpStatusCode.BadRequest, "cannot be stored or searched for");
    }

    [Fact]
    public async Task GivenAConnectorKeyAskedWithANullFeed_WhenIssued_ThenRefusedAndNoKeyIsMade()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();

        await RefusedAsync(app, await http.PostAsync("/api/connector-keys",
            new StringContent("""{"name":"NVR","feeds":[null]}""", Encoding.UTF8, "application/json")), HttpStatusCode.UnprocessableEntity, "not null");
        Assert.Empty((await http.GetJsonAsync("/api/connector-keys")).EnumerateArray());
    }

    [Fact]
    public async Task GivenAnHj212UploadThatIsNotAReadableForm_WhenPosted_ThenA400()
    {
        await using var app = await FusionApp.StartAsync();
        var content = new ByteArrayContent("##0000\r\n"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        await RefusedAsync(app, await app.CreateClient().PostAsync("/api/ingest/hj212", content), HttpStatusCode.BadRequest, "not a readable form");
    }

    [Theory]
    [InlineData("from=0001-01-01")]
    [InlineData("to=9999-12-31")]
    public async Task GivenAPeriodBeyondTheCalendar_WhenThePublicAsksForReportsByChannel_ThenA400(string period)
    {
        await using var app = await FusionApp.StartAsync();
        await RefusedAsync(app, await app.AnonymousClient().GetAsync($"/api/public/reports-by-channel?{period}"), HttpStatusCode.BadRequest, "must lie between");
    }

    [Fact]
    public async Task GivenAVisitWithoutTheDayItBegan_WhenTheLeaderLogsIt_ThenRefusedNamingFrom()
    {
        await using var app = await FusionApp.StartAsync();
        (await app.CreateClient().PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        await RefusedAsync(app, await app.ClientAsPerson("L-GOLMUD", Roles.Leader).PostJsonAsync("/api/leaders/L-GOLMUD/visits", new { visitId = "V-1", kind = "stay", enterpriseId = Potash, purpose = "蹲点" }),
            HttpStatusCode.UnprocessableEntity, "'from' is required");
    }

    [Fact]
    public async Task GivenANullEntryInAList_WhenAServiceVisitOrAProjectIsPosted_ThenRefusedNamingTheEntry()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();

        await RefusedAsync(app, await http.PostAsync("/api/service-visits", new StringContent(
                """{"visitId":"SV-1","provider":"steward","providerId":"STW-1","regionId":"GOLMUD-IP","visitedAt":"2026-11-28T09:00:00+08:00","summary":"巡查","problems":[null]}""",
                Encoding.UTF8, "application/json")),
            HttpStatusCode.UnprocessableEntity, "problem 1 of visit 'SV-1' is null");
        await RefusedAsync(app, await http.PostAsync("/api/admission/screen", new StringContent(
                $$"""{"projectId":"PRJ-1","name":"x","investorCreditCode":"{{Potash}}","industry":"lithium","polygon":[[96.8,37.2],null,[97.0,37.35],[96.8,37.35]]}""",
                Encoding.UTF8, "application/json")),
            HttpStatusCode.UnprocessableEntity, "'polygon' corner 2");
    }

    [Fact]
    public async Task GivenARelativeDayWrittenInOtherDigits_WhenANamedQueryIsAsked_ThenA400()
    {
        await using var app = await FusionApp.StartAsync();
        await RefusedAsync(app, await app.CreateClient().GetAsync("/api/analytics/queries/signal-mix?from=today-%D9%A3"), HttpStatusCode.BadRequest, "must be a date");
    }
}
