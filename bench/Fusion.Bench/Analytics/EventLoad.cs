using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fusion.Domain.Cameras;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Risk;
using Npgsql;
using NpgsqlTypes;

namespace Fusion.Bench.Analytics;

/// <summary>
/// Bulk-loads generated feed events into Marten's own tables by binary COPY, in the rows Marten itself
/// writes (see a quick append: seq_id from the sequence, a stream version per stream, System.Text.Json
/// camelCase with enums as strings, type alias, .NET type, correlation id and headers), then moves the
/// sequence and the streams' versions on. About 70% camera alarms, 25% emission exceedances and 5% risk
/// assessments, over the bench enterprises, spread over the last 90 days.
/// </summary>
public static class EventLoad
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    static readonly string[] Pollutants = ["a21026", "a21002", "a34013", "w01018", "w21003"];
    static readonly string[] PollutantNames = ["SO2", "NOx", "Particulate matter", "COD", "Ammonia nitrogen"];

    public static async Task<long> CopyAsync(string connection, AnalyticsBench.MasterDataSet master, int count)
    {
        // No statement time limit (the COPY finishes with its checks); the stream foreign key is kept by
        // construction (every stream is written first), so its per-row trigger is skipped for the load.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { CommandTimeout = 0 }.ConnectionString);
        await conn.OpenAsync();
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", conn)) await replica.ExecuteNonQueryAsync();
        long seq;
        await using (var max = new NpgsqlCommand("SELECT coalesce(max(seq_id), 0) FROM fusion.mt_events", conn))
            seq = (long)(await max.ExecuteScalarAsync())!;
        master.LastMasterSequence = seq;
        var versions = new Dictionary<string, long>();
        await using (var streams = new NpgsqlCommand("SELECT id, version FROM fusion.mt_streams", conn))
        await using (var reader = await streams.ExecuteReaderAsync())
            while (await reader.ReadAsync()) versions[reader.GetString(0)] = reader.GetInt64(1);
        var existing = versions.Keys.ToHashSet();

        var regionOf = master.Document.Enterprises!.ToDictionary(e => e.EnterpriseId, e => e.RegionId);
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow.AddDays(-90);
        var step = TimeSpan.FromDays(89).Ticks / Math.Max(count, 1);
        var cst = TimeSpan.FromHours(8);

        // Streams first (the events reference them); their versions are set once the events are in.
        var now = DateTimeOffset.UtcNow;
        await using (var streams = await conn.BeginBinaryImportAsync("COPY fusion.mt_streams (id, type, version, timestamp, created, tenant_id, compacted_version, is_archived) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in master.EnterpriseIds.Select(e => $"risk:enterprise:{e}").Where(id => !existing.Contains(id)))
            {
                streams.StartRow();
                streams.Write(id, NpgsqlDbType.Varchar);
                streams.WriteNull();
                streams.Write(0L, NpgsqlDbType.Bigint);
                streams.Write(now, NpgsqlDbType.TimestampTz);
                streams.Write(now, NpgsqlDbType.TimestampTz);
                streams.Write("*DEFAULT*", NpgsqlDbType.Varchar);
                streams.Write(0L, NpgsqlDbType.Bigint);
                streams.Write(false, NpgsqlDbType.Boolean);
            }
            await streams.CompleteAsync();
        }
        var watch = Stopwatch.StartNew();
        await using (var writer = await conn.BeginBinaryImportAsync(
            "COPY fusion.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, is_archived) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < count; i++)
            {
                var e = random.Next(master.EnterpriseIds.Length);
                var enterprise = master.EnterpriseIds[e];
                var region = regionOf[enterprise];
                var timestamp = start.AddTicks(step * i);
                var occurred = timestamp.AddSeconds(-random.Next(5, 600)).ToOffset(cst);
                string stream, type, dotnet, data, headers;
                string? correlation;
                if (i % 20 == 19)
                {
                    stream = $"risk:enterprise:{enterprise}";
                    type = "risk_assessed";
                    dotnet = typeof(RiskAssessed).AssemblyQualifiedNameShort();
                    var score = Math.Round(random.NextDouble() * 100, 1);
                    data = JsonSerializer.Serialize(new RiskAssessed(enterprise, RiskSubject.Enterprise, region, score,
                        score switch { < 20 => RiskLevel.Green, < 40 => RiskLevel.Blue, < 60 => RiskLevel.Yellow, < 80 => RiskLevel.Red, _ => RiskLevel.Black },
                        "2026.11-1", random.Next(1, 40), seq, null, null, timestamp), Json);
                    headers = "null";
                    correlation = null;
                }
                else if (i % 4 == 1)
                {
                    stream = enterprise;
                    type = "emission_limit_exceeded";
                    dotnet = typeof(EmissionLimitExceeded).AssemblyQualifiedNameShort();
                    var p = random.Next(Pollutants.Length);
                    var limit = 50.0 + p * 10;
                    data = JsonSerializer.Serialize(new EmissionLimitExceeded($"ex-{i}", $"MN-{e}", master.SiteIds[e], enterprise, region, $"rp-{i}",
                        Pollutants[p], PollutantNames[p], "mg/m3", DataPeriod.Hour, Math.Round(limit * (1.05 + random.NextDouble()), 2), limit, "N",
                        new DateTimeOffset(occurred.Year, occurred.Month, occurred.Day, occurred.Hour, 0, 0, cst)), Json);
                    headers = $"{{\"source\":\"hj212\",\"receivedAt\":\"{timestamp:O}\"}}";
                    correlation = Guid.NewGuid().ToString("N");
                }
                else
                {
                    stream = enterprise;
                    type = "camera_alarm_raised";
                    dotnet = typeof(CameraAlarmRaised).AssemblyQualifiedNameShort();
                    data = JsonSerializer.Serialize(new CameraAlarmRaised($"bulk-{i}", master.CameraIds[e], master.SiteIds[e], enterprise, region,
                        (CameraAlarmType)random.Next(5), Math.Round(0.5 + random.NextDouble() * 0.5, 3), null, "camera-webhook", occurred), Json);
                    headers = $"{{\"source\":\"camera-alarms\",\"receivedAt\":\"{timestamp:O}\"}}";
                    correlation = Guid.NewGuid().ToString("N");
                }
                var version = versions.TryGetValue(stream, out var v) ? v + 1 : 1;
                versions[stream] = version;
                seq++;
                writer.StartRow();
                writer.Write(seq, NpgsqlDbType.Bigint);
                writer.Write(Guid.CreateVersion7(timestamp), NpgsqlDbType.Uuid);
                writer.Write(stream, NpgsqlDbType.Varchar);
                writer.Write(version, NpgsqlDbType.Bigint);
                writer.Write(data, NpgsqlDbType.Jsonb);
                writer.Write(type, NpgsqlDbType.Varchar);
                writer.Write(timestamp, NpgsqlDbType.TimestampTz);
                writer.Write("*DEFAULT*", NpgsqlDbType.Varchar);
                writer.Write(dotnet, NpgsqlDbType.Varchar);
                if (correlation is null) writer.WriteNull(); else writer.Write(correlation, NpgsqlDbType.Varchar);
                writer.WriteNull();
                writer.Write(headers, NpgsqlDbType.Jsonb);
                writer.Write(false, NpgsqlDbType.Boolean);
                if ((i + 1) % 1_000_000 == 0) Console.WriteLine($"   copied {i + 1:N0} events after {watch.Elapsed.TotalSeconds:N0} s");
            }
            await writer.CompleteAsync();
        }

        await using (var update = new NpgsqlCommand(
            "UPDATE fusion.mt_streams s SET version = v.version, timestamp = $3 FROM unnest($1::varchar[], $2::bigint[]) AS v(id, version) WHERE s.id = v.id", conn))
        {
            update.Parameters.AddWithValue(versions.Keys.ToArray());
            update.Parameters.AddWithValue(versions.Values.ToArray());
            update.Parameters.AddWithValue(DateTimeOffset.UtcNow);
            await update.ExecuteNonQueryAsync();
        }
        await using (var setval = new NpgsqlCommand($"SELECT setval('fusion.mt_events_sequence', {seq}); ANALYZE fusion.mt_events; ANALYZE fusion.mt_streams;", conn) { CommandTimeout = 0 })
            await setval.ExecuteNonQueryAsync();
        return seq;
    }

    /// <summary>Marks the history as already delivered to the live subscriptions (analytics, risk) and the high-water mark.</summary>
    public static async Task MarkDeliveredAsync(string connection, long last)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("UPDATE fusion.mt_event_progression SET last_seq_id = $1, last_updated = now()", conn);
        cmd.Parameters.AddWithValue(last);
        await cmd.ExecuteNonQueryAsync();
    }

    static string AssemblyQualifiedNameShort(this Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
