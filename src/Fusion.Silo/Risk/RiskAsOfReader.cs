using Fusion.Domain.Risk;
using Marten;

namespace Fusion.Silo.Risk;

/// <summary>
/// A risk model as adopted (its numbers kept, so answers as of earlier moments use the model then in force); one per
/// adoption, so a version adopted again later keeps its earlier period too.
/// </summary>
public sealed class AdoptedRiskModel
{
    public string Id { get; set; } = "";
    public static string IdOf(string version, DateTimeOffset adoptedAt) => $"{version}@{adoptedAt.UtcTicks}";
    public RiskModel Model { get; set; } = new();
    public DateTimeOffset AdoptedAt { get; set; }
}

/// <summary>
/// Reads an enterprise's risk as of a moment: the events stored up to then that say something about its risk (one query
/// over the event table by type, enterprise and time), folded by the pure <see cref="RiskAsOf"/> with the model adopted
/// last before that moment.
/// </summary>
public sealed class RiskAsOfReader(IDocumentStore store, RiskModel current)
{
    string[]? typeNames;

    public async Task<(RiskScore Score, long SeenThrough)> EnterpriseAsync(string enterpriseId, DateTimeOffset asOf, CancellationToken ct)
    {
        var model = await ModelAtAsync(asOf, ct);
        var events = await EventsAsync(enterpriseId, asOf, ct);
        return (RiskAsOf.Enterprise(enterpriseId, events, model, asOf), events.Count > 0 ? events[^1].Sequence : 0);
    }

    /// <summary>The model adopted last at or before the moment; before any recorded adoption, the first recorded; else the one in use.</summary>
    public async Task<RiskModel> ModelAtAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var adopted = await session.Query<AdoptedRiskModel>().Where(m => m.AdoptedAt <= asOf).OrderByDescending(m => m.AdoptedAt).FirstOrDefaultAsync(ct)
                      ?? await session.Query<AdoptedRiskModel>().OrderBy(m => m.AdoptedAt).FirstOrDefaultAsync(ct);
        return adopted?.Model ?? current;
    }

    async Task<List<StoredEvent>> EventsAsync(string enterpriseId, DateTimeOffset asOf, CancellationToken ct)
    {
        typeNames ??= [.. store.Options.Events.AllKnownEventTypes()
            .Where(t => RiskSignals.EventTypes.Contains(t.EventType) || RiskStateChanges.EventTypes.Contains(t.EventType))
            .Select(t => t.EventTypeName)];
        var serializer = store.Options.Serializer();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT seq_id, data, mt_dotnet_type FROM {store.Options.Events.DatabaseSchemaName}.mt_events " +
                          "WHERE type = ANY($1) AND data->>'enterpriseId' = $2 AND timestamp <= $3 ORDER BY seq_id";
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = typeNames });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = enterpriseId });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = asOf.ToUniversalTime() });
        var events = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (Type.GetType(reader.GetString(2), throwOnError: false) is { } type)
                events.Add(new StoredEvent(reader.GetInt64(0), serializer.FromJson(type, reader, 1)));
        return events;
    }
}
