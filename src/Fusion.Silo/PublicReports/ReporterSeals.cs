using Fusion.Connectors.PublicReports;
using Marten;
using Npgsql;

namespace Fusion.Silo.PublicReports;

/// <summary>
/// Each report's receipt code and the key its reporter's identity is sealed under, one row per report, kept
/// apart from the events: destroying a key (crypto-shredding) leaves the event log whole and the identity
/// unreadable. The receipt stays, so the reporter can still ask for the status.
/// </summary>
public sealed class ReporterSeals(IDocumentStore store)
{
    public const string Table = Store.StoreSetup.Schema + ".reporter_seals";

    public static Weasel.Postgresql.Tables.Table Definition()
    {
        var table = new Weasel.Postgresql.Tables.Table(Table);
        table.AddColumn<string>("report_id").AsPrimaryKey();
        table.AddColumn<string>("receipt").NotNull().AddIndex(i => i.IsUnique = true);
        table.AddColumn("key", "bytea");
        table.AddColumn<DateTimeOffset>("created_at").NotNull();
        table.AddColumn<DateTimeOffset>("shredded_at");
        return table;
    }

    /// <summary>
    /// The seals of these reports, made for those that have none yet. Made before the batch is translated and
    /// stored, so two batches carrying the same report seal it under the same key; a report whose batch is
    /// rejected leaves a key that seals nothing.
    /// </summary>
    public async Task<ReporterKeyring> EnsureAsync(IReadOnlyCollection<string> reportIds, DateTimeOffset now, CancellationToken ct)
    {
        var ids = reportIds.Distinct(StringComparer.Ordinal).ToArray();
        var seals = new Dictionary<string, ReportSeal>(StringComparer.Ordinal);
        if (ids.Length == 0) return new ReporterKeyring(seals);
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        // A receipt code colliding with another report's leaves that report without a row: it gets a new code on the next pass.
        for (var pass = 0; pass < 3 && seals.Count < ids.Length; pass++)
        {
            var missing = ids.Where(id => !seals.ContainsKey(id)).ToArray();
            var fresh = missing.Select(_ => ReportSeal.New()).ToArray();
            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO {Table} (report_id, receipt, key, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::timestamptz[]) ON CONFLICT DO NOTHING", (NpgsqlConnection)conn))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = missing });
                insert.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(f => f.ReceiptCode).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = fresh.Select(f => f.Key!).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = missing.Select(_ => now).ToArray() });
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using var select = new NpgsqlCommand($"SELECT report_id, receipt, key FROM {Table} WHERE report_id = ANY($1)", (NpgsqlConnection)conn);
            select.Parameters.Add(new NpgsqlParameter { Value = missing });
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                seals[reader.GetString(0)] = new ReportSeal(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
        }
        return new ReporterKeyring(seals);
    }

    /// <summary>The report a receipt code belongs to, or null.</summary>
    public async Task<string?> ReportOfAsync(string receipt, CancellationToken ct) =>
        await ScalarAsync<string>($"SELECT report_id FROM {Table} WHERE receipt = $1", receipt.Trim().ToUpperInvariant(), ct);

    /// <summary>The report's key, or null when it was destroyed or never made.</summary>
    public async Task<byte[]?> KeyAsync(string reportId, CancellationToken ct) =>
        await ScalarAsync<byte[]>($"SELECT key FROM {Table} WHERE report_id = $1", reportId, ct);

    /// <summary>The statement that destroys a report's key, queued in the session that records the act.</summary>
    public static void QueueShred(IDocumentSession session, string reportId, DateTimeOffset now) =>
        session.QueueSqlCommand($"UPDATE {Table} SET key = NULL, shredded_at = coalesce(shredded_at, ?) WHERE report_id = ?", now, reportId);

    async Task<T?> ScalarAsync<T>(string sql, string value, CancellationToken ct) where T : class
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, (NpgsqlConnection)conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        return await cmd.ExecuteScalarAsync(ct) as T;
    }
}
