using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fusion.Silo.Tests.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Fusion.Silo.Tests.Cluster;

/// <summary>
/// Two silos (each the built host in a process of its own) form one Orleans cluster through a real redis-server and share
/// one store; clients post camera alarms through both; the silo whose daemon is hot is killed with SIGKILL. The other
/// takes over the subscriptions and the time-driven duties and carries on: every acknowledged record is stored once, no
/// risk assessment or warning is written twice, and every enterprise's score, level and signals equal those of a clean
/// single silo fed the same records.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    const int Clients = 4;
    const int BatchSize = 25;
    const int Batches = 120;
    static readonly string[] Cameras = ["CAM-POTASH-1", "CAM-POTASH-2", "CAM-SODA-1"];
    /// <summary>Regions assessed every two seconds (not every minute), so both runs reach their final region levels within the test.</summary>
    const string RegionsOften = "Fusion:Risk:RegionAssessEvery=00:00:02";

    [Fact]
    public async Task GivenTwoSilosSharingTheStore_WhenTheHotOneIsKilledUnderLoad_ThenTheOtherCarriesOnWithNothingLostOrWrittenTwice()
    {
        await using var redis = await RedisServer.StartAsync();
        var connection = await TestDatabase.CreateAsync();
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var clusterId = $"failover-{Guid.NewGuid():N}";
        var folders = Enumerable.Range(0, 3).Select(_ => Directory.CreateTempSubdirectory("fusion-failover-")).ToArray();
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        var batches = Enumerable.Range(0, Batches).Select(b => Enumerable.Range(0, BatchSize)
            .Select(i => TestData.Alarm($"fo-{b}-{i}", Cameras[(b + i) % Cameras.Length], at.AddSeconds(b * BatchSize + i))).ToArray()).ToArray();
        string[] clustered = [$"Fusion:Cluster:Redis={redis.ConnectionString}", RegionsOften];
        try
        {
            await using var first = await SiloProcess.StartAsync(connection, folders[0].FullName, signingKey, clusterId, "silo-1", clustered);
            await using var second = await SiloProcess.StartAsync(connection, folders[1].FullName, signingKey, clusterId, "silo-2", clustered);

            // Master data stored through one silo is known to the other.
            (await first.Http.PostAsJsonAsync("/api/master-data", TestData.Haixi())).EnsureSuccessStatusCode();
            await EventuallyAsync("the second silo knows the enterprises registered through the first", async () =>
                (await second.Http.GetAsync($"/api/enterprises/{TestData.SodaAsh}/risk")).IsSuccessStatusCode);

            // One daemon is hot, the other cold.
            var (hot, survivor) = await HotAndColdAsync(first, second);
            output.WriteLine($"hot: {hot.Name}, cold: {survivor.Name}");
            await EventuallyAsync("exactly one silo holds the time-driven duties", async () =>
                (await first.HealthAsync()).GetProperty("duties").GetBoolean() ^ (await second.HealthAsync()).GetProperty("duties").GetBoolean());

            var acknowledged = new ConcurrentDictionary<int, SiloProcess>();
            var killed = 0;
            var next = -1;
            var posting = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < Batches)
                {
                    var silo = client % 2 == 0 ? first : second;
                    for (var attempt = 0; ; attempt++)
                    {
                        if (Volatile.Read(ref killed) == 1) silo = survivor;
                        try
                        {
                            using var response = await silo.Http.PostAsJsonAsync("/api/ingest/camera-alarms", batches[b]);
                            if (response.IsSuccessStatusCode)
                            {
                                acknowledged[b] = silo;
                                break;
                            }
                        }
                        catch (HttpRequestException) { }
                        catch (TaskCanceledException) { }
                        if (attempt > 50) throw new InvalidOperationException($"batch {b} was never acknowledged");
                        // Not acknowledged (the silo went away mid-request): the client sends it again, to the survivor.
                        silo = survivor;
                        await Task.Delay(100);
                    }
                }
            })).ToArray();

            var deadline = Stopwatch.StartNew();
            // Killed once a third is acknowledged and both silos have acknowledged some (a silo still warming up answers its first batches later).
            while ((acknowledged.Count < Batches / 3 || !acknowledged.Values.Contains(first) || !acknowledged.Values.Contains(second))
                   && acknowledged.Count < Batches - Clients && deadline.Elapsed < TimeSpan.FromMinutes(5))
                await Task.Delay(20);
            Assert.Contains(acknowledged.Values, s => s == second);
            Assert.Contains(acknowledged.Values, s => s == first);
            var killedAt = Stopwatch.StartNew();
            hot.Kill();
            Volatile.Write(ref killed, 1);
            await Task.WhenAll(posting);
            Assert.Equal(Batches, acknowledged.Count);

            // The survivor's daemon turns hot and its consumers catch up with everything.
            await EventuallyAsync("the survivor runs live risk", async () => (await survivor.ConsumerAsync("live-risk")).State == "Running");
            output.WriteLine($"subscriptions running on the survivor {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
            // The time-driven duties moved too: /health says the survivor holds them.
            await EventuallyAsync("the survivor holds the duties", async () => (await survivor.HealthAsync()).GetProperty("duties").GetBoolean());
            await SettledAsync(survivor, connection);
            output.WriteLine($"the killed silo's warnings:\n{hot.Warnings()}");
            // A silo going away is an outage to those calling it: the pages that touched it are delivered again, nothing is parked.
            var parked = (await survivor.ConsumerAsync("live-risk")).Parked;
            Assert.True(parked == 0, $"live risk parked {parked} event(s) across the failover; the survivor's warnings:\n{survivor.Warnings()}");

            var stored = await TestDatabase.ScalarAsync(connection, "SELECT count(*) FROM fusion.mt_events WHERE type = 'camera_alarm_raised'");
            var distinct = await TestDatabase.ScalarAsync(connection, "SELECT count(DISTINCT data->>'alarmId') FROM fusion.mt_events WHERE type = 'camera_alarm_raised'");
            Assert.Equal(Batches * BatchSize, distinct);
            Assert.Equal(Batches * BatchSize, stored);
            // An enterprise's assessment is stored with the page that made it: the same one twice would be a page stored twice. (A
            // region's is appended by the region assessment whenever its score moves, and may come back to an earlier score.)
            Assert.Empty(await RowsAsync(connection, """
                SELECT stream_id || ' at ' || (data->>'upToSequence') || ': ' || count(*) FROM fusion.mt_events
                WHERE type = 'risk_assessed' AND stream_id LIKE 'risk:enterprise:%'
                GROUP BY stream_id, data->>'upToSequence', data->>'score' HAVING count(*) > 1
                """));
            Assert.Empty(await RowsAsync(connection, """
                SELECT (data->>'ruleId') || ' on ' || (data->>'subjectId') || ': ' || count(*) FROM fusion.mt_events WHERE type = 'warning_raised'
                GROUP BY data->>'ruleId', data->>'subjectId' HAVING count(*) > 1
                """));
            var warnings = await RowsAsync(connection, "SELECT (data->>'ruleId') || ' on ' || (data->>'subjectId') FROM fusion.mt_events WHERE type = 'warning_raised' ORDER BY 1");
            // The region levels (assessed by whichever silo holds the duties) raised warnings too.
            Assert.Contains(warnings, w => w.StartsWith("region-red on ", StringComparison.Ordinal));

            // A clean single silo fed the same records gives the same scores.
            var replayDb = await TestDatabase.CreateAsync();
            await using var single = await SiloProcess.StartAsync(replayDb, folders[2].FullName, signingKey, RegionsOften);
            (await single.Http.PostAsJsonAsync("/api/master-data", TestData.Haixi())).EnsureSuccessStatusCode();
            foreach (var batch in batches) (await single.Http.PostAsJsonAsync("/api/ingest/camera-alarms", batch)).EnsureSuccessStatusCode();
            await SettledAsync(single, replayDb);
            foreach (var enterprise in new[] { TestData.Potash, TestData.SodaAsh })
            {
                var clean = await RiskAsync(single, enterprise);
                var after = await RiskAsync(survivor, enterprise);
                Assert.Equal(clean.Level, after.Level);
                if (!clean.Signals.SequenceEqual(after.Signals))
                {
                    var heldInStore = await TestDatabase.ScalarAsync(connection, $"SELECT count(*) FROM fusion.mt_doc_heldsignal WHERE data->>'subject' = 'enterprise:{enterprise}'");
                    var deadLetters = await RowsAsync(connection, "SELECT data::text FROM fusion.mt_doc_deadletterevent");
                    Assert.Fail($"{enterprise}: the survivor lacks {string.Join(", ", clean.Signals.Except(after.Signals).Take(20))} and holds besides {string.Join(", ", after.Signals.Except(clean.Signals).Take(20))}"
                        + $" ({after.Signals.Length} against {clean.Signals.Length}; {heldInStore} held signals in the store; Marten's dead letters: {string.Join("; ", deadLetters.Take(5))})"
                        + $"\nthe survivor's warnings:\n{survivor.Warnings()}\nthe killed silo's warnings:\n{hot.Warnings()}");
                }
                Assert.InRange(after.Score, clean.Score - 0.15, clean.Score + 0.15);
            }
            Assert.Equal(await RowsAsync(replayDb, "SELECT (data->>'ruleId') || ' on ' || (data->>'subjectId') FROM fusion.mt_events WHERE type = 'warning_raised' ORDER BY 1"), warnings);
        }
        finally
        {
            foreach (var f in folders)
                try { f.Delete(recursive: true); } catch (IOException) { }
        }
    }

    static async Task<(SiloProcess Hot, SiloProcess Cold)> HotAndColdAsync(SiloProcess a, SiloProcess b)
    {
        (SiloProcess, SiloProcess)? found = null;
        await EventuallyAsync("one daemon hot and the other cold", async () =>
        {
            var (sa, sb) = ((await a.ConsumerAsync("live-risk")).State, (await b.ConsumerAsync("live-risk")).State);
            found = (sa, sb) switch
            {
                ("Running", "Standby") => (a, b),
                ("Standby", "Running") => (b, a),
                _ => null,
            };
            return found is not null;
        });
        return found!.Value;
    }

    static Task CaughtUpAsync(SiloProcess silo)
    {
        var last = "";
        return EventuallyAsync($"{silo.Name}'s consumers caught up; last /health:", async () =>
        {
            var health = await silo.HealthAsync();
            last = health.GetRawText();
            var consumers = health.GetProperty("consumers").EnumerateArray().ToList();
            return consumers.Count > 0 && consumers.All(c => c.GetProperty("lag").GetInt64() == 0 && c.GetProperty("state").GetString() == "Running");
        }, TimeSpan.FromMinutes(4), () => last);
    }

    /// <summary>
    /// Caught up, then the regions assessed (by the silo, which holds the duties) at least as far as live risk had come,
    /// then live risk past every event in the store by then (the assessment's own among them) and caught up again, so the
    /// warnings the region levels raise are in. A consumer's lag is counted from the daemon's high-water mark, which learns
    /// of new events only at its next poll: caught up alone can pass before the assessment's events are seen at all.
    /// </summary>
    static async Task SettledAsync(SiloProcess silo, string connection)
    {
        await CaughtUpAsync(silo);
        var (_, position, _, _) = await silo.ConsumerAsync("live-risk");
        await EventuallyAsync($"{silo.Name} assessed the regions through {position}", async () =>
            (await silo.HealthAsync()).GetProperty("regionsAssessedThrough") is { ValueKind: JsonValueKind.Number } through && through.GetInt64() >= position);
        var stored = await TestDatabase.ScalarAsync(connection, "SELECT coalesce(max(seq_id), 0) FROM fusion.mt_events");
        await EventuallyAsync($"{silo.Name}'s live risk past event {stored}", async () => (await silo.ConsumerAsync("live-risk")).Position >= stored);
        await CaughtUpAsync(silo);
    }

    static async Task<(double Score, string Level, string[] Signals)> RiskAsync(SiloProcess silo, string enterprise)
    {
        var risk = JsonDocument.Parse(await silo.Http.GetStringAsync($"/api/enterprises/{enterprise}/risk")).RootElement;
        return (risk.GetProperty("score").GetDouble(), risk.GetProperty("level").GetString()!,
            risk.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("signalId").GetString()!).Order(StringComparer.Ordinal).ToArray());
    }

    static async Task EventuallyAsync(string what, Func<Task<bool>> condition, TimeSpan? within = null, Func<string>? state = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (deadline.Elapsed > (within ?? TimeSpan.FromMinutes(2))) throw new TimeoutException($"not within {within ?? TimeSpan.FromMinutes(2)}: {what} {state?.Invoke()}");
            await Task.Delay(250);
        }
    }

    static async Task<List<string>> RowsAsync(string connection, string sql)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
