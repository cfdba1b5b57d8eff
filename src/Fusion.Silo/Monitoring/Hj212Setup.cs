using Fusion.Domain.Monitoring;
using Marten;

namespace Fusion.Silo.Monitoring;

/// <summary>HJ 212 settings, section "Fusion:Hj212".</summary>
public sealed class Hj212Options
{
    /// <summary>TCP port data loggers connect to; 0 picks a free one (tests). Negative: no listener.</summary>
    public int Port { get; set; } = 9212;
    public string Address { get; set; } = "0.0.0.0";
    /// <summary>A monitor silent, or flagged as not measuring, for longer than this is a monitoring gap.</summary>
    public TimeSpan AllowedGap { get; set; } = TimeSpan.FromHours(2);
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Frames from all connections written in one transaction at most.</summary>
    public int MaxBatchFrames { get; set; } = 5000;
    /// <summary>A connection on which no frame begins for this long is closed (the logger reconnects when it has data).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>A frame (at most about 10 KB) must be complete this long after its first bytes came, or the connection is closed.</summary>
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Open connections one source address may hold; more are closed at once (loggers behind one NAT address share it).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 500;
    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for a monitor's access password as it is stored (OWASP's current figure, 600,000, by
    /// default). Each stored hash carries its own count, so hashes made under an earlier setting still verify.
    /// </summary>
    public int PasswordIterations { get; set; } = 600_000;
    /// <summary>
    /// Password derivations (a logger's first frame, a password registered) running at once; 0: half the cores, at least one.
    /// The rest of the cores keep storing and answering the frames of loggers already checked.
    /// </summary>
    public int PasswordChecksAtOnce { get; set; }

    internal int DerivationsAtOnce => PasswordChecksAtOnce > 0 ? PasswordChecksAtOnce : Math.Max(1, Environment.ProcessorCount / 2);
}

public static class Hj212Setup
{
    public static readonly Type[] EventTypes =
    [
        typeof(MonitoringDataReported), typeof(EquipmentStatusReported), typeof(EmissionLimitExceeded),
        typeof(MonitoringGapDetected), typeof(MonitoringResumed),
    ];

    /// <summary>The HJ 212 listener, the batching intake behind it and the monitoring-gap watch.</summary>
    public static IServiceCollection AddHj212(this IServiceCollection services, IConfiguration config)
    {
        var options = new Hj212Options();
        config.GetSection("Fusion:Hj212").Bind(options);
        if (options.PasswordIterations < 1000)
            throw new InvalidOperationException($"Fusion:Hj212:PasswordIterations must be at least 1,000, not {options.PasswordIterations}");
        services.AddSingleton(options);
        services.AddSingleton<MonitoringWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<MonitoringWatch>());
        services.AddSingleton<MonitorPasswords>();
        services.ConfigureMarten(o => o.Schema.For<MonitorCredential>().Identity(c => c.Id));
        services.AddSingleton<Hj212Intake>();
        services.AddHostedService(sp => sp.GetRequiredService<Hj212Intake>());
        services.AddSingleton<Hj212Listener>();
        services.AddHostedService(sp => sp.GetRequiredService<Hj212Listener>());
        services.AddHostedService<DeviceFeedDemo>();
        return services;
    }
}
