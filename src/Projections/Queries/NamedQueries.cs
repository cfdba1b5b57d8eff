using Fusion.Projections.Devices;
using Fusion.Projections.Emissions;
using Fusion.Projections.Funds;
using Fusion.Projections.Inspections;
using Fusion.Projections.PublicReports;
using Fusion.Projections.Risk;
using Fusion.Projections.Signals;
using Fusion.Projections.Warnings;

namespace Fusion.Projections.Queries;

/// <summary>The catalog of named analytical queries.</summary>
public static class NamedQueries
{
    public static readonly IReadOnlyList<NamedQuery> All =
    [
        RiskQueries.RiskByRegionDaily,
        RiskQueries.TopEnterprises,
        RiskQueries.EnterpriseRiskHistory,
        SignalQueries.SignalMix,
        EmissionQueries.ExceedanceHours,
        DeviceQueries.Availability,
        PublicReportQueries.ByChannel,
        FundQueries.Compliance,
        InspectionQueries.OverdueRectifications,
        WarningQueries.ResponseTimes,
        Credit.CreditGrades.ByRegion,
    ];

    public static NamedQuery Get(string name) =>
        All.FirstOrDefault(q => string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw AnalyticsQueryException.NotFound($"There is no named query '{name}'. Known: {string.Join(", ", All.Select(q => q.Name))}.");
}
