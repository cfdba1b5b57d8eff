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

/// <summary>A record that could not be accepted, kept raw so it can be inspected, corrected and replayed.</summary>
public sealed class QuarantinedRecord
{
    public Guid Id { get; set; }
    public string Feed { get; set; } = "";
    public int Index { get; set; }
    public string? RecordId { get; set; }
    public string Reason { get; set; } = "";
    public string Raw { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public string? CorrelationId { get; set; }

    /// <summary>Set when a replay got the record in (accepted, or found already stored).</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? Resolution { get; set; }
}
