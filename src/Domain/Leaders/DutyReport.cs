using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Rectification;
using Fusion.Domain.Warnings;

namespace Fusion.Domain.Leaders;

/// <summary>An area the leader answered for during the year, with the dates of that assignment (From null: since records began).</summary>
public sealed record DutyArea(string AreaId, string? AreaName, LeaderLevel? Level, DateTimeOffset? From, DateTimeOffset? Until);

/// <summary>A warning that reached the leader (raised to them, or escalated or reminded to them), and when they acknowledged it.</summary>
public sealed record WarningReceipt(
    string WarningId, string RuleId, string? EnterpriseId, string RegionId, Severity Severity, int Stage,
    DateTimeOffset ReceivedAt, DateTimeOffset? AcknowledgedAt, double? HoursToAcknowledge);

public sealed record DutyWarnings(int Received, int Acknowledged, int NotAcknowledged, double? MedianHoursToAcknowledge, double? LongestHoursToAcknowledge,
    IReadOnlyList<WarningReceipt> Items);

/// <summary>Rectification cases of the leader's areas: opened while they answered for the place, and closed (verified) while they did.</summary>
public sealed record DutyCases(int Opened, int Closed, int OpenedAndWentOverdue, IReadOnlyList<string> OpenedIds, IReadOnlyList<string> ClosedIds);

public sealed record DutyVisits(int Stays, int StayDays, int Inspections, int InOwnAreas, IReadOnlyList<LeaderVisit> Items);

/// <summary>
/// A leader's yearly environmental duty report (述职) for one calendar year in Beijing time, generated from the record:
/// their areas, the warnings that reached them and how fast they acknowledged them, the cases opened and closed in their
/// areas while they answered for them, and their visits.
/// </summary>
public sealed record DutyReport(
    string LeaderId, string Name, string Title, int Year, DateTimeOffset Start, DateTimeOffset End,
    IReadOnlyList<DutyArea> Areas, DutyWarnings Warnings, DutyCases Cases, DutyVisits Visits)
{
    public static (DateTimeOffset Start, DateTimeOffset End) YearOf(int year) =>
        (Tenures.StartOf(new DateOnly(year, 1, 1)), Tenures.StartOf(new DateOnly(year + 1, 1, 1)));

    /// <summary>
    /// The report from the record. Warnings and cases may hold more than the leader's (a wider query): only those that
    /// reached the leader, and cases of the areas they answered for at the moment in question, count.
    /// </summary>
    public static DutyReport Build(Leader leader, int year, IEnumerable<WarningView> warnings, IEnumerable<RectificationCase> cases,
        IEnumerable<LeaderVisit> visits, MasterDataCatalog catalog)
    {
        var (start, end) = YearOf(year);
        bool InYear(DateTimeOffset at) => start <= at && at < end;

        var areas = leader.Tenures.Where(t => t.Overlaps(start, end))
            .Select(t => new DutyArea(t.AreaId, catalog.Regions.GetValueOrDefault(t.AreaId)?.Name ?? catalog.Enterprises.GetValueOrDefault(t.AreaId)?.Name,
                t.Level, t.From, t.Until))
            .ToList();

        var receipts = new List<WarningReceipt>();
        foreach (var w in warnings)
        {
            var reached = w.History.FirstOrDefault(h => h.Recipients.Any(r => r.RecipientId == leader.LeaderId));
            if (reached is null || !InYear(reached.At)) continue;
            double? hours = w.AcknowledgedAt is { } ack ? Math.Round(Math.Max(0, (ack - reached.At).TotalHours), 2) : null;
            receipts.Add(new WarningReceipt(w.Id, w.RuleId, w.EnterpriseId, w.RegionId, w.Severity, reached.Stage ?? w.Stage, reached.At, w.AcknowledgedAt, hours));
        }
        receipts.Sort((a, b) => a.ReceivedAt.CompareTo(b.ReceivedAt) is var c && c != 0 ? c : string.CompareOrdinal(a.WarningId, b.WarningId));
        var times = receipts.Where(r => r.HoursToAcknowledge is not null).Select(r => r.HoursToAcknowledge!.Value).Order().ToList();

        bool Answered(RectificationCase c, DateTimeOffset at) =>
            Tenures.At(leader.Tenures, at) is { } t && AreaScope.OfTenure(t, catalog).Covers(c.EnterpriseId, c.RegionId);
        var allCases = cases.ToList();
        var opened = allCases.Where(c => InYear(c.OpenedAt) && Answered(c, c.OpenedAt)).OrderBy(c => c.OpenedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        var closed = allCases.Where(c => c.VerifiedAt is { } v && InYear(v) && Answered(c, v)).OrderBy(c => c.VerifiedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();

        var ofYear = visits.Where(v => InYear(Tenures.StartOf(v.From))).OrderBy(v => v.From).ThenBy(v => v.VisitId, StringComparer.Ordinal).ToList();
        var stays = ofYear.Where(v => v.Kind == VisitKind.Stay).ToList();

        return new DutyReport(leader.LeaderId, leader.Name, leader.Title, year, start, end, areas,
            new DutyWarnings(receipts.Count, times.Count, receipts.Count - times.Count, Median(times), times.Count > 0 ? times[^1] : null, receipts),
            new DutyCases(opened.Count, closed.Count, opened.Count(c => c.Overdue), [.. opened.Select(c => c.Id)], [.. closed.Select(c => c.Id)]),
            new DutyVisits(stays.Count, stays.Sum(v => v.Days), ofYear.Count(v => v.Kind == VisitKind.Inspection), ofYear.Count(v => v.InOwnArea), ofYear));
    }

    static double? Median(List<double> sorted) =>
        sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : Math.Round((sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2, 2);
}
