using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fusion.Silo.Security;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// The built host (Fusion.Silo beside the tests, verb `run`) in a process of its own, on free ports, with a known signing
/// key; more settings as `key=value`. Its client carries a token holding the admin and connector roles.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder log = new();
    public HttpClient Http { get; }
    public string Name { get; }

    SiloProcess(Process process, HttpClient http, string name, int hj212Port)
    {
        this.process = process;
        Http = http;
        Name = name;
        Hj212Port = hj212Port;
    }

    /// <summary>The HJ 212 listener's TCP port.</summary>
    public int Hj212Port { get; }

    public int Id => process.Id;
    public bool HasExited => process.HasExited;

    public string Log
    {
        get { lock (log) return log.ToString(); }
    }

    public static async Task<SiloProcess> StartAsync(string connection, string dataFolder, string signingKey, params string[] settings) =>
        await StartAsync(connection, dataFolder, signingKey, $"kill-{Guid.NewGuid():N}", "silo", settings);

    public static async Task<SiloProcess> StartAsync(string connection, string dataFolder, string signingKey, string clusterId, string name, params string[] settings)
    {
        var port = LoopbackProcess.FreePort();
        var hj212 = LoopbackProcess.FreePort();
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Fusion.Silo"))
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["DOTNET_CONTENTROOT"] = AppContext.BaseDirectory;
        foreach (var a in new[]
                 {
                     "run", "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:Fusion={connection}",
                     $"--Orleans:SiloPort={LoopbackProcess.FreePort()}", $"--Orleans:GatewayPort={LoopbackProcess.FreePort()}",
                     $"--Orleans:ClusterId={clusterId}", $"--Fusion:DataFolder={dataFolder}",
                     $"--Fusion:Hj212:Port={hj212}", $"--Fusion:Auth:SigningKey={signingKey}",
                     "--Logging:LogLevel:Default=Warning",
                 }.Concat(settings.Select(s => $"--{s}")))
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var token = new LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(signingKey)), new AuthOptions().Audience)
            .Issue("kill test", [Roles.Admin, Roles.Connector, Roles.Analyst], TimeSpan.FromHours(1));
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var host = new SiloProcess(process, http, name, hj212);
        process.ErrorDataReceived += (_, e) => { lock (host.log) host.log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (host.log) host.log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the host exited ({process.ExitCode}): {host.Log}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException) { }
            if (deadline.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"the host did not become healthy: {host.Log}");
            await Task.Delay(200);
        }
    }

    /// <summary>/health as JSON (whatever its status code).</summary>
    public async Task<JsonElement> HealthAsync()
    {
        using var response = await Http.GetAsync("/health");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>A consumer as this silo's /health reports it: state, position, lag and open parked events (state "absent" when not listed).</summary>
    public async Task<(string State, long Position, long Lag, int Parked)> ConsumerAsync(string name)
    {
        var health = await HealthAsync();
        foreach (var c in health.GetProperty("consumers").EnumerateArray())
            if (c.GetProperty("name").GetString() == name)
                return (c.GetProperty("state").GetString()!, c.GetProperty("position").GetInt64(), c.GetProperty("lag").GetInt64(), c.GetProperty("parked").GetInt32());
        return ("absent", -1, -1, 0);
    }

    /// <summary>The lines of its log at warning level or above (the host logs nothing below warning here), for a failing test's message.</summary>
    public string Warnings(int last = 40)
    {
        // Each entry: its "warn: Category[id]" line and the message on the line after it.
        var lines = Log.Split('\n');
        var entries = new List<string>();
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("warn:", StringComparison.Ordinal) || lines[i].StartsWith("fail:", StringComparison.Ordinal) || lines[i].StartsWith("crit:", StringComparison.Ordinal))
                entries.Add(i + 1 < lines.Length ? $"{lines[i].Trim()} {lines[i + 1].Trim()}" : lines[i].Trim());
        return string.Join('\n', entries.TakeLast(last));
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing the process could still do.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as a service manager stops it; returns how long it took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan wait)
    {
        var took = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(wait);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { }
        return took.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
