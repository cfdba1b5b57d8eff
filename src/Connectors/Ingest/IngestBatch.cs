namespace Fusion.Connectors.Ingest;

/// <summary>
/// One source record as the transport delivered it, after parsing: its place in the batch, its own id when
/// it could be read, its raw input (read only when it is rejected, for the quarantine), and either the parsed record
/// or what made it unreadable (Problem set, Parsed not used).
/// </summary>
public readonly record struct SourceRecord<T>(int Index, string? RecordId, Func<string> Raw, T? Parsed, string? Problem);

/// <summary>
/// The pure part of the one ingest pipeline every feed goes through (JSON feeds, HJ 212 over TCP and HTTP,
/// GB/T 28181, master data): parse (the feed's own) → validate → translate → one batch of accepted items and
/// rejections with their raw input. The host appends the batch in one transaction (IngestPipeline).
/// </summary>
public static class IngestBatch
{
    /// <summary>
    /// Each record that parsed is validated and translated; a parse problem, a RecordRejected from the
    /// translation or a failed <see cref="IngestValidation"/> check rejects that record alone, the rest go on.
    /// </summary>
    public static TranslatedBatch Translate<T>(string feed, IEnumerable<SourceRecord<T>> records, Func<T, IEnumerable<IngestItem>> translate, IngestChecks? checks = null)
    {
        var accepted = new List<(int, IngestItem)>();
        var rejected = new List<Rejection>();
        foreach (var record in records)
        {
            if (record.Problem is not null)
            {
                rejected.Add(Rejection.Of(record.Index, record.RecordId, record.Problem, record.Raw));
                continue;
            }
            try
            {
                var items = translate(record.Parsed!).ToList();
                foreach (var item in items) IngestValidation.Check(item, checks);
                foreach (var item in items) accepted.Add((record.Index, item));
            }
            catch (RecordRejected e)
            {
                rejected.Add(Rejection.Of(record.Index, record.RecordId, e.Message, record.Raw));
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidOperationException)
            {
                // Translation is pure: what it cannot take (a year-1 time shifted past DateTime's range, text .NET
                // cannot read) is this record's fault alone, so it is a rejection with its raw input, not a failed batch.
                rejected.Add(Rejection.Of(record.Index, record.RecordId, $"it could not be read: {e.Message}", record.Raw));
            }
        }
        return new TranslatedBatch(feed, accepted, rejected);
    }
}
