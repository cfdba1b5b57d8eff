using System.Text.Json.Serialization;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using Fusion.Silo.Admission;
using Fusion.Silo.Analytics;
using Fusion.Silo.Blacklist;
using Fusion.Silo.Boards;
using Fusion.Silo.Cameras;
using Fusion.Silo.Cluster;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Health;
using Fusion.Silo.Ingest;
using Fusion.Silo.MasterData;
using Fusion.Silo.Monitoring;
using Fusion.Silo.Notifications;
using Fusion.Silo.Parking;
using Fusion.Silo.PublicReports;
using Fusion.Silo.Rectification;
using Fusion.Silo.Reserves;
using Fusion.Silo.Rewards;
using Fusion.Silo.Suggestions;
using Fusion.Silo.Risk;
using Fusion.Silo.Security;
using Fusion.Silo.Store;
using Fusion.Silo.Telemetry;
using Fusion.Silo.Warnings;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Serialization;
using Scalar.AspNetCore;

namespace Fusion.Silo.Hosting;

/// <summary>Wires the host: Orleans silo, Marten, subscriptions, HTTP API, telemetry.</summary>
public static class FusionHost
{
    public static WebApplication Build(string[] args, bool demo)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (demo)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Fusion:SeedFile"] = Path.Combine(AppContext.BaseDirectory, "Seed", "haixi-master-data.json"),
                ["Fusion:Simulate"] = "true",
                ["Fusion:Demo:Receivers"] = "true",
                // The outfall story's warning escalates within minutes when nobody acknowledges it.
                ["Fusion:Warnings:AcknowledgeWithin:repeated-discharge-alarms"] = "00:03:00",
                // The seed's logger passwords follow from their MNs (the demo's loggers must know them): the full PBKDF2 cost
                // would buy nothing here and make the first start derive 350 hashes at 600,000 iterations.
                ["Fusion:Hj212:PasswordIterations"] = "10000",
            });
        var config = builder.Configuration;
        var connectionString = config.GetConnectionString("Fusion") ?? Environment.GetEnvironmentVariable("FUSION_PG")
            ?? throw new InvalidOperationException(
                "No PostgreSQL connection string: set ConnectionStrings__Fusion (or FUSION_PG), or start the platform with ./fusion demo, which runs a private cluster.");

        var cluster = Cluster.ClusterSetup.OptionsFrom(config, connectionString);
        builder.UseOrleans(silo =>
        {
            Cluster.ClusterSetup.Configure(silo, config, cluster);
            silo.AddActivityPropagation();
            silo.Services.AddSerializer(s => s.AddJsonSerializer(isSupported: t => t.Namespace?.StartsWith("Fusion.Domain", StringComparison.Ordinal) == true));
        });

        builder.Services.AddCluster(cluster);
        // SIGTERM: the HTTP server stops taking requests and lets those under way finish, the HJ 212 sessions end, the
        // silo leaves its cluster; what is still running then is cut off, so the process stops within ten seconds.
        // Nothing is acknowledged before its transaction commits, so a cut-off request loses nothing it was told was stored.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.GetValue("Fusion:ShutdownTimeout", TimeSpan.FromSeconds(7)));
        builder.Services.AddSingleton(RiskModelFrom(config));
        builder.Services.AddSingleton(new PlatformClock(TimeProvider.System));
        builder.Services.AddSingleton<FusionMetrics>();
        builder.Services.AddSingleton<MasterDataCache>();
        builder.Services.AddSingleton<IngestWriter>();
        builder.Services.AddSingleton<IngestPipeline>();
        builder.Services.AddSingleton(IngestOptionsFrom(config));
        builder.Services.AddSingleton(config.GetSection("Fusion:BodyLimits").Get<BodyLimits>() ?? new BodyLimits());
        builder.Services.AddSingleton<IngestKeyRetention>();
        builder.Services.AddSingleton(PolicyFrom<Fusion.Connectors.Aerial.AerialAttribution>(config, "AerialAttribution"));
        builder.Services.AddSingleton(PolicyFrom<Fusion.Domain.Funds.FundPolicy>(config, "Funds"));
        builder.Services.AddSingleton<HostFeeds>();
        builder.Services.AddSingleton<Funds.FundClock>();
        builder.Services.AddHostedService(s => s.GetRequiredService<Funds.FundClock>());
        builder.Services.AddHostedService(s => s.GetRequiredService<IngestKeyRetention>());
        builder.Services.AddSingleton<RegionRisk>();
        builder.Services.AddSingleton<RiskAsOfReader>();
        builder.Services.AddSingleton<RegionAssessor>();
        builder.Services.AddHostedService(s => s.GetRequiredService<RegionAssessor>());
        builder.Services.AddSingleton(PolicyFrom<Fusion.Domain.Rectification.RectificationPolicy>(config, "Rectification"));
        builder.Services.AddSingleton(PolicyFrom<Fusion.Domain.Blacklist.BlacklistPolicy>(config, "Blacklist"));
        builder.Services.AddSingleton(PolicyFrom<Fusion.Domain.Admission.AdmissionPolicy>(config, "Admission"));
        builder.Services.AddSingleton(CreditSchemeFrom(config));
        builder.Services.AddSingleton(Checked(PolicyFrom<Fusion.Domain.Rewards.RewardPolicy>(config, "Rewards"), p => p.Problems()));
        builder.Services.AddSingleton(Checked(PolicyFrom<Fusion.Domain.Reserves.ReservePolicy>(config, "Reserves"), p => p.Problems()));
        builder.Services.AddSingleton(PolicyFrom<Fusion.Domain.Suggestions.SuggestionPolicy>(config, "Suggestions"));
        builder.Services.AddSingleton<EnforcementClock>();
        builder.Services.AddHostedService(s => s.GetRequiredService<EnforcementClock>());
        if (config.GetValue("Fusion:Simulate", false))
            builder.Services.AddHostedService<Demo.DemoSimulation>();

        builder.Services.AddParking(config);
        var marten = builder.Services.AddFusionStore(connectionString, cluster);
        builder.Services.AddHostedService<MasterDataStartup>();
        builder.Services.AddHostedService<Reserves.ReserveStartup>();
        builder.Services.AddSingleton<ReporterSeals>();
        builder.Services.AddSingleton(PolicyFrom<Fusion.Domain.PublicReports.DuplicatePolicy>(config, "PublicReports:Duplicates"));
        builder.Services.AddSingleton<PublicReportIntake>();
        builder.Services.AddSingleton<FeedIntake>();
        builder.Services.AddSingleton(config.GetSection("Fusion:Inbox").Get<InboxOptions>() ?? new InboxOptions());
        builder.Services.AddHostedService<Inbox>();
        builder.Services.AddHostedService<SealedReportersMigration>();
        builder.Services.AddHj212(config).AddCameraHealth(config);
        builder.Services.AddWarnings(marten);
        builder.Services.AddNotifications(config, marten);
        marten.AddSubscriptionWithServices<RiskSubscription>(ServiceLifetime.Singleton);
        builder.Services.AddSingleton<RiskModelChange>();
        builder.Services.AddHostedService(s => s.GetRequiredService<RiskModelChange>());
        marten.AddParkedSubscription<RectificationSubscription>(builder.Services);
        marten.AddParkedSubscription<BlacklistSubscription>(builder.Services);
        marten.AddParkedSubscription<Credit.CreditSubscription>(builder.Services);
        marten.AddParkedSubscription<Rewards.RewardSubscription>(builder.Services);
        marten.AddParkedSubscription<Disclosure.DisclosureSubscription>(builder.Services);
        marten.AddAnalytics(builder.Services, config);
        marten.AddBoards(builder.Services);

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddProblemDetails();
        builder.Services.AddFusionSecurity(config);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi(o => o.AddBearerSecurity().AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Fusion Platform — Haixi environmental big-data fusion";
            doc.Info.Description = "Ingest of camera, aerial, public-report, inspection and fund feeds; master data; live risk per enterprise and region.";
            return Task.CompletedTask;
        }));
        builder.AddFusionTelemetry();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRequiredContentType();
        app.UseAudit();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.AddPreferredSecuritySchemes(OpenApiSecurity.Bearer)).AllowAnonymous();
        app.MapFusionTelemetry();
        app.MapHealthEndpoints();
        app.MapIngestEndpoints();
        app.MapHj212Endpoints().MapGb28181Endpoints();
        app.MapQuarantineEndpoints();
        app.MapParkingEndpoints();
        app.MapPublicReportEndpoints();
        app.MapMasterDataEndpoints();
        Leaders.LeaderEndpoints.MapLeaderEndpoints(app);
        Advisory.AdvisoryEndpoints.MapAdvisoryEndpoints(app);
        app.MapRiskEndpoints();
        app.MapRectificationEndpoints();
        app.MapBlacklistEndpoints();
        app.MapAdmissionEndpoints();
        Credit.CreditGrades.MapCreditEndpoints(app);
        app.MapAnalyticsEndpoints();
        app.MapWarningEndpoints();
        app.MapBoardEndpoints();
        app.MapConnectorKeyEndpoints();
        app.MapAuditEndpoints();
        Funds.FundEndpoints.MapFundEndpoints(app);
        app.MapRewardEndpoints();
        app.MapReserveEndpoints();
        app.MapSuggestionEndpoints();
        Disclosure.PublicDisclosureEndpoints.MapPublicDisclosureEndpoints(app);
        app.MapGet("/", () => Results.Redirect("/scalar")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The risk model's defaults overlaid with the "RiskModel" section. Lists given in configuration
    /// replace the default lists whole (the binder would otherwise append to them).
    /// </summary>
    public static RiskModel RiskModelFrom(IConfiguration config)
    {
        var section = config.GetSection("RiskModel");
        var model = new RiskModel();
        section.Bind(model, o => o.ErrorOnUnknownConfiguration = true);
        var defaults = new RiskModel();
        model.SeverityMultipliers = Replace(section.GetSection(nameof(RiskModel.SeverityMultipliers)), defaults.SeverityMultipliers);
        model.LevelBands = Replace(section.GetSection(nameof(RiskModel.LevelBands)), defaults.LevelBands);
        if (model.SeverityMultipliers.Length != 4)
            throw new InvalidOperationException($"RiskModel:SeverityMultipliers needs 4 numbers (low, medium, high, critical), not {model.SeverityMultipliers.Length}");
        if (model.LevelBands.Length != 4 || model.LevelBands.Zip(model.LevelBands.Skip(1)).Any(p => p.First >= p.Second))
            throw new InvalidOperationException($"RiskModel:LevelBands needs 4 rising numbers (lower bounds of blue, yellow, red, black), not [{string.Join(", ", model.LevelBands)}]");
        return model;
    }

    /// <summary>A policy's defaults overlaid with its configuration section; a key the policy does not know is an error.</summary>
    public static T PolicyFrom<T>(IConfiguration config, string section) where T : new()
    {
        var policy = new T();
        config.GetSection(section).Bind(policy, o => o.ErrorOnUnknownConfiguration = true);
        return policy;
    }

    /// <summary>The "Fusion:Ingest" section; writers and group size below 1 would take nothing in, and stop the host instead.</summary>
    public static IngestOptions IngestOptionsFrom(IConfiguration config) =>
        Checked(config.GetSection("Fusion:Ingest").Get<IngestOptions>() ?? new IngestOptions(), o =>
        [
            .. o.AppendWriters < 1 ? [$"Fusion:Ingest:AppendWriters must be at least 1, not {o.AppendWriters}"] : Array.Empty<string>(),
            .. o.MaxGroupRecords < 1 ? [$"Fusion:Ingest:MaxGroupRecords must be at least 1, not {o.MaxGroupRecords}"] : Array.Empty<string>(),
        ]);

    /// <summary>A policy whose numbers are checked: a configuration it names problems in stops the host with them.</summary>
    static T Checked<T>(T policy, Func<T, IReadOnlyList<string>> problems) =>
        problems(policy) is { Count: > 0 } found ? throw new InvalidOperationException(string.Join("; ", found)) : policy;

    /// <summary>The "CreditScheme" section as written: its lists replace nothing, so another province's scheme is a new section.</summary>
    public static Fusion.Domain.Credit.CreditScheme CreditSchemeFrom(IConfiguration config)
    {
        var scheme = PolicyFrom<Fusion.Domain.Credit.CreditScheme>(config, "CreditScheme");
        if (scheme.Problems() is { Count: > 0 } problems) throw new InvalidOperationException(string.Join("; ", problems));
        return scheme;
    }

    static double[] Replace(IConfigurationSection list, double[] defaults) =>
        list.GetChildren().Any() ? list.Get<double[]>()! : defaults;
}

/// <summary>Bad input and broken business rules become problem details, never a 500.</summary>
sealed class ProblemExceptionHandler(IProblemDetailsService problems, IConfiguration config) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (Outage.Of(exception) is { } dependency)
        {
            // Nothing was stored (each write is one transaction): the sender keeps its input and tries again.
            var retryAfter = config.GetValue("Fusion:RetryAfterSeconds", 5);
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable, Title = "Dependency unavailable",
                    Detail = $"{dependency} is not reachable; nothing of this request was stored. Retry after {retryAfter} s.",
                    Extensions = { ["dependency"] = dependency, ["retryAfterSeconds"] = retryAfter },
                },
            });
        }
        var badValue = Store.StoreLog.RefusedValue(exception);
        var (status, title) = exception switch
        {
            BadHttpRequestException b => (b.StatusCode, "Bad request"),
            DomainRejected => (StatusCodes.Status422UnprocessableEntity, "Rejected"),
            AccessRefused refused => (StatusCodes.Status403Forbidden, refused.Title),
            TransitionRefused => (StatusCodes.Status409Conflict, "Not allowed in this state"),
            _ when badValue is not null => (StatusCodes.Status400BadRequest, "Value refused"),
            _ => (0, ""),
        };
        if (status == 0) return false;
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = status, Title = title,
                Detail = badValue is not null ? $"A value in the request cannot be stored or searched for: {badValue.MessageText}." : exception.Message,
            },
        });
    }
}
