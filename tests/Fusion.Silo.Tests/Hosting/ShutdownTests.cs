using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// The host as its own process, stopped with SIGTERM (as a service manager stops it) while clients post camera alarms and a
/// data logger holds an idle HJ 212 connection: it stops within ten seconds, and whatever it acknowledged is stored.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task GivenClientsPostingAndALoggerConnected_WhenTheHostIsTerminated_ThenItStopsWithinTenSecondsAndKeepsEveryAcknowledgedRecord()
    {
        var connection = await TestDatabase.CreateAsync();
        var data = Directory.CreateTempSubdirectory("fusion-term-");
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var at = DateTimeOffset.UtcNow.AddHours(-4);
        try
        {
            await using var host = await SiloProcess.StartAsync(connection, data.FullName, signingKey);
            (await host.Http.PostAsJsonAsync("/api/master-data", TestData.Haixi())).EnsureSuccessStatusCode();
            using var logger = new TcpClient();
            await logger.ConnectAsync("127.0.0.1", host.Hj212Port);

            var acknowledged = new ConcurrentBag<string>();
            var stop = new CancellationTokenSource();
            var next = -1;
            var posting = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var b = Interlocked.Increment(ref next);
                    var batch = Enumerable.Range(0, 50).Select(i => TestData.Alarm($"term-{b}-{i}", "CAM-POTASH-1", at.AddSeconds(b * 50 + i))).ToArray();
                    try
                    {
                        using var response = await host.Http.PostAsJsonAsync("/api/ingest/camera-alarms", batch);
                        if (response.IsSuccessStatusCode) foreach (var i in Enumerable.Range(0, 50)) acknowledged.Add($"term-{b}-{i}");
                    }
                    catch (HttpRequestException) { return; }
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();
            var deadline = Stopwatch.StartNew();
            while (acknowledged.Count < 1000 && deadline.Elapsed < TimeSpan.FromMinutes(3)) await Task.Delay(20);

            var took = await host.TerminateAsync(TimeSpan.FromSeconds(30));
            stop.Cancel();
            await Task.WhenAll(posting);
            Assert.True(host.HasExited, $"still running 30 s after SIGTERM: {host.Log}");
            Assert.True(took < TimeSpan.FromSeconds(10), $"stopped {took.TotalSeconds:0.0} s after SIGTERM, not within 10 s");

            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT data->>'alarmId' FROM fusion.mt_events WHERE type = 'camera_alarm_raised'", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            var stored = new HashSet<string>();
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
            var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged records lost, e.g. {string.Join(", ", lost.Take(5))}");
        }
        finally
        {
            try { data.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
