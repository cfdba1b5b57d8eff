using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Fusion.Domain.Common;

namespace Fusion.Domain.Funds;

/// <summary>The fund rules of measure 6 ("Funds" in configuration).</summary>
public sealed class FundPolicy
{
    /// <summary>Enterprises put aside 1‰ of sales revenue.</summary>
    public decimal ObligationRate { get; set; } = 0.001m;

    /// <summary>Enterprises producing before this date owe from it; newer ones from their production start.</summary>
    public DateOnly ObligationStart { get; set; } = new(2018, 1, 1);

    /// <summary>A period's obligation is due this many days after the period ends.</summary>
    public int DepositDueDays { get; set; } = 30;

    /// <summary>What a year's sales revenue owes the fund.</summary>
    public decimal AnnualObligation(decimal salesRevenueYuan) => Math.Round(salesRevenueYuan * ObligationRate, 2, MidpointRounding.AwayFromZero);
}

/// <summary>A fund period: a month "2026-10", a quarter "2026-Q4" or a year "2026", with its first and last day.</summary>
public sealed record FundPeriod(string Name, DateOnly Start, DateOnly End)
{
    static readonly Regex Pattern = new(@"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$", RegexOptions.Compiled);

    public static FundPeriod? Parse(string name)
    {
        var m = Pattern.Match(name);
        if (!m.Success) return null;
        var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 2100) return null;
        if (m.Groups[2].Success)
        {
            var month = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var start = new DateOnly(year, month, 1);
            return new(name, start, start.AddMonths(1).AddDays(-1));
        }
        if (m.Groups[3].Success)
        {
            var start = new DateOnly(year, (int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) - 1) * 3 + 1, 1);
            return new(name, start, start.AddMonths(3).AddDays(-1));
        }
        return new(name, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
    }

    public int Days => End.DayNumber - Start.DayNumber + 1;

    /// <summary>
    /// What the period's sales owe the fund: the rate of the revenue, for the share of the period's days on or after
    /// the day the obligation starts (a period wholly before it owes nothing).
    /// </summary>
    public decimal Obligation(decimal salesRevenueYuan, DateOnly obligationStart, decimal rate)
    {
        if (End < obligationStart) return 0;
        var owedDays = Start >= obligationStart ? Days : End.DayNumber - obligationStart.DayNumber + 1;
        return Math.Round(salesRevenueYuan * rate * owedDays / Days, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>The day the obligation starts for an enterprise: its production start, but not before the policy's start.</summary>
    public static DateOnly ObligationStartFor(DateOnly? productionStartedOn, FundPolicy policy) =>
        productionStartedOn is { } p && p > policy.ObligationStart ? p : policy.ObligationStart;
}

public enum FundPeriodStatus { Open, Paid, Short, Missing }

/// <summary>One period of an enterprise's ledger as of a day: what it owes, what deposits settled, the running balance.</summary>
public sealed record FundPeriodLine(
    string Period, DateOnly Start, DateOnly End, DateOnly DueOn, decimal SalesRevenueYuan, decimal ObligationYuan,
    decimal SettledYuan, decimal OutstandingYuan, decimal BalanceYuan, FundPeriodStatus Status);

/// <summary>
/// An enterprise's environmental-fund ledger, folded from its fund events: the obligation per period (from declared
/// sales, the latest declaration of a period counting) and the deposits. Deposits settle the oldest obligation first;
/// money beyond what is owed is credit for later periods. Pure: the as-of day is a parameter.
/// </summary>
public sealed record FundLedger(
    string EnterpriseId, string? RegionId,
    ImmutableSortedDictionary<DateOnly, (FundPeriod Period, decimal Revenue, decimal Obligation)> Obligations,
    ImmutableList<(string DepositId, DateOnly On, decimal Amount)> Deposits,
    ImmutableHashSet<string> ShortfallsRecorded)
{
    public static FundLedger Empty(string enterpriseId) =>
        new(enterpriseId, null, ImmutableSortedDictionary<DateOnly, (FundPeriod, decimal, decimal)>.Empty, [], ImmutableHashSet<string>.Empty);

    public static readonly Type[] EventTypes = [typeof(FundDepositRecorded), typeof(FundDepositBanked), typeof(SalesRevenueDeclared), typeof(FundPeriodFellShort)];

    public FundLedger Apply(object @event) => @event switch
    {
        SalesRevenueDeclared e when FundPeriod.Parse(e.Period) is { } p => this with
        {
            RegionId = e.RegionId, Obligations = Obligations.SetItem(p.Start, (p, e.SalesRevenueYuan, e.ObligationYuan)),
        },
        // The first deposit feed stated the period's sales with each deposit: a declaration and a deposit in one.
        FundDepositRecorded e when FundPeriod.Parse(e.Period) is { } p => this with
        {
            RegionId = e.RegionId,
            Obligations = Obligations.SetItem(p.Start, (p, e.SalesRevenueYuan, e.RequiredYuan)),
            Deposits = Deposits.Any(d => d.DepositId == e.DepositId) ? Deposits : Deposits.Add((e.DepositId, DateOnly.FromDateTime(e.DepositedAt.DateTime), e.AmountYuan)),
        },
        FundDepositBanked e => this with
        {
            RegionId = e.RegionId,
            Deposits = Deposits.Any(d => d.DepositId == e.DepositId) ? Deposits : Deposits.Add((e.DepositId, e.ValueDate, e.AmountYuan)),
        },
        FundPeriodFellShort e => this with { ShortfallsRecorded = ShortfallsRecorded.Add(e.Period) },
        _ => this,
    };

    /// <summary>Each period as of the day: deposits made by then settle the oldest obligations first.</summary>
    public IReadOnlyList<FundPeriodLine> Lines(DateOnly asOf, FundPolicy policy)
    {
        var deposited = Deposits.Where(d => d.On <= asOf).Sum(d => d.Amount);
        var owedBefore = 0m;
        var lines = new List<FundPeriodLine>();
        foreach (var (_, (period, revenue, obligation)) in Obligations)
        {
            var settled = Math.Clamp(deposited - owedBefore, 0, obligation);
            owedBefore += obligation;
            var due = DueOn(period, policy);
            var outstanding = obligation - settled;
            var status = outstanding <= 0 ? FundPeriodStatus.Paid
                : asOf <= due ? FundPeriodStatus.Open
                : settled > 0 ? FundPeriodStatus.Short : FundPeriodStatus.Missing;
            lines.Add(new FundPeriodLine(period.Name, period.Start, period.End, due, revenue, obligation, settled, outstanding,
                deposited - owedBefore, status));
        }
        return lines;
    }

    public static DateOnly DueOn(FundPeriod period, FundPolicy policy) => period.End.AddDays(policy.DepositDueDays);

    /// <summary>
    /// The periods whose due day has passed by today with their obligation not met by the deposits made up to that day,
    /// not yet recorded: one shortfall each (a missing deposit when nothing was settled).
    /// </summary>
    public IReadOnlyList<FundPeriodFellShort> DueShortfalls(DateTimeOffset now, FundPolicy policy)
    {
        if (RegionId is null) return [];
        var today = DateOnly.FromDateTime(now.DateTime);
        var found = new List<FundPeriodFellShort>();
        foreach (var (_, (period, _, obligation)) in Obligations)
        {
            var due = DueOn(period, policy);
            if (due >= today || obligation <= 0 || ShortfallsRecorded.Contains(period.Name)) continue;
            var line = Lines(due, policy).Single(l => l.Period == period.Name);
            if (line.OutstandingYuan <= 0) continue;
            found.Add(new FundPeriodFellShort(EnterpriseId, RegionId, period.Name, line.ObligationYuan, line.SettledYuan, line.OutstandingYuan, due, now));
        }
        return found;
    }
}
