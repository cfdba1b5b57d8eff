using Fusion.Domain.Common;
using Fusion.Domain.PublicReports;

namespace Fusion.Domain.Rewards;

/// <summary>One row of the reward table: a verified report of this severity earns this amount when true (PartlyTrueShare of it when partly true).</summary>
public sealed class RewardRow
{
    public Severity Severity { get; set; }
    public decimal AmountYuan { get; set; }
}

/// <summary>Measure 9's numbers (configuration section "Rewards").</summary>
public sealed class RewardPolicy
{
    /// <summary>No reward is below this …</summary>
    public decimal MinYuan { get; set; } = 1_000;

    /// <summary>… or above this, whatever the table or the approving officer says.</summary>
    public decimal MaxYuan { get; set; } = 30_000;

    /// <summary>A major violation: a verified report of this severity or worse earns a reward.</summary>
    public Severity MinSeverity { get; set; } = Severity.High;

    /// <summary>The share of the table's amount a partly true report earns.</summary>
    public decimal PartlyTrueShare { get; set; } = 0.5m;

    public List<RewardRow> Table { get; set; } = [];

    /// <summary>The table in force: the configured one, or the defaults when none is configured.</summary>
    public IReadOnlyList<RewardRow> Rows => Table.Count > 0 ? Table :
        [new() { Severity = Severity.High, AmountYuan = 5_000 }, new() { Severity = Severity.Critical, AmountYuan = 20_000 }];

    /// <summary>What is wrong with the configuration (empty when nothing).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MinYuan <= 0 || MaxYuan < MinYuan) problems.Add($"Rewards: MinYuan ({MinYuan}) and MaxYuan ({MaxYuan}) should be positive, the first not above the second");
        if (PartlyTrueShare is <= 0 or > 1) problems.Add($"Rewards: PartlyTrueShare ({PartlyTrueShare}) should be above 0 and at most 1");
        foreach (var row in Rows.Where(r => r.AmountYuan < MinYuan || r.AmountYuan > MaxYuan))
            problems.Add($"Rewards: the table's amount for {row.Severity} ({row.AmountYuan} yuan) is outside {MinYuan}–{MaxYuan} yuan");
        foreach (var group in Rows.GroupBy(r => r.Severity).Where(g => g.Count() > 1))
            problems.Add($"Rewards: the table names {group.Key} more than once");
        return problems;
    }

    /// <summary>The reward a verification earns by the table, with the row it rests on; null when it earns none.</summary>
    public (decimal AmountYuan, string Basis)? For(ReportVerdict verdict, Severity severity)
    {
        if (verdict == ReportVerdict.False || severity < MinSeverity) return null;
        var row = Rows.Where(r => r.Severity <= severity).OrderByDescending(r => r.Severity).FirstOrDefault();
        if (row is null) return null;
        var amount = verdict == ReportVerdict.PartlyTrue ? Math.Round(row.AmountYuan * PartlyTrueShare, 0) : row.AmountYuan;
        amount = Math.Clamp(amount, MinYuan, MaxYuan);
        var basis = verdict == ReportVerdict.PartlyTrue
            ? $"reward table: {row.Severity} {row.AmountYuan:0} yuan, partly true {PartlyTrueShare:0.##} of it"
            : $"reward table: {row.Severity} {row.AmountYuan:0} yuan";
        return (amount, $"{basis} (bounds {MinYuan:0}–{MaxYuan:0} yuan)");
    }
}
