namespace Fusion.Domain.Reserves;

/// <summary>One reserve account as configured: the prefecture's (no RegionId) or a county's.</summary>
public sealed class ReserveAccount
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? RegionId { get; set; }
    /// <summary>Allocated when the account is opened.</summary>
    public decimal InitialYuan { get; set; }
    /// <summary>The document behind the initial allocation.</summary>
    public string Reference { get; set; } = "";
}

/// <summary>The emergency reserve accounts (configuration section "Reserves"), opened at start-up.</summary>
public sealed class ReservePolicy
{
    public List<ReserveAccount> Accounts { get; set; } = [];

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var a in Accounts)
        {
            if (string.IsNullOrWhiteSpace(a.Id) || string.IsNullOrWhiteSpace(a.Name)) problems.Add("Reserves: every account needs an Id and a Name");
            if (a.InitialYuan < 0) problems.Add($"Reserves: account {a.Id} starts with a negative amount ({a.InitialYuan})");
        }
        foreach (var g in Accounts.GroupBy(a => a.Id).Where(g => g.Count() > 1)) problems.Add($"Reserves: account {g.Key} is configured more than once");
        return problems;
    }
}
