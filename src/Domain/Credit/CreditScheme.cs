namespace Fusion.Domain.Credit;

/// <summary>Points deducted for one kind of violation, and for how long the deduction stands.</summary>
public sealed class CreditDeductionRule
{
    public string Kind { get; set; } = "";
    public double Points { get; set; }
    public int ValidityMonths { get; set; } = 12;
}

/// <summary>A grade and the lowest score that earns it.</summary>
public sealed class CreditGradeBand
{
    public string Grade { get; set; } = "";
    public double MinScore { get; set; }
}

/// <summary>
/// An environmental credit scheme in the style of the provincial ones (configuration section "CreditScheme";
/// the default is modelled on Jiangsu's 12-point deduction scheme): a starting score, deductions per kind of
/// violation each standing for its own period, grades by bands. Kinds: inspection-low, inspection-medium,
/// inspection-high, inspection-critical, rectification-overdue, emission-exceedance (one per site and
/// day), blacklisted; a kind the scheme does not name deducts nothing.
/// </summary>
public sealed class CreditScheme
{
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public double StartScore { get; set; } = 12;
    public List<CreditDeductionRule> Deductions { get; set; } = [];

    /// <summary>Best grade first; a score below every band gets the last.</summary>
    public List<CreditGradeBand> Grades { get; set; } = [];

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Grades.Count == 0) problems.Add("CreditScheme:Grades is empty");
        if (Grades.Zip(Grades.Skip(1)).Any(p => p.First.MinScore <= p.Second.MinScore)) problems.Add("CreditScheme:Grades must go from the best grade (highest MinScore) down");
        foreach (var d in Deductions.Where(d => d.Points <= 0 || d.ValidityMonths <= 0 || string.IsNullOrWhiteSpace(d.Kind)))
            problems.Add($"CreditScheme:Deductions '{d.Kind}' needs a kind, positive points and a positive validity");
        return problems;
    }
}
