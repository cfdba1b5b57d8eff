using Fusion.Domain.Blacklist;
using Fusion.Domain.Inspections;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Rectification;

namespace Fusion.Domain.Credit;

/// <summary>One deduction: what it is for, how many points, and until when it stands.</summary>
public sealed record CreditDeduction(string DeductionId, string Kind, double Points, string Summary, DateTimeOffset At, DateTimeOffset ExpiresAt);

/// <summary>An enterprise's credit grade at a moment, explained by the deductions in force.</summary>
public sealed record CreditGrade(string EnterpriseId, double Score, string Grade, string Scheme, string SchemeVersion, DateTimeOffset AsOf,
    IReadOnlyList<CreditDeduction> Deductions);

/// <summary>
/// The credit grade beside the live risk score: risk says how alarming an enterprise looks now; the grade
/// is its record, by the scheme's points, kept for the scheme's periods.
/// </summary>
public static class CreditGrading
{
    /// <summary>The enterprise and deduction an event gives under the scheme, if any.</summary>
    public static (string EnterpriseId, CreditDeduction Deduction)? DeductionFrom(object @event, CreditScheme scheme) => @event switch
    {
        InspectionFindingRecorded e => Deduct(scheme, e.EnterpriseId, $"inspection:{e.FindingId}", $"inspection-{e.Severity.ToString().ToLowerInvariant()}",
            $"{e.Severity} finding: {e.Violation}", e.RecordedAt),
        RectificationOverdue e => Deduct(scheme, e.EnterpriseId, $"overdue:{e.CaseId}", "rectification-overdue",
            $"Rectification not verified by {e.Deadline:yyyy-MM-dd}", e.DetectedAt),
        EmissionLimitExceeded e when e.Period is DataPeriod.Hour or DataPeriod.Day => Deduct(scheme, e.EnterpriseId,
            $"emission:{e.SiteId}:{DateOnly.FromDateTime(e.MeasuredAt.DateTime):yyyy-MM-dd}", "emission-exceedance",
            $"Emission limit exceeded at {e.SiteId} on {e.MeasuredAt:yyyy-MM-dd} ({e.PollutantName})", e.MeasuredAt),
        EnterpriseBlacklisted e => Deduct(scheme, e.EnterpriseId, $"blacklist:{e.ProposalId}", "blacklisted",
            $"Blacklisted ({e.ReasonCategory}) until {e.ListedUntil:yyyy-MM-dd}", e.DecidedAt),
        _ => null,
    };

    static (string, CreditDeduction)? Deduct(CreditScheme scheme, string enterpriseId, string id, string kind, string summary, DateTimeOffset at) =>
        scheme.Deductions.FirstOrDefault(d => d.Kind == kind) is { } rule
            ? (enterpriseId, new CreditDeduction(id, kind, rule.Points, summary, at, at.AddMonths(rule.ValidityMonths)))
            : null;

    public static CreditGrade Grade(string enterpriseId, IEnumerable<CreditDeduction> deductions, CreditScheme scheme, DateTimeOffset now)
    {
        var inForce = deductions.Where(d => d.At <= now && now < d.ExpiresAt).OrderByDescending(d => d.At).ThenBy(d => d.DeductionId, StringComparer.Ordinal).ToArray();
        var score = Math.Max(0, scheme.StartScore - inForce.Sum(d => d.Points));
        var grade = scheme.Grades.FirstOrDefault(g => score >= g.MinScore)?.Grade ?? scheme.Grades[^1].Grade;
        return new CreditGrade(enterpriseId, score, grade, scheme.Name, scheme.Version, now, inForce);
    }
}

/// <summary>An enterprise's credit score or grade moved (assessed by the platform's clock). Stream "credit:{EnterpriseId}".</summary>
public sealed record CreditGradeAssessed(
    string EnterpriseId, string RegionId, double Score, string Grade, string SchemeVersion, int DeductionsInForce, DateTimeOffset AssessedAt);
