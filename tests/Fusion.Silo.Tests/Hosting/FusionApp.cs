using System.Net;
using System.Net.Sockets;
using Fusion.Silo.Hosting;
using Fusion.Silo.Security;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// The real host (Kestrel on a free port, Orleans silo, Marten on real PostgreSQL) with the
/// platform's clock fixed by a FakeTimeProvider. Its own local signing key: <see cref="CreateClient"/>
/// carries a token holding every role (a tester who may do anything); <see cref="ClientAs"/> acts as one
/// role, <see cref="AnonymousClient"/> as nobody.
/// </summary>
public sealed class FusionApp : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    readonly string connectionString;
    readonly Dictionary<string, string?> settings;
    public FakeTimeProvider Time { get; }
    public string ConnectionString => connectionString;

    readonly bool logEverything;

    FusionApp(string connectionString, FakeTimeProvider time, Dictionary<string, string?> settings, bool logEverything)
    {
        this.connectionString = connectionString;
        this.settings = settings;
        this.logEverything = logEverything;
        Time = time;
    }

    /// <summary>
    /// Starts a host on a new database, or on the given one (to restart over the same store). With
    /// <paramref name="logEverything"/>, whatever the host logs at any level (Trace up, every category) is kept in <see cref="Log"/>.
    /// </summary>
    public static async Task<FusionApp> StartAsync(string? connectionString = null, FakeTimeProvider? time = null, Dictionary<string, string?>? settings = null,
        bool logEverything = false)
    {
        var app = new FusionApp(connectionString ?? await TestDatabase.CreateAsync(), time ?? new FakeTimeProvider(T0), settings ?? [], logEverything);
        app.UseKestrel(0);
        app.StartServer();
        await app.HealthyAsync();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Fusion", connectionString);
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString());
        builder.UseSetting("Orleans:ClusterId", $"test-{Guid.NewGuid():N}");
        // Each host its own data folder (the DuckDB analytics file), unless a test shares one across restarts.
        builder.UseSetting("Fusion:DataFolder", Directory.CreateTempSubdirectory("fusion-data-").FullName);
        // Region history is appended on a timer; tests assess regions when they mean to, so no tick
        // lands events in the middle of a comparison.
        builder.UseSetting("Fusion:Risk:RegionAssessEvery", "01:00:00");
        // The fake clock stands still while tests post the minutes and hours after it: records up to a day ahead are
        // taken (a test of the bounds at the door sets the real skew).
        builder.UseSetting("Fusion:Ingest:ClockSkew", "1.00:00:00");
        builder.UseSetting("Fusion:Auth:SigningKey", signingKey);
        // Monitors' passwords derived at the lowest count allowed: tests post many; the setting itself is tested on its own.
        builder.UseSetting("Fusion:Hj212:PasswordIterations", "1000");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<PlatformClock>();
            services.AddSingleton(new PlatformClock(Time));
            services.AddSingleton<ILoggerProvider>(new TestLog(Errors, logEverything ? Log : null));
            // This provider hears every level of every category, whatever the host's own logging configuration says.
            if (logEverything)
                services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(TestLog).FullName, null, LogLevel.Trace, null)));
        });
    }

    /// <summary>What the host logged as errors with their exceptions (a 500's cause, for a test's failure message).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>
    /// With logEverything: every line the host logged at any level — level, category, the formatted message, each structured
    /// value, the scopes it was written in and the exception — as a log sink would write it.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    sealed class TestLog(System.Collections.Concurrent.ConcurrentQueue<string> errors, System.Collections.Concurrent.ConcurrentQueue<string>? all) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Category(categoryName, errors, all);
        public void Dispose() { }

        sealed class Category(string name, System.Collections.Concurrent.ConcurrentQueue<string> errors, System.Collections.Concurrent.ConcurrentQueue<string>? all) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                all?.Enqueue($"scope {name}: {state} {Values(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => all is not null || logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error && exception is not null) errors.Enqueue($"{formatter(state, exception)}: {exception}");
                all?.Enqueue($"{logLevel} {name}: {formatter(state, exception)} {Values(state)} {exception}");
            }

            static string Values<TState>(TState state) =>
                state is IEnumerable<KeyValuePair<string, object?>> values ? string.Join(" ", values.Select(v => $"{v.Key}={v.Value}")) : "";
        }
    }

    /// <summary>Like a deployment's readiness probe: the silo, the store and the subscription are all up.</summary>
    public async Task HealthyAsync()
    {
        using var http = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The host did not become healthy: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The name in the default client's token.</summary>
    public const string Tester = "tester";

    readonly string signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public LocalTokens Tokens => Services.GetRequiredService<LocalTokens>();

    /// <summary>A token signed with this host's key.</summary>
    public string Token(string name, params string[] roles) => Tokens.Issue(name, roles, TimeSpan.FromHours(1));

    /// <summary>Every client made by the factory acts as a tester holding every role.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = Tokens.Bearer(Tester, Roles.All, TimeSpan.FromHours(4));
    }

    /// <summary>A client acting as one person holding the given roles.</summary>
    public HttpClient ClientAs(string role, string? name = null, params string[] moreRoles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = Tokens.Bearer(name ?? $"{role} (test)", [role, .. moreRoles], TimeSpan.FromHours(1));
        return client;
    }

    /// <summary>
    /// A client acting as a person of master data (a leader or commissioner by their id: the token's "person"), for a hundred
    /// hours so that tests may move the platform's clock on.
    /// </summary>
    public HttpClient ClientAsPerson(string person, string role)
    {
        var client = AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Issue($"{person} (test)", [role], TimeSpan.FromHours(100),
            more: [new System.Security.Claims.Claim("person", person)]));
        return client;
    }

    /// <summary>A client without any token.</summary>
    public HttpClient AnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    /// <summary>Waits until every subscription (live risk among them) has applied everything appended so far.</summary>
    /// <remarks>
    /// The risk grains append RiskAssessed events while they apply a page, after the high-water mark the
    /// wait was measured against; so wait again until a wait ends with no newer event in the store.
    /// </remarks>
    public async Task CaughtUpAsync()
    {
        long seen = -1;
        while (true)
        {
            await Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
            await using var session = Store.QuerySession();
            var high = await session.Events.QueryAllRawEvents().Select(e => e.Sequence).OrderByDescending(s => s).FirstOrDefaultAsync();
            if (high == seen) return;
            seen = high;
        }
    }

    /// <summary>
    /// Events that ingest appended; the risk grains' own RiskAssessed events (streams "risk:…") and the
    /// warnings the rules raise (streams "warning:…") come and go with the subscription.
    /// </summary>
    public async Task<long> EventCountAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().Where(e => !e.StreamKey!.StartsWith("risk:") && !e.StreamKey!.StartsWith("warning:")).LongCountAsync();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
