using System.Net.Http.Headers;

namespace Fusion.Silo.Security;

/// <summary>
/// <c>./fusion token --role analyst --name 李敏 [--role leader] [--area GOLMUD] [--person L-GOLMUD-SEC] [--hours 8]</c>: a bearer
/// token signed with the local key, printed alone on standard output so it can go straight into a header. A leader's or
/// commissioner's areas come from --area (region or enterprise ids) or from --person (their id in master data).
/// </summary>
public static class TokenCli
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, IConfiguration? config = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var roles = new List<string>();
        var more = new List<System.Security.Claims.Claim>();
        string? name = null;
        var hours = 8.0;
        for (var i = 0; i < args.Length; i += 2)
        {
            var (option, value) = (args[i], i + 1 < args.Length ? args[i + 1] : null);
            if (option is "--help" or "-h") return Usage(stdout, null, 0);
            if (value is null) return Usage(stderr, $"{option} needs a value");
            switch (option)
            {
                case "--role": roles.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--name": name = value; break;
                case "--area": more.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => new System.Security.Claims.Claim("areas", a))); break;
                case "--person": more.Add(new("person", value)); break;
                case "--hours" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var h) && h > 0: hours = h; break;
                default: return Usage(stderr, $"unexpected '{option} {value}'");
            }
        }
        if (roles.Count == 0 || string.IsNullOrWhiteSpace(name)) return Usage(stderr, "give --role and --name");
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            return Usage(stderr, $"there is no role '{unknown}'");
        config ??= Configuration();
        if (!AuthOptions.From(config).Local)
        {
            stderr.WriteLine($"This platform takes its tokens from {AuthOptions.From(config).Authority} (Fusion:Auth:Authority); ask that issuer for one.");
            return 2;
        }
        stdout.WriteLine(LocalTokens.From(config).Issue(name, roles.Distinct(), TimeSpan.FromHours(hours), more: more));
        stderr.WriteLine($"a token for {name} ({string.Join(", ", roles.Distinct())}), valid {hours:0.#} h; use it as: " +
                         "curl -H \"Authorization: Bearer $(./fusion token --role … --name …)\" …");
        return 0;
    }

    /// <summary>
    /// The bearer header for the platform's own command-line verbs: the token given (--token or FUSION_TOKEN), else one
    /// made with the local key for the user at this terminal, who can read that key anyway.
    /// </summary>
    public static AuthenticationHeaderValue BearerFor(string? token, string verb, string role)
    {
        token ??= Environment.GetEnvironmentVariable("FUSION_TOKEN") is { Length: > 0 } given ? given : null;
        return new("Bearer", token ?? LocalTokens.From(Configuration()).Issue($"{Environment.UserName} (./fusion {verb})", [role], TimeSpan.FromHours(1)));
    }

    static IConfiguration Configuration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    static int Usage(TextWriter to, string? problem, int code = 2)
    {
        if (problem is not null) to.WriteLine($"token: {problem}");
        to.WriteLine($"Usage: ./fusion token --role ROLE[,ROLE…] --name NAME [--area AREA[,AREA…]] [--person LEADER-OR-COMMISSIONER-ID] [--hours 8]\nRoles: {string.Join(", ", Roles.All)}");
        return code;
    }
}
