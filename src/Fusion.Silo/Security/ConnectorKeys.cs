using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Fusion.Silo.Security;

/// <summary>
/// A machine's key: only the SHA-256 of its secret is stored (the secret is 256 random bits, shown once when
/// issued), and it admits only the feeds it names.
/// </summary>
public sealed record ConnectorKey(string Id, string Name, string[] Feeds, string SecretHash, string IssuedBy, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt = null);

/// <summary>What a key looks like to an administrator: never its secret or hash.</summary>
public sealed record ConnectorKeyView(string Id, string Name, string[] Feeds, string IssuedBy, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt)
{
    public static ConnectorKeyView Of(ConnectorKey k) => new(k.Id, k.Name, k.Feeds, k.IssuedBy, k.IssuedAt, k.RevokedAt);
}

/// <summary>A key as issued: the only time its secret is seen.</summary>
public sealed record IssuedConnectorKey(string Id, string Name, string[] Feeds, string Key, DateTimeOffset IssuedAt);

public static class ConnectorKeys
{
    public const string Scheme = "ApiKey";
    public const string Header = "X-Api-Key";
    /// <summary>The claim listing the feeds a key admits.</summary>
    public const string FeedClaim = "feed";
    const string Prefix = "fk_";

    /// <summary>The feeds a key can be limited to: the JSON feeds, HJ 212 over HTTP and GB/T 28181.</summary>
    public static IReadOnlyList<string> KnownFeeds =>
        [.. Fusion.Connectors.Ingest.Feeds.All.Keys.Order(StringComparer.Ordinal), Fusion.Connectors.Hj212.Hj212Feed.Name, Fusion.Connectors.Gb28181.Gb28181Feed.Name];

    public static async Task<IssuedConnectorKey> IssueAsync(IDocumentStore store, string name, IReadOnlyList<string> feeds, string issuedBy, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new Fusion.Domain.Common.DomainRejected("a connector key needs a name (the machine or system that holds it)");
        if (feeds.Count == 0) throw new Fusion.Domain.Common.DomainRejected($"a connector key needs at least one feed: {string.Join(", ", KnownFeeds)}");
        if (feeds.Any(f => f is null))
            throw new Fusion.Domain.Common.DomainRejected($"a connector key's feeds are names, not null: {string.Join(", ", KnownFeeds)}");
        if (feeds.FirstOrDefault(f => !KnownFeeds.Contains(f)) is { } unknown)
            throw new Fusion.Domain.Common.DomainRejected($"there is no feed '{unknown}'; feeds: {string.Join(", ", KnownFeeds)}");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ConnectorKey(id, name.Trim(), [.. feeds.Distinct()], Hash(secret), issuedBy, now);
        await using var session = store.LightweightSession();
        session.Insert(key);
        await session.SaveChangesAsync(ct);
        return new IssuedConnectorKey(id, key.Name, key.Feeds, $"{Prefix}{id}_{secret}", now);
    }

    /// <summary>A fresh key for a machine that lost its own (the demo's, at each start): its earlier keys are revoked.</summary>
    public static async Task<IssuedConnectorKey> ReissueAsync(IDocumentStore store, string name, IReadOnlyList<string> feeds, string issuedBy, DateTimeOffset now, CancellationToken ct)
    {
        await using (var session = store.QuerySession())
            foreach (var earlier in await session.Query<ConnectorKey>().Where(k => k.Name == name && k.RevokedAt == null).ToListAsync(ct))
                await RevokeAsync(store, earlier.Id, now, ct);
        return await IssueAsync(store, name, feeds, issuedBy, now, ct);
    }

    public static async Task<ConnectorKey?> RevokeAsync(IDocumentStore store, string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<ConnectorKey>(id, ct) is not { } key) return null;
        if (key.RevokedAt is not null) return key;
        var revoked = key with { RevokedAt = now };
        session.Store(revoked);
        await session.SaveChangesAsync(ct);
        return revoked;
    }

    /// <summary>The id part of a presented key (never its secret), for the audit of a refused one.</summary>
    public static string IdOf(string presented)
    {
        var cut = presented.StartsWith(Prefix, StringComparison.Ordinal) ? presented.IndexOf('_', Prefix.Length) : -1;
        return cut < 0 ? "(not a key of this platform)" : presented[Prefix.Length..Math.Min(cut, Prefix.Length + 32)];
    }

    /// <summary>The key a presented value names, when its secret matches and it is not revoked.</summary>
    public static async Task<ConnectorKey?> VerifyAsync(IDocumentStore store, string presented, CancellationToken ct)
    {
        var cut = presented.StartsWith(Prefix, StringComparison.Ordinal) ? presented.IndexOf('_', Prefix.Length) : -1;
        if (cut < 0) return null;
        var (id, secret) = (presented[Prefix.Length..cut], presented[(cut + 1)..]);
        await using var session = store.QuerySession();
        var key = await session.LoadAsync<ConnectorKey>(id, ct);
        return key is { RevokedAt: null }
               && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key.SecretHash), Encoding.ASCII.GetBytes(Hash(secret)))
            ? key : null;
    }

    static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates a request carrying <c>X-Api-Key</c> as the connector that holds the key, with its feeds as claims.</summary>
sealed class ConnectorKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IDocumentStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ConnectorKeys.Header, out var values) || values.ToString() is not { Length: > 0 } presented)
            return AuthenticateResult.NoResult();
        if (await ConnectorKeys.VerifyAsync(store, presented.Trim(), Context.RequestAborted) is not { } key)
            return AuthenticateResult.Fail(new ConnectorKeyRefused());
        var claims = new List<Claim> { new("sub", $"connector-key:{key.Id}"), new("name", key.Name), new("roles", Roles.Connector), new("key_id", key.Id) };
        claims.AddRange(key.Feeds.Select(f => new Claim(ConnectorKeys.FeedClaim, f)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ConnectorKeys.Scheme, "name", "roles"));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, ConnectorKeys.Scheme));
    }
}

sealed class ConnectorKeyRefused() : Exception("The API key is not one this platform issued, or it was revoked.");

/// <summary>A connector key admits only its own feeds; people and token-holding connectors are not limited by feed.</summary>
public sealed class FeedRequirement : IAuthorizationRequirement
{
    /// <summary>The feed an ingest endpoint takes: the route's {feed}, else the last segment of /api/ingest/….</summary>
    public static string? FeedOf(HttpContext http) =>
        http.GetRouteValue("feed") as string
        ?? (http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && pattern.StartsWith("/api/ingest/", StringComparison.Ordinal)
            ? pattern["/api/ingest/".Length..] : null);
}

sealed class FeedRequirementHandler : AuthorizationHandler<FeedRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, FeedRequirement requirement)
    {
        var feeds = context.User.FindAll(ConnectorKeys.FeedClaim).Select(c => c.Value).ToList();
        if (feeds.Count == 0 && context.User.Identity?.AuthenticationType != ConnectorKeys.Scheme) context.Succeed(requirement);
        else if (context.Resource is HttpContext http && FeedRequirement.FeedOf(http) is { } feed && feeds.Contains(feed, StringComparer.OrdinalIgnoreCase))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
