using Fusion.Domain.MasterData;
using Fusion.Silo.MasterData;

namespace Fusion.Silo.Security;

/// <summary>A request refused for who makes it (not for its input): answered 403 problem details and audited.</summary>
public sealed class AccessRefused(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}

/// <summary>
/// Who acts and where they may: a command is recorded under the name the token carries, and a leader or commissioner
/// reads and acts on the warnings and cases of their own areas only.
/// </summary>
public static class Acting
{
    /// <summary>Roles whose work spans the prefecture: holding one of them, nobody is held to areas.</summary>
    static readonly string[] PrefectureWide = [Roles.Admin, Roles.Analyst, Roles.Inspector, Roles.HotlineOfficer];

    /// <summary>
    /// The one who acts: the name the token carries (else its subject). A body's <c>by</c> kept for older clients must
    /// name the same person: naming someone else is refused (403), so nobody records an act under another's name. Only
    /// a token naming no one at all leaves the body's <c>by</c> to count.
    /// </summary>
    public static string Actor(this HttpContext http, string? claimedBy)
    {
        var token = http.User.Identity?.Name ?? http.User.FindFirst("sub")?.Value;
        var claimed = string.IsNullOrWhiteSpace(claimedBy) ? null : claimedBy.Trim();
        if (token is null)
            return claimed ?? throw new Fusion.Domain.Common.DomainRejected("'by' is missing: the token names no one, so say who acts");
        if (claimed is not null && !string.Equals(claimed, token, StringComparison.Ordinal))
            throw http.Refused("Acting as someone else",
                $"'by' names '{claimed}', but the token is {token}'s: an act is recorded under the token's name. Leave 'by' out (or give your own name).");
        return token;
    }

    /// <summary>The areas the caller may see: the whole prefecture, unless they hold only area-bound roles (leader, commissioner).</summary>
    public static AreaScope Areas(this HttpContext http)
    {
        var user = http.User;
        if (!(user.IsInRole(Roles.Leader) || user.IsInRole(Roles.Commissioner)) || PrefectureWide.Any(user.IsInRole)) return AreaScope.Everywhere;
        var options = http.RequestServices.GetRequiredService<AuthOptions>();
        static IEnumerable<string> Values(IEnumerable<System.Security.Claims.Claim> claims) =>
            claims.SelectMany(c => c.Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return AreaScope.Of(Values(user.FindAll(options.AreaClaim)), Values(user.FindAll(options.PersonClaim)),
            http.RequestServices.GetRequiredService<MasterDataCache>().Current, http.RequestServices.GetRequiredService<Hosting.PlatformClock>().Now);
    }

    /// <summary>The refusal to throw (answered 403 problem details), recorded in the audit.</summary>
    static AccessRefused Refused(this HttpContext http, string title, string detail)
    {
        http.NoteRefusal(StatusCodes.Status403Forbidden, detail);
        return new AccessRefused(title, detail);
    }

    /// <summary>Refuses (403) a read or an act on something outside the caller's areas.</summary>
    public static void RequireArea(this HttpContext http, AreaScope scope, string? enterpriseId, string? regionId, string what)
    {
        if (scope.Covers(enterpriseId, regionId)) return;
        var who = http.User.Identity?.Name ?? "you";
        var areas = scope.IsEmpty ? "no area (the token names none, and no leader or commissioner of master data)"
            : string.Join(", ", scope.Regions.Order(StringComparer.Ordinal).Concat(scope.Enterprises.Order(StringComparer.Ordinal)));
        throw http.Refused("Outside your areas",
            $"{what} is in {enterpriseId ?? regionId ?? "no area"}{(enterpriseId is not null ? $" (region {regionId})" : "")}; {who} answers for {areas}.");
    }
}
