using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace Fusion.Silo.Security;

public static class SecuritySetup
{
    const string Scheme = "Fusion";

    /// <summary>
    /// JWT bearer authentication (ASP.NET Core's own handler) from the configured OpenID Connect issuer, or
    /// from the local signing key when none is configured; the role policies; 401 and 403 as problem details.
    /// </summary>
    public static IServiceCollection AddFusionSecurity(this IServiceCollection services, IConfiguration config)
    {
        var options = AuthOptions.From(config);
        services.AddSingleton(options);
        services.AddSingleton(_ => LocalTokens.From(config));
        services.ConfigureMarten(o =>
        {
            o.Schema.For<ConnectorKey>().Identity(k => k.Id);
            o.Schema.For<AuditRecord>().Identity(a => a.Id).Index(a => a.At);
        });
        services.AddFusionRateLimits(config);
        services.AddSingleton<AuditTrail>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrail>());
        // A request with X-Api-Key is a connector's; any other is judged by its bearer token.
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or connector key", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey(ConnectorKeys.Header) ? ConnectorKeys.Scheme : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ConnectorKeyHandler>(ConnectorKeys.Scheme, null)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.Audience = options.Audience;
                var validation = jwt.TokenValidationParameters;
                validation.NameClaimType = options.NameClaim;
                validation.RoleClaimType = options.RoleClaim;
                validation.ClockSkew = options.ClockSkew;
                validation.ValidAudience = options.Audience;
                if (options.Local)
                {
                    validation.ValidIssuer = LocalTokens.Issuer;
                    validation.IssuerSigningKey = LocalTokens.From(config).Key;
                    validation.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
                else
                {
                    jwt.Authority = options.Authority;
                    jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                }
            });
        services.AddAuthorizationBuilder().AddFusionPolicies();
        services.AddSingleton<IAuthorizationHandler, FeedRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }
}

/// <summary>401 (no valid token) and 403 (a role the endpoint does not admit) answered as problem details that say why.</summary>
sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            // The handler keeps its result for the request: this is the failure the middleware met, not a second check.
            var failure = (await http.AuthenticateAsync()).Failure;
            await http.ChallengeAsync();
            var why = WhyUnauthenticated(failure);
            http.NoteRefusal(StatusCodes.Status401Unauthorized, why);
            await WriteAsync(http, StatusCodes.Status401Unauthorized, "Authentication required", why);
        }
        else if (result.Forbidden)
        {
            await http.ForbidAsync();
            var needed = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToArray();
            var held = Roles.All.Where(http.User.IsInRole).ToArray();
            var who = http.User.Identity?.Name ?? "you";
            var (title, detail) = result.AuthorizationFailure?.FailedRequirements.OfType<FeedRequirement>().Any() == true && held.Intersect(needed).Any()
                ? ("Not a feed of this key",
                    $"The key of {who} admits the feeds {string.Join(", ", http.User.FindAll(ConnectorKeys.FeedClaim).Select(c => c.Value))}; " +
                    $"not {FeedRequirement.FeedOf(http) ?? http.Request.Path.ToString()}.")
                : ("Not allowed for your role",
                    $"{http.Request.Method} {http.Request.Path} needs the role {string.Join(" or ", needed)}; " +
                    $"{who} holds {(held.Length == 0 ? "no role of this platform" : string.Join(", ", held))}.");
            http.NoteRefusal(StatusCodes.Status403Forbidden, detail);
            await WriteAsync(http, StatusCodes.Status403Forbidden, title, detail);
        }
        else await standard.HandleAsync(next, http, policy, result);
    }

    static string WhyUnauthenticated(Exception? failure) =>
        failure switch
        {
            ConnectorKeyRefused e => e.Message,
            null => "This endpoint needs a bearer token (Authorization: Bearer …) from the platform's identity provider; locally: ./fusion token --role <role> --name <name>.",
            SecurityTokenExpiredException e => $"The bearer token expired at {e.Expires:u}.",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not one this platform trusts.",
            SecurityTokenInvalidAudienceException => "The bearer token is for another audience.",
            SecurityTokenInvalidIssuerException => "The bearer token is from an issuer this platform does not trust.",
            _ => "The bearer token is not valid.",
        };

    Task WriteAsync(HttpContext http, int status, string title, string detail) =>
        problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
}
