namespace Fusion.Silo.Ingest;

/// <summary>
/// The identities of accepted source records (feed + the source's own id), one row each, written in
/// the same transaction as their events, so the same record sent again appends nothing. A plain
/// table rather than a document: a batch claims all its keys in one statement. Device records'
/// identities expire (expires_at: their own time + the resend window) and are purged by
/// IngestKeyRetention; the others' are kept for good (expires_at null).
/// </summary>
public static class IngestKeys
{
    public const string Table = Store.StoreSetup.Schema + ".ingest_keys";

    public static Weasel.Postgresql.Tables.Table Definition()
    {
        var table = new Weasel.Postgresql.Tables.Table(Table);
        table.AddColumn<string>("key").AsPrimaryKey();
        table.AddColumn<string>("stream").NotNull();
        table.AddColumn<DateTimeOffset>("accepted_at").NotNull();
        table.AddColumn<DateTimeOffset>("expires_at");
        table.Indexes.Add(new Weasel.Postgresql.Tables.IndexDefinition("idx_ingest_keys_expires_at") { Columns = ["expires_at"], Predicate = "expires_at is not null" });
        return table;
    }
}
