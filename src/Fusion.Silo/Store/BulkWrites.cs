using Marten;

namespace Fusion.Silo.Store;

/// <summary>
/// Documents and events that one transaction writes for many grains at once (a live-risk page's snapshots, warning books and
/// RiskAssessed events), queued on its session as one upsert per document type and one statement for every event. Marten's
/// own operations cost a statement each: an upsert per document and a function call per stream appended to, about 150 for a
/// transaction of 50 enterprises. Each document is stored as the last write of it left it; the events are appended in the
/// order given, each stream's versions following on from its row in mt_streams (created when new, its row lock taken in the
/// order of the stream ids, as the ingest writer takes them), with the rows Marten's own append makes: sequence, version,
/// type, .NET type, tenant, the session's correlation id, no headers. The subscriptions are woken at commit, as they are by
/// Marten's appends.
/// </summary>
public sealed class BulkWrites(IDocumentStore store)
{
    /// <summary>Per document type, per id in the order first stored: the document as the last write left it.</summary>
    readonly Dictionary<Type, Dictionary<string, object>> documents = [];
    readonly List<(string Stream, object Event)> events = [];

    public void Store<T>(string id, T document) where T : notnull
    {
        if (!documents.TryGetValue(typeof(T), out var ofType)) documents[typeof(T)] = ofType = new(StringComparer.Ordinal);
        ofType[id] = document;
    }

    public void Append(string stream, object e) => events.Add((stream, e));

    /// <summary>Queues the statements on the session (none when nothing was written); they run in its transaction at SaveChanges.</summary>
    public void QueueOn(IDocumentSession session)
    {
        var serializer = store.Options.Serializer();
        foreach (var (type, byId) in documents)
            QueueUpsert(session, store, type, byId.Keys.ToArray(), byId.Values.Select(serializer.ToJson).ToArray());
        if (events.Count == 0) return;
        var types = events.Select(e => EventCatalog.NamesOf(store, e.Event.GetType())).ToArray();
        var schema = StoreSetup.Schema;
        session.QueueSqlCommand(
            $"WITH e AS (SELECT * FROM unnest(?::varchar[], ?::uuid[], ?::text[], ?::varchar[], ?::varchar[]) WITH ORDINALITY AS t(stream, id, data, alias, dotnet, o)), " +
            "n AS (SELECT stream, count(*) AS n FROM e GROUP BY stream), " +
            $"s AS (INSERT INTO {schema}.mt_streams AS s (id, version, timestamp, created) SELECT stream, n, now(), now() FROM n ORDER BY stream " +
            "ON CONFLICT (id) DO UPDATE SET version = s.version + excluded.version, timestamp = excluded.timestamp RETURNING id, version) " +
            $"INSERT INTO {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, headers, is_archived) " +
            $"SELECT nextval('{schema}.mt_events_sequence'), x.id, x.stream, x.version, x.data::jsonb, x.alias, now(), '*DEFAULT*', x.dotnet, ?::varchar, 'null'::jsonb, false " +
            "FROM (SELECT e.id, e.stream, e.data, e.alias, e.dotnet, s.version - n.n + row_number() OVER (PARTITION BY e.stream ORDER BY e.o) AS version " +
            "FROM e JOIN s ON s.id = e.stream JOIN n ON n.stream = e.stream ORDER BY e.o) x",
            events.Select(e => e.Stream).ToArray(), events.Select(_ => Guid.CreateVersion7()).ToArray(),
            events.Select(e => serializer.ToJson(e.Event)).ToArray(), types.Select(t => t.Alias).ToArray(), types.Select(t => t.DotNet).ToArray(),
            (object?)session.CorrelationId ?? DBNull.Value);
        session.QueueSqlCommand("SELECT pg_notify('mt_events_appended', '')");
    }

    /// <summary>
    /// Queues one upsert of documents of <paramref name="type"/> (their ids and JSON, each id once) with the columns Marten
    /// writes for them, and <paramref name="duplicated"/> when the type keeps a field in a column of its own beside its data;
    /// mt_version and mt_last_modified take their defaults, as a new version of the row, as Marten's upsert gives it.
    /// </summary>
    public static void QueueUpsert(IDocumentSession session, IDocumentStore store, Type type, string[] ids, string[] json,
        (string Column, string[] Values)? duplicated = null)
    {
        var table = store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName;
        const string Replace = "ON CONFLICT (id) DO UPDATE SET data = excluded.data, mt_dotnet_type = excluded.mt_dotnet_type, " +
                               "mt_version = excluded.mt_version, mt_last_modified = excluded.mt_last_modified";
        if (duplicated is not { } field)
            session.QueueSqlCommand(
                $"INSERT INTO {table} (id, data, mt_dotnet_type) SELECT i, d::jsonb, ? FROM unnest(?::varchar[], ?::text[]) AS t(i, d) {Replace}",
                type.FullName!, ids, json);
        else
            session.QueueSqlCommand(
                $"INSERT INTO {table} (id, data, mt_dotnet_type, {field.Column}) SELECT i, d::jsonb, ?, x FROM unnest(?::varchar[], ?::text[], ?::varchar[]) AS t(i, d, x) " +
                $"{Replace}, {field.Column} = excluded.{field.Column}",
                type.FullName!, ids, json, field.Values);
    }
}
