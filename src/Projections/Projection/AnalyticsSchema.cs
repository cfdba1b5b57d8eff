using Fusion.Projections.Aerial;
using Fusion.Projections.Cameras;
using Fusion.Projections.Devices;
using Fusion.Projections.Emissions;
using Fusion.Projections.Funds;
using Fusion.Projections.Inspections;
using Fusion.Projections.MasterData;
using Fusion.Projections.Risk;
using Fusion.Projections.Warnings;

namespace Fusion.Projections.Projection;

/// <summary>All tables and views of the analytics database. docs/analytics-schema.md describes them.</summary>
public static class AnalyticsSchema
{
    /// <summary>Raise on any change of a table's columns or of what a fold writes: a file of another version must be rebuilt.</summary>
    public const int Version = 5;

    public const string CheckpointTable = "analytics_checkpoint";

    public static readonly IAnalyticsTable[] Tables =
    [
        EventLog.Table,
        .. MasterDataTables.All,
        CameraAlarms.Table,
        AerialFindings.Table,
        PublicReports.PublicReportTables.Table,
        PublicReports.PublicReportTables.Verifications,
        InspectionFindings.Table,
        InspectionFindings.Rectifications,
        Rectification.RectificationCaseTables.Table,
        Rectification.RectificationCaseTables.Transitions,
        Blacklist.BlacklistTable.Table,
        Admission.AdmissionScreenings.Table,
        Credit.CreditGrades.Table,
        FundLedger.Table,
        FundLedgerTables.Declarations,
        FundLedgerTables.BankDeposits,
        FundLedgerTables.Shortfalls,
        RiskHistory.Table,
        EmissionExceedances.Table,
        DeviceStatus.Table,
        WarningLifecycle.Table,
        WarningLifecycle.TransitionTable,
    ];

    public static readonly IReadOnlyDictionary<Type, IAnalyticsTable> ByRowType = Tables.ToDictionary(t => t.RowType);

    public static IEnumerable<string> Statements()
    {
        foreach (var t in Tables)
            yield return $"CREATE TABLE IF NOT EXISTS {t.Name} (\n{t.Columns}\n)";
        yield return $"""
            CREATE TABLE IF NOT EXISTS {CheckpointTable} (
                last_sequence BIGINT NOT NULL, last_recorded_at TIMESTAMPTZ, events BIGINT NOT NULL, schema_version INTEGER NOT NULL)
            """;
        yield return $"INSERT INTO {CheckpointTable} SELECT 0, NULL, 0, {Version} WHERE NOT EXISTS (SELECT 1 FROM {CheckpointTable})";
        yield return DeviceStatus.OutagesView;
        yield return WarningLifecycle.LifecycleView;
    }
}
