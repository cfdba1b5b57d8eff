using System.Runtime.CompilerServices;
using Fusion.Projections.Projection;
using Marten;

namespace Fusion.Silo.Analytics;

/// <summary>
/// Reads the stored history for a rebuild, in sequence order, a page at a time, straight from the
/// event table through Npgsql (no session, no LINQ, no metadata a rebuild does not use), each payload
/// deserialized by Marten's own serializer into the type recorded with it. The next page is fetched
/// while the current one is applied.
/// </summary>
public sealed class MartenAnalyticsSource(IDocumentStore store, int batchSize) : IAnalyticsEventSource
{
    readonly Dictionary<string, Type?> _types = new(StringComparer.Ordinal);

    public async IAsyncEnumerable<IReadOnlyList<AnalyticsEvent>> ReadAsync(long after, long upTo, [EnumeratorCancellation] CancellationToken ct)
    {
        if (after >= upTo) yield break;
        var serializer = store.Options.Serializer();
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT seq_id, stream_id, type, data, timestamp, mt_dotnet_type FROM {schema}.mt_events " +
                          "WHERE seq_id > $1 AND seq_id <= $2 ORDER BY seq_id LIMIT $3";
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = 0L });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = upTo });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = batchSize });
        var next = FetchAsync(after);
        try
        {
            while (true)
            {
                var page = await next;
                if (page.Count == 0) yield break;
                after = page[^1].Sequence;
                next = after < upTo ? FetchAsync(after) : Task.FromResult<List<AnalyticsEvent>>([]);
                yield return page;
            }
        }
        finally
        {
            try { await next; } catch { /* the consumer stopped or failed first: its exception is the one that counts */ }
        }

        async Task<List<AnalyticsEvent>> FetchAsync(long from)
        {
            await Task.Yield();
            cmd.Parameters[0].Value = from;
            var page = new List<AnalyticsEvent>(batchSize);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var type = TypeOf(reader.IsDBNull(5) ? null : reader.GetString(5));
                var data = type is null ? reader.GetString(3) : serializer.FromJson(type, reader, 3);
                // The event type is the CLR type's name, as the live subscription gives it (IEvent.EventType.Name).
                page.Add(new AnalyticsEvent(reader.GetInt64(0), reader.GetString(1), type?.Name ?? reader.GetString(2), data, reader.GetFieldValue<DateTimeOffset>(4)));
            }
            return page;
        }
    }

    /// <summary>The recorded .NET type, when this process has it; otherwise the payload stays JSON text.</summary>
    Type? TypeOf(string? dotnetType)
    {
        if (dotnetType is null) return null;
        if (!_types.TryGetValue(dotnetType, out var type))
            _types[dotnetType] = type = Type.GetType(dotnetType, throwOnError: false);
        return type;
    }
}
