using System.Net;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;

namespace Fusion.Silo.Tests.Security;

/// <summary>One client flooding one route is answered 429 with Retry-After; its other routes and other clients go on.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task GivenABurstBeyondTheLimit_ThenTheRestIs429WithRetryAfter_WhileOtherRoutesAndClientsAreServed()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:RateLimits:Burst"] = "5", ["Fusion:RateLimits:PerSecond"] = "1" });
        var analyst = app.ClientAs(Roles.Analyst, "李敏");

        var took = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => analyst.GetAsync("/api/regions")));
        took.Stop();

        // 5 at once, then one a second for as long as the burst took to arrive (a loaded machine spreads it out).
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(answers.Length - limited.Count, 5, 5 + (int)Math.Ceiling(took.Elapsed.TotalSeconds) + 1);
        Assert.NotEmpty(limited);
        Assert.All(answers.Except(limited), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var first = limited[0];
        Assert.True(first.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {first.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
        var problem = await first.JsonAsync();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("李敏 sent more than 5 requests at once to GET /api/regions", problem.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/enterprises")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientAs(Roles.Leader, "王强").GetAsync("/api/regions")).StatusCode);
    }

    [Fact]
    public async Task GivenABurstOfPathsThatMatchNoEndpoint_ThenTheyShareOneBucket_AndTheRestIs429()
    {
        await using var app = await FusionApp.StartAsync(settings: new() { ["Fusion:RateLimits:Burst"] = "5", ["Fusion:RateLimits:PerSecond"] = "1" });
        var prober = app.CreateClient();

        var took = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => prober.GetAsync($"/api/no-such-{Guid.NewGuid():N}/{i}")));
        took.Stop();

        // Each path a new one: were each its own bucket, all 40 would be answered 404.
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(answers.Length - limited.Count, 5, 5 + (int)Math.Ceiling(took.Elapsed.TotalSeconds) + 1);
        Assert.All(answers.Except(limited), a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        Assert.Contains($"to {RateLimits.Unmatched}", (await limited[0].JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await prober.GetAsync("/api/regions")).StatusCode);
    }
}
