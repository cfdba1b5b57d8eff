namespace Fusion.Projections.Queries;

/// <summary>Parameters several named queries share. Days are local days in China Standard Time (UTC+8).</summary>
public static class Params
{
    public static readonly QueryParameter From = new("from", ParameterType.Date, "first day of the period, inclusive (yyyy-MM-dd, 'today' or 'today-N')", Default: "today-29");
    public static readonly QueryParameter To = new("to", ParameterType.Date, "last day of the period, inclusive", Default: "today");
    public static readonly QueryParameter Region = new("region", ParameterType.Text, "only this region id (omit for all)");
    public static readonly QueryParameter Enterprise = new("enterprise", ParameterType.Text, "only this enterprise (unified social credit code)");

    /// <summary>SQL for the local day of a TIMESTAMPTZ column.</summary>
    public static string Day(string column) => $"CAST(timezone('Asia/Shanghai', {column}) AS DATE)";

    /// <summary>SQL for "the timestamp's local day lies in [$from, $to]".</summary>
    public static string InPeriod(string column) => $"{Day(column)} BETWEEN $from AND $to";
}
