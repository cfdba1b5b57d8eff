namespace Fusion.Projections.Projection;

public static class Money
{
    /// <summary>Amounts are stored as DECIMAL(18,2); DuckDB would truncate extra digits, so round half away from zero first.</summary>
    public static decimal Yuan(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
}
