using Fusion.Connectors.Ingest;
using Fusion.Connectors.Inspections;
using Fusion.Domain;
using Fusion.Domain.Assessments;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Assessments;

public sealed record AssessmentIssueRecord(string IssueId, string Description, string Severity);
public sealed record ResolvedIssueRecord(string AssessmentId, string IssueId);

/// <summary>
/// A third-party environmental risk pre-assessment (measure 3). SubjectKind is enterprise, industrial-park or
/// protected-zone; RiskLevel and each issue's Severity are low/medium/high/critical (or the policy's 一般/较大/重大/特别重大);
/// ResolvedIssues names issues of earlier assessments of the subject that this one found resolved.
/// </summary>
public sealed record RiskAssessmentRecord(
    string AssessmentId, string SubjectKind, string SubjectId, string Assessor, string RiskLevel,
    IReadOnlyList<AssessmentIssueRecord> Issues, DateOnly RemediationDueBy, DateTimeOffset AssessedAt,
    IReadOnlyList<ResolvedIssueRecord>? ResolvedIssues = null);

public sealed class RiskAssessmentFeed : IFeed
{
    public string Name => "risk-assessments";
    public string IdField => "assessmentId";

    static readonly IReadOnlyDictionary<string, AssessedSubject> Subjects = new Dictionary<string, AssessedSubject>
    {
        ["enterprise"] = AssessedSubject.Enterprise, ["industrial-park"] = AssessedSubject.IndustrialPark, ["protected-zone"] = AssessedSubject.ProtectedZone,
    };

    /// <summary>The platform's severities and the policy's grades (一般 → low … 特别重大 → critical, as for inspection findings).</summary>
    static readonly IReadOnlyDictionary<string, Severity> Grades = Severities.Names
        .Concat(InspectionFindingFeed.PolicyGrades.Select(g => KeyValuePair.Create(g.Key, Severities.Names[g.Value])))
        .ToDictionary();

    public const int MaxIssues = 500;

    public IngestItem Translate(RecordReader r, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var id = r.String("assessmentId");
        var kind = r.Choice("subjectKind", Subjects);
        var subjectId = r.String("subjectId");
        var (regionId, enterpriseId, stream) = kind switch
        {
            AssessedSubject.Enterprise => catalog.Enterprises.TryGetValue(subjectId, out var e)
                ? (e.RegionId, e.EnterpriseId, Streams.Enterprise(e.EnterpriseId))
                : throw new RecordRejected(CreditCode.Problem(subjectId) ?? $"enterprise '{subjectId}' is not registered in master data"),
            AssessedSubject.IndustrialPark => catalog.Regions.TryGetValue(subjectId, out var p) && p.Kind == RegionKind.IndustrialPark
                ? (p.RegionId, (string?)null, Streams.Region(p.RegionId))
                : throw new RecordRejected($"industrial park '{subjectId}' is not registered in master data"),
            _ => catalog.Zones.TryGetValue(subjectId, out var z)
                ? (z.RegionId, (string?)null, Streams.ProtectedZone(z.ZoneId))
                : throw new RecordRejected($"protected zone '{subjectId}' is not registered in master data"),
        };
        var assessor = r.String("assessor");
        var level = r.Choice("riskLevel", Grades);
        var due = r.Date("remediationDueBy");
        var at = r.Time("assessedAt");
        if (due < DateOnly.FromDateTime(at.Date))
            throw new RecordRejected($"'remediationDueBy' {due:yyyy-MM-dd} is before the assessment ({at:yyyy-MM-dd})");
        var issues = r.Array("issues").ToList();
        if (issues.Count > MaxIssues) throw new RecordRejected($"'issues' has {issues.Count} entries; an assessment may list at most {MaxIssues}");
        var events = new List<object> { new RiskPreAssessmentRecorded(id, kind, subjectId, regionId, enterpriseId, level, issues.Count, due, assessor, at) };
        var seen = new HashSet<string>();
        foreach (var issue in issues)
        {
            var issueId = issue.String("issueId");
            if (!seen.Add(issueId)) throw new RecordRejected($"issue '{issueId}' is listed twice");
            events.Add(new AssessmentIssueFound(id, issueId, kind, subjectId, regionId, enterpriseId, issue.String("description"),
                issue.Choice("severity", Grades), due, assessor, at));
        }
        foreach (var resolved in r.Array("resolvedIssues"))
            events.Add(new AssessmentIssueResolved(resolved.String("assessmentId"), resolved.String("issueId"), subjectId, regionId, enterpriseId, id, at));
        return new IngestItem(Feeds.Key(Name, id), stream, events);
    }
}
