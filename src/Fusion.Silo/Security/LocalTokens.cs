using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fusion.Silo.Security;

/// <summary>Section "Fusion:Auth": who issues the bearer tokens the platform accepts.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// An OpenID Connect issuer (e.g. https://sso.example.gov.cn/realms/haixi): its discovery document gives the
    /// signing keys. Empty: tokens are issued locally (<c>./fusion token</c>) with the local signing key.
    /// </summary>
    public string? Authority { get; set; }
    public string Audience { get; set; } = "fusion-platform";
    /// <summary>The claim holding the roles (Keycloak with a mapper, Entra ID: "roles").</summary>
    public string RoleClaim { get; set; } = "roles";
    public string NameClaim { get; set; } = "name";
    /// <summary>The claim naming the areas (region or enterprise ids) a leader or commissioner answers for.</summary>
    public string AreaClaim { get; set; } = "areas";
    /// <summary>The claim naming the person's leader or commissioner id in master data, whose areas then count.</summary>
    public string PersonClaim { get; set; } = "person";
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>The local HMAC-SHA256 key (base64, 32 bytes or more); empty: the key file under the data folder, made on first use.</summary>
    public string? SigningKey { get; set; }
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool Local => string.IsNullOrWhiteSpace(Authority);

    public static AuthOptions From(IConfiguration config)
    {
        var options = new AuthOptions();
        config.GetSection("Fusion:Auth").Bind(options);
        return options;
    }
}

/// <summary>
/// Tokens for the demo, the tests and the platform's own command-line verbs, signed with the local key.
/// The key lives in the data folder (readable by its owner only) or in configuration; whoever holds it
/// can act as anyone, exactly like an identity provider's signing key.
/// </summary>
public sealed class LocalTokens(SymmetricSecurityKey key, string audience)
{
    public const string Issuer = "fusion-local";

    public SymmetricSecurityKey Key { get; } = key;

    public static LocalTokens From(IConfiguration config)
    {
        var options = AuthOptions.From(config);
        return new LocalTokens(new SymmetricSecurityKey(KeyBytes(options.SigningKey, DataFolder(config))), options.Audience);
    }

    /// <summary>A signed token naming the person (or machine) and its roles, valid from now for the given time.</summary>
    public string Issue(string name, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null, IEnumerable<Claim>? more = null)
    {
        var at = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new("sub", name), new("name", name) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        claims.AddRange(more ?? []);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = at,
            NotBefore = at,
            Expires = at + lifetime,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An Authorization header carrying a new token.</summary>
    public AuthenticationHeaderValue Bearer(string name, IEnumerable<string> roles, TimeSpan lifetime) =>
        new("Bearer", Issue(name, roles, lifetime));

    public static string DataFolder(IConfiguration config) =>
        config["Fusion:DataFolder"] is { Length: > 0 } folder ? folder
        : Environment.GetEnvironmentVariable("FUSION_DATA") is { Length: > 0 } d ? d : ".fusion";

    static byte[] KeyBytes(string? configured, string dataFolder)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Convert.FromBase64String(configured);
            if (bytes.Length < 32) throw new InvalidOperationException("Fusion:Auth:SigningKey must be at least 32 bytes (base64).");
            return bytes;
        }
        var file = Path.Combine(dataFolder, "auth", "signing-key");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var draft = $"{file}.{Guid.NewGuid():N}";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(draft, options))
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            try { File.Move(draft, file, overwrite: false); }
            catch (IOException) when (File.Exists(file)) { File.Delete(draft); } // another process made it first: use theirs
        }
        return Convert.FromBase64String(File.ReadAllText(file).Trim());
    }
}
