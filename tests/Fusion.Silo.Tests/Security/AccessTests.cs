using System.Net;
using System.Text;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fusion.Silo.Tests.Security;

/// <summary>Who may do what, through the real host: every endpoint's policy, each role allowed and refused, bad tokens.</summary>
public sealed class AccessTests(AccessTests.Host host) : IClassFixture<AccessTests.Host>
{
    /// <summary>One host for the class: these requests change nothing another test here reads.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public FusionApp App { get; private set; } = null!;
        public async Task InitializeAsync() => App = await FusionApp.StartAsync();
        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    FusionApp app => host.App;

    /// <summary>What anyone may reach: public disclosure (the blacklist, /api/public/…), the receipt status, health, metrics, the API description.</summary>
    static bool PubliclyListed(string pattern) =>
        pattern is "/" or "/health" or "/metrics" or "/api/blacklist/" or "/api/public-reports/status/{receipt}"
        || pattern.StartsWith("/api/public/", StringComparison.Ordinal)
        || pattern.StartsWith("/openapi/", StringComparison.Ordinal) || pattern.StartsWith("/scalar", StringComparison.Ordinal);

    [Fact]
    public void EveryMappedEndpoint_DeclaresAPolicyOfThePlatformOrIsOneOfTheListedPublicOnes()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} endpoints mapped");
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = string.Join(",", endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]);
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (anonymous != PubliclyListed(pattern))
                problems.Add(anonymous ? $"{methods} {pattern} is open to anyone but is not a listed public endpoint"
                    : $"{methods} {pattern} is a listed public endpoint but requires authorization");
            else if (!anonymous && policies.Count == 0)
                problems.Add($"{methods} {pattern} declares no policy: add .RequireAuthorization(Policies.…) or, if it is public, .AllowAnonymous() and list it here");
            else if (policies.Where(p => p is null || !Policies.RolesOf.ContainsKey(p)).ToList() is { Count: > 0 } unknown)
                problems.Add($"{methods} {pattern} names {string.Join(", ", unknown.Select(p => p ?? "no policy (roles or a bare RequireAuthorization)"))}, not one of the platform's policies");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>One request per endpoint group: a role the group admits, one it refuses.</summary>
    public static TheoryData<string, string, string?, string, string> Matrix => new()
    {
        { "GET", "/api/regions", null, Roles.Analyst, Roles.Connector },
        { "GET", "/api/enterprises/91630000MA7523RE7P/risk", null, Roles.Leader, Roles.Connector },
        { "GET", "/api/enterprises/91630000MA7523RE7P/credit", null, Roles.Commissioner, Roles.Connector },
        { "POST", "/api/ingest/camera-alarms", "[]", Roles.Connector, Roles.Analyst },
        { "POST", "/api/ingest/fund-deposits", "[]", Roles.Connector, Roles.Admin },
        { "POST", "/api/ingest/inspection-findings", "[]", Roles.Inspector, Roles.Leader },
        { "POST", "/api/ingest/public-reports", "[]", Roles.HotlineOfficer, Roles.Inspector },
        { "POST", "/api/ingest/gb28181", "<Notify/>", Roles.Connector, Roles.HotlineOfficer },
        { "POST", "/api/ingest/hj212", "", Roles.Connector, Roles.Analyst },
        { "POST", "/api/master-data", "{}", Roles.Admin, Roles.Connector },
        { "GET", "/api/quarantine", null, Roles.Admin, Roles.Analyst },
        { "GET", "/api/parked", null, Roles.Admin, Roles.Leader },
        { "GET", "/api/analytics/queries", null, Roles.Analyst, Roles.Leader },
        { "POST", "/api/analytics/sql", "{\"sql\":\"select 1\"}", Roles.Analyst, Roles.Admin },
        { "GET", "/api/analytics/rebuild", null, Roles.Admin, Roles.Analyst },
        { "GET", "/api/analytics/status", null, Roles.Inspector, Roles.Connector },
        { "GET", "/api/boards/status", null, Roles.Leader, Roles.Connector },
        { "GET", "/api/warnings", null, Roles.Leader, Roles.Connector },
        { "POST", "/api/warnings/unknown/acknowledge", "{\"note\":\"x\"}", Roles.Commissioner, Roles.Analyst },
        { "POST", "/api/warnings/rules/reload", null, Roles.Admin, Roles.Leader },
        { "GET", "/api/cases", null, Roles.Inspector, Roles.Connector },
        { "POST", "/api/cases/unknown/verify", "{\"note\":\"x\"}", Roles.Inspector, Roles.Analyst },
        { "POST", "/api/public-reports/unknown/reporter/reveal", "{\"reason\":\"y\"}", Roles.HotlineOfficer, Roles.Admin },
        { "POST", "/api/public-reports/unknown/reporter/shred", "{\"reason\":\"y\"}", Roles.HotlineOfficer, Roles.Leader },
        { "GET", "/api/blacklist/proposals", null, Roles.Analyst, Roles.Connector },
        { "POST", "/api/blacklist/91630000MA7523RE7P/decide", "{\"decision\":\"dismiss\",\"reason\":\"y\"}", Roles.Leader, Roles.HotlineOfficer },
        { "POST", "/api/admission/screen", "{}", Roles.Commissioner, Roles.Inspector },
        { "GET", "/api/admission/unknown", null, Roles.HotlineOfficer, Roles.Connector },
        { "GET", "/api/audit", null, Roles.Admin, Roles.Analyst },
        { "GET", "/api/connector-keys", null, Roles.Admin, Roles.Connector },
        { "POST", "/api/public-reports/unknown/verify", "{\"verdict\":\"true\",\"severity\":\"high\"}", Roles.Inspector, Roles.Leader },
        { "GET", "/api/rewards", null, Roles.Analyst, Roles.Connector },
        { "POST", "/api/rewards/unknown/approve", "{}", Roles.Leader, Roles.HotlineOfficer },
        { "POST", "/api/rewards/unknown/payee", "{}", Roles.HotlineOfficer, Roles.Leader },
        { "POST", "/api/rewards/unknown/pay", "{\"paymentRef\":\"x\"}", Roles.HotlineOfficer, Roles.Admin },
        { "GET", "/api/reserves", null, Roles.Commissioner, Roles.Connector },
        { "POST", "/api/reserves/unknown/disbursements", "{\"disbursementId\":\"d\",\"incidentId\":\"i\",\"amountYuan\":1,\"purpose\":\"p\"}", Roles.Commissioner, Roles.Analyst },
        { "POST", "/api/reserves/unknown/disbursements/d/approve", "{}", Roles.Leader, Roles.Commissioner },
        { "GET", "/api/suggestions", null, Roles.Inspector, Roles.Connector },
        { "POST", "/api/suggestions", "{}", Roles.HotlineOfficer, Roles.Inspector },
        { "POST", "/api/suggestions/unknown/assign", "{\"department\":\"x\"}", Roles.Leader, Roles.Commissioner },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachEndpointGroup_AdmitsItsRoles_AndRefusesOthersWith403ProblemDetails(string method, string path, string? body, string allowed, string refused)
    {
        var admitted = await SendAsync(app.ClientAs(allowed), method, path, body);
        Assert.True(admitted.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
            $"{allowed}: {method} {path} answered {(int)admitted.StatusCode} {await admitted.Content.ReadAsStringAsync()}");

        var forbidden = await SendAsync(app.ClientAs(refused, "王五"), method, path, body);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        var problem = await forbidden.JsonAsync();
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Contains(allowed, problem.GetProperty("detail").GetString());
        Assert.Contains($"王五 holds {refused}", problem.GetProperty("detail").GetString());

        var anonymous = await SendAsync(app.AnonymousClient(), method, path, body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    /// <summary>The groups a one-pair matrix once missed; the generated one below must reach each of them.</summary>
    static readonly string[] OnceMissed =
    [
        "GET /api/enterprises/{id}/fund", "POST /api/parked/{id}/retry", "POST /api/quarantine/{id:guid}/replay", "POST /api/analytics/rebuild",
        "GET /api/analytics/queries/{name}", "POST /api/cases/{id}/verify", "POST /api/warnings/{id}/resolve", "POST /api/connector-keys/",
    ];

    /// <summary>
    /// Every role against every mapped endpoint that needs one, generated from the endpoints and <see cref="Policies.RolesOf"/>:
    /// admitted (any answer but 401, and but the role refusal's 403) exactly when the endpoint's policy admits the role, else
    /// refused with 403 problem details naming the roles it needs. Route values are ids nobody has, bodies empty JSON objects:
    /// what an admitted role gets past authorization (404, 400, 415, 422...) is not this test's business.
    /// </summary>
    [Fact]
    public async Task EveryRole_OnEveryEndpoint_IsAdmittedExactlyWhenTheEndpointsPolicyAdmitsIt()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Endpoint: e)))
            .ToList();
        var reached = endpoints.Select(e => $"{e.Method} /{e.Endpoint.RoutePattern.RawText!.TrimStart('/')}").ToHashSet();
        Assert.All(OnceMissed, group => Assert.Contains(group, reached));
        var clients = Roles.All.ToDictionary(r => r, r => app.ClientAs(r, "王五"));
        var problems = new List<string>();
        var checkedPairs = 0;
        foreach (var (method, endpoint) in endpoints)
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:]+)(:[^}]+)?\}",
                m => m.Groups[2].Value == ":guid" ? Guid.NewGuid().ToString() : "unknown-" + m.Groups[1].Value);
            var admits = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy!).Distinct()
                .Select(p => Policies.RolesOf[p].ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
            foreach (var role in Roles.All)
            {
                var body = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? null : "{}";
                var response = await SendAsync(clients[role], method, path, body);
                var text = await response.Content.ReadAsStringAsync();
                var refusedForRole = response.StatusCode == HttpStatusCode.Forbidden && text.Contains("Not allowed for your role", StringComparison.Ordinal);
                checkedPairs++;
                if (admits.Contains(role))
                {
                    if (response.StatusCode == HttpStatusCode.Unauthorized || refusedForRole)
                        problems.Add($"{role}: {method} {path} should be admitted ({string.Join(", ", admits)}) but answered {(int)response.StatusCode} {text}");
                }
                else if (!refusedForRole || !text.Contains($"王五 holds {role}", StringComparison.Ordinal) || !admits.All(a => text.Contains(a, StringComparison.Ordinal)))
                    problems.Add($"{role}: {method} {path} should be refused (only {string.Join(", ", admits)}) but answered {(int)response.StatusCode} {text}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} of {checkedPairs} role × endpoint pairs wrong:\n" + string.Join("\n", problems));
        Assert.True(checkedPairs >= Roles.All.Length * 50, $"only {checkedPairs} pairs checked");
    }

    [Fact]
    public async Task WithoutAToken_AProtectedEndpointIs401ProblemDetailsAskingForABearerToken_AndThePublicOnesAnswer()
    {
        var http = app.AnonymousClient();

        var refused = await http.GetAsync("/api/regions");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bearer token", (await refused.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blacklist")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/public-reports/status/NO-SUCH-RECEIPT")).StatusCode);
    }

    [Fact]
    public async Task AnExpiredToken_AWronglySignedOne_AndOneForAnotherAudience_Are401SayingWhy()
    {
        var expired = app.Tokens.Issue("李敏", [Roles.Analyst], TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow.AddHours(-2));
        var otherKey = new LocalTokens(new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), "fusion-platform")
            .Issue("李敏", [Roles.Analyst], TimeSpan.FromHours(1));
        var otherAudience = new LocalTokens(app.Tokens.Key, "another-platform").Issue("李敏", [Roles.Analyst], TimeSpan.FromHours(1));
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = LocalTokens.Issuer, Audience = "fusion-platform", Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["name"] = "李敏", ["roles"] = Roles.Analyst },
        });

        foreach (var (token, why) in new[] { (expired, "expired"), (otherKey, "signature"), (otherAudience, "audience"), (unsigned, "signature") })
        {
            var http = app.AnonymousClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var response = await http.GetAsync("/api/analytics/queries");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(why, (await response.JsonAsync()).GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task TheTokenVerb_IssuesATokenThePlatformTakes_ForTheRoleAndNameGiven()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fusion:Auth:SigningKey"] = app.Services.GetRequiredService<IConfiguration>()["Fusion:Auth:SigningKey"],
        }).Build();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        Assert.Equal(0, TokenCli.Run(["--role", "analyst", "--name", "李敏"], stdout, stderr, config));

        var http = app.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", stdout.ToString().Trim());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/analytics/queries")).StatusCode);
        var forbidden = await http.GetAsync("/api/quarantine");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("李敏 holds analyst", (await forbidden.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(2, TokenCli.Run(["--role", "superuser", "--name", "x"], stdout, stderr, config));
        Assert.Contains("there is no role 'superuser'", stderr.ToString());
    }

    [Fact]
    public async Task EveryEndpointTakingABody_AnswersABodyWithoutContentType_With415ProblemDetails()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is { ContentTypes.Count: > 0 })
            .ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/ingest/hj212");
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = System.Text.RegularExpressions.Regex.Replace("/" + endpoint.RoutePattern.RawText!.TrimStart('/'), @"\{[^}]+\}", "x");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["POST"])
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent("x"u8.ToArray()) };
                var response = await app.CreateClient().SendAsync(request);
                if (response.StatusCode != HttpStatusCode.UnsupportedMediaType || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    problems.Add($"{method} {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {await response.Content.ReadAsStringAsync()}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8,
                body.StartsWith('<') ? "application/xml" : body.StartsWith('[') || body.StartsWith('{') ? "application/json" : "text/plain");
        return http.SendAsync(request);
    }
}
