using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fusion.Silo.Tests.Security;

/// <summary>
/// An organisation's OpenID Connect issuer, played by a loopback server that serves what a real one serves to a relying
/// party (the discovery document and the JSON Web Key Set, RS256): the host is pointed at it by configuration alone.
/// </summary>
public sealed class OidcIssuerTests
{
    /// <summary>The issuer: discovery at /.well-known/openid-configuration, its public signing key at /jwks.</summary>
    sealed class Issuer : IAsyncDisposable
    {
        readonly WebApplication web;
        public RSA Key { get; } = RSA.Create(2048);
        public string Kid { get; } = "haixi-sso-1";
        public string Url { get; private set; } = "";
        public int DiscoveryRequests;

        Issuer()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            web = builder.Build();
            web.MapGet("/.well-known/openid-configuration", () =>
            {
                Interlocked.Increment(ref DiscoveryRequests);
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = Url, ["jwks_uri"] = $"{Url}/jwks", ["authorization_endpoint"] = $"{Url}/auth", ["token_endpoint"] = $"{Url}/token",
                    ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                });
            });
            web.MapGet("/jwks", () =>
            {
                var p = Key.ExportParameters(false);
                return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = Kid, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
            });
        }

        public static async Task<Issuer> StartAsync()
        {
            var issuer = new Issuer();
            await issuer.web.StartAsync();
            issuer.Url = issuer.web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
            return issuer;
        }

        public string Token(string name, string[] roles, RSA? signer = null, string? issuer = null, string audience = "fusion-platform", TimeSpan? lifetime = null)
        {
            var now = DateTime.UtcNow;
            var claims = new List<Claim> { new("sub", $"sso|{name}"), new("name", name) };
            claims.AddRange(roles.Select(r => new Claim("roles", r)));
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer ?? Url, Audience = audience, Subject = new ClaimsIdentity(claims),
                IssuedAt = now.AddMinutes(-5), NotBefore = now.AddMinutes(-5), Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer ?? Key) { KeyId = Kid }, SecurityAlgorithms.RsaSha256),
            });
        }

        public async ValueTask DisposeAsync()
        {
            await web.DisposeAsync();
            Key.Dispose();
        }
    }

    static async Task<HttpResponseMessage> GetAsync(FusionApp app, string token, string path)
    {
        var http = app.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return await http.GetAsync(path);
    }

    [Fact]
    public async Task GivenTheHostPointedAtAnIssuer_ThenItsTokensAreTakenWithTheirRoles_AndForgedExpiredForeignOrLocalOnesAreRefused()
    {
        await using var issuer = await Issuer.StartAsync();
        await using var app = await FusionApp.StartAsync(settings: new()
        {
            ["Fusion:Auth:Authority"] = issuer.Url,
            ["Fusion:Auth:RequireHttpsMetadata"] = "false", // the loopback issuer speaks plain HTTP; a real one is HTTPS
        });

        var analyst = issuer.Token("李敏", [Roles.Analyst]);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, analyst, "/api/analytics/queries")).StatusCode);
        var forbidden = await GetAsync(app, analyst, "/api/quarantine");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("李敏 holds analyst", (await forbidden.JsonAsync()).GetProperty("detail").GetString());
        Assert.True(issuer.DiscoveryRequests > 0, "the host never read the issuer's discovery document");

        using var stranger = RSA.Create(2048);
        foreach (var (token, why) in new[]
        {
            (issuer.Token("李敏", [Roles.Analyst], signer: stranger), "signature"),
            (issuer.Token("李敏", [Roles.Analyst], issuer: "https://sso.elsewhere.example"), "issuer"),
            (issuer.Token("李敏", [Roles.Analyst], audience: "another-platform"), "audience"),
            (issuer.Token("李敏", [Roles.Analyst], lifetime: TimeSpan.FromMinutes(-4)), "expired"),
            (app.Token("李敏", Roles.Analyst), "signature"), // the platform's own local key counts for nothing once an issuer is set
        })
        {
            var refused = await GetAsync(app, token, "/api/analytics/queries");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains(why, (await refused.JsonAsync()).GetProperty("detail").GetString());
        }
    }
}
