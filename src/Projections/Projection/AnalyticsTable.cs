using DuckDB.NET.Data;

namespace Fusion.Projections.Projection;

/// <summary>
/// One table of the analytics database: its DDL, how a row is appended, and whether rows replace
/// earlier ones with the same key (master data) or are only ever appended (everything else).
/// </summary>
public interface IAnalyticsTable
{
    string Name { get; }
    Type RowType { get; }
    /// <summary>Column definitions, in appender order, without the surrounding CREATE TABLE.</summary>
    string Columns { get; }
    /// <summary>For replace-by-key tables, the key column; null for append-only tables.</summary>
    string? KeyColumn { get; }
    string? KeyOf(AnalyticsRow row);
    void Append(IDuckDBAppenderRow target, AnalyticsRow row);
}

public sealed class AnalyticsTable<TRow>(
    string name, string columns, Action<IDuckDBAppenderRow, TRow> append,
    string? keyColumn = null, Func<TRow, string>? key = null) : IAnalyticsTable
    where TRow : AnalyticsRow
{
    public string Name => name;
    public Type RowType => typeof(TRow);
    public string Columns => columns;
    public string? KeyColumn => keyColumn;
    public string? KeyOf(AnalyticsRow row) => key?.Invoke((TRow)row);
    public void Append(IDuckDBAppenderRow target, AnalyticsRow row) => append(target, (TRow)row);
}
