using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>Input the platform cannot take is answered with a problem naming it, never a 500.</summary>
public sealed class RefusedInputTests
{
    static async Task RefusedAsync(FusionApp app, HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Contains(detail, (await response.JsonAsync()).GetProperty("detail").GetString());
        // Marten logs the command the store refused; what must not appear is a request the host failed to answer.
        Assert.DoesNotContain(app.Errors, e => e.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
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
}
