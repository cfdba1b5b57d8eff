using System.Globalization;
using System.Text;

namespace Fusion.Domain.PublicReports;

/// <summary>When two complaints are one ("PublicReports:Duplicates" in configuration).</summary>
public sealed class DuplicatePolicy
{
    /// <summary>Complaints about the same site (or enterprise) this close in time can be the same complaint.</summary>
    public double WindowHours { get; set; } = 72;

    /// <summary>… when their texts are at least this similar (Dice coefficient of character pairs, 0–1).</summary>
    public double MinSimilarity { get; set; } = 0.5;
}

/// <summary>An earlier report as duplicate linking needs it.</summary>
public sealed record EarlierReport(string ReportId, string? SiteId, string? EnterpriseId, string Content, DateTimeOffset ReceivedAt, string? DuplicateOf);

/// <summary>
/// The same complaint arriving through several channels, or several times, is linked to the first: about the same
/// enterprise and the same site (or a report that names no site: the 12369 export often names only the enterprise),
/// within the window, with similar text. A report placed only in a region is never linked: a region is too wide to say
/// two complaints are one.
/// </summary>
public static class DuplicateComplaints
{
    /// <summary>The first report this one repeats, and how similar their texts are; null when it is a complaint of its own.</summary>
    public static (string OriginalId, double Similarity)? OriginalOf(PublicReportFiled report, IEnumerable<EarlierReport> earlier, DuplicatePolicy policy)
    {
        if (report.EnterpriseId is null) return null;
        var window = TimeSpan.FromHours(policy.WindowHours);
        var best = earlier
            .Where(e => e.ReportId != report.ReportId
                        && e.EnterpriseId == report.EnterpriseId && (report.SiteId is null || e.SiteId is null || e.SiteId == report.SiteId)
                        && (report.ReceivedAt - e.ReceivedAt).Duration() <= window)
            .Select(e => (Report: e, Similarity: Similarity(report.Content, e.Content)))
            .Where(x => x.Similarity >= policy.MinSimilarity)
            .OrderBy(x => x.Report.ReceivedAt).ThenBy(x => x.Report.ReportId, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Report is null ? null : (best.Report.DuplicateOf ?? best.Report.ReportId, Math.Round(best.Similarity, 3));
    }

    /// <summary>Dice coefficient of the two texts' character pairs, letters and digits only, case folded: 1 for the same words.</summary>
    public static double Similarity(string a, string b)
    {
        var (x, y) = (Pairs(a), Pairs(b));
        if (x.Count == 0 || y.Count == 0) return 0;
        var common = 0;
        var pool = y.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        foreach (var p in x)
            if (pool.TryGetValue(p, out var n) && n > 0) { common++; pool[p] = n - 1; }
        return 2.0 * common / (x.Count + y.Count);
    }

    static List<string> Pairs(string text)
    {
        var letters = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
            if (char.IsLetterOrDigit(c)) letters.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        var s = letters.ToString();
        var pairs = new List<string>(Math.Max(0, s.Length - 1));
        for (var i = 0; i + 1 < s.Length; i++) pairs.Add(s.Substring(i, 2));
        return pairs;
    }
}
