using Fusion.Connectors.Ingest;
using Fusion.Domain.PublicReports;

namespace Fusion.Connectors.PublicReports;

/// <summary>A report's receipt code and the key its reporter's identity is sealed under (null once destroyed).</summary>
public sealed record ReportSeal(string ReceiptCode, byte[]? Key)
{
    public static ReportSeal New() => new(ReporterSeal.NewReceipt(), ReporterSeal.NewKey());
}

/// <summary>
/// The seals of one batch's reports, as the host stored them (apart from the events) before translating the
/// batch, so every report is sealed under the key that is kept. Without a keyring no report is taken: an
/// identity is never stored unsealed, nor sealed under a key that is not kept.
/// </summary>
public sealed class ReporterKeyring(IReadOnlyDictionary<string, ReportSeal> seals, bool generate = false)
{
    readonly Dictionary<string, ReportSeal> seals = new(seals, StringComparer.Ordinal);

    /// <summary>Takes no report (the feed as listed for its name, outside a host that keeps keys).</summary>
    public static readonly ReporterKeyring None = new(new Dictionary<string, ReportSeal>());

    /// <summary>Makes a seal for every report asked about, kept only in memory (translation outside the host: specs, bench, simulator checks).</summary>
    public static ReporterKeyring InMemory() => new(new Dictionary<string, ReportSeal>(), generate: true);

    public ReportSeal For(string reportId)
    {
        lock (seals)
        {
            if (seals.TryGetValue(reportId, out var seal)) return seal;
            if (!generate) throw new RecordRejected("public reports are taken only where their reporters' identities can be sealed (through the platform's ingest)");
            return seals[reportId] = ReportSeal.New();
        }
    }
}
