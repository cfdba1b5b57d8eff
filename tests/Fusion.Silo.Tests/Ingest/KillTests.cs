using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Fusion.Silo.Tests.Hosting;
using Npgsql;

namespace Fusion.Silo.Tests.Ingest;

/// <summary>
/// The platform as its own process (the built host, `run`), killed with SIGKILL while clients post camera alarms:
/// whatever it acknowledged is in the store after the kill, and sending everything again after a restart stores
/// each record once.
/// </summary>
public sealed class KillTests
{
    const int Clients = 4;
    const int BatchSize = 100;
    const int Batches = 200;

    [Fact]
    public async Task GivenClientsPostingAlarms_WhenTheHostIsKilledMidLoad_ThenEveryAcknowledgedRecordIsStoredAndAResendStoresEachOnce()
    {
        var connection = await TestDatabase.CreateAsync();
        var data = Directory.CreateTempSubdirectory("fusion-kill-");
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // One second apart, the last an hour ago: every record inside the accepted time window.
        var at = DateTimeOffset.UtcNow.AddSeconds(-Batches * BatchSize).AddHours(-1);
        var batches = Enumerable.Range(0, Batches).Select(b => Enumerable.Range(0, BatchSize)
            .Select(i => TestData.Alarm($"kill-{b}-{i}", i % 2 == 0 ? "CAM-POTASH-1" : "CAM-SODA-1", at.AddSeconds(b * BatchSize + i))).ToArray()).ToArray();
        try
        {
            var acknowledged = new ConcurrentBag<int>();
            await using (var host = await SiloProcess.StartAsync(connection, data.FullName, signingKey))
            {
                (await host.Http.PostAsJsonAsync("/api/master-data", TestData.Haixi())).EnsureSuccessStatusCode();
                var next = -1;
                var posting = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
                {
                    int b;
                    while ((b = Interlocked.Increment(ref next)) < Batches)
                    {
                        try
                        {
                            using var response = await host.Http.PostAsJsonAsync("/api/ingest/camera-alarms", batches[b]);
                            if (response.IsSuccessStatusCode) acknowledged.Add(b);
                        }
                        catch (HttpRequestException) { return; }
                        catch (TaskCanceledException) { return; }
                    }
                })).ToArray();

                // Killed once a fair number of batches are acknowledged, with others in flight.
                var deadline = Stopwatch.StartNew();
                while (acknowledged.Count < Batches / 4 && deadline.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(20);
                host.Kill();
                await Task.WhenAll(posting);
            }
            Assert.InRange(acknowledged.Count, Batches / 4, Batches - 1);

            var stored = await StoredAlarmIdsAsync(connection);
            var missing = acknowledged.SelectMany(b => Enumerable.Range(0, BatchSize).Select(i => $"kill-{b}-{i}")).Where(id => !stored.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged records lost, e.g. {string.Join(", ", missing.Take(5))}");

            await using (var host = await SiloProcess.StartAsync(connection, data.FullName, signingKey))
            {
                await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (batch, ct) =>
                {
                    using var response = await host.Http.PostAsJsonAsync("/api/ingest/camera-alarms", batch, ct);
                    var answer = await response.Content.ReadAsStringAsync(ct);
                    Assert.True(response.IsSuccessStatusCode, $"resend after the restart: {(int)response.StatusCode} {answer[..Math.Min(500, answer.Length)]}");
                });
            }
            var all = await StoredAlarmIdsAsync(connection);
            Assert.Equal(Batches * BatchSize, all.Count);
            Assert.Equal(Batches * BatchSize, await TestDatabase.ScalarAsync(connection, "SELECT count(*) FROM fusion.mt_events WHERE type = 'camera_alarm_raised'"));
        }
        finally
        {
            try { data.Delete(recursive: true); } catch (IOException) { }
        }
    }

    static async Task<HashSet<string>> StoredAlarmIdsAsync(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT data->>'alarmId' FROM fusion.mt_events WHERE type = 'camera_alarm_raised'", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new HashSet<string>();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }

}
