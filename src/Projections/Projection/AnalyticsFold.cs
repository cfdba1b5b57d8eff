using System.Text.Json;
using Fusion.Domain.Aerial;
using Fusion.Domain.Cameras;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.Monitoring;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;
using Fusion.Projections.Aerial;
using Fusion.Projections.Cameras;
using Fusion.Projections.Devices;
using Fusion.Projections.Emissions;
using Fusion.Projections.Funds;
using Fusion.Projections.Inspections;
using Fusion.Projections.MasterData;
using Fusion.Projections.PublicReports;
using Fusion.Projections.Risk;
using Fusion.Projections.Warnings;

namespace Fusion.Projections.Projection;

/// <summary>
/// The analytics projection as a pure function: one event in, the rows it adds out. Every event gives
/// one events row; events an area knows give rows in that area's tables too. Time comes from the
/// event, never the clock, so a rebuild gives identical rows.
/// </summary>
public static class AnalyticsFold
{
    public static IReadOnlyList<AnalyticsRow> Fold(AnalyticsEvent e)
    {
        var payload = Payload.Json(e.Data);
        var (facts, rows) = Typed(e) ?? Untyped(e, new JsonFields(payload));
        if (facts.Feed is null || !facts.Signal) facts = WithSignal(facts, e);
        var result = new AnalyticsRow[rows.Length + 1];
        result[0] = EventLog.Row(e, facts, payload);
        rows.CopyTo(result, 1);
        return result;
    }

    internal static (EventFacts, AnalyticsRow[])? Typed(AnalyticsEvent e) => e.Data switch
    {
        CameraAlarmRaised x => CameraAlarms.Fold(e.Sequence, x),
        AerialFindingRecorded x => AerialFindings.Fold(e.Sequence, x),
        PublicReportReceived x => PublicReports.PublicReportTables.Fold(e.Sequence, PublicReportUpcast.From(x)),
        PublicReportFiled x => PublicReports.PublicReportTables.Fold(e.Sequence, x),
        InspectionFindingRecorded x => InspectionFindings.Fold(e.Sequence, x),
        FundDepositRecorded x => Funds.FundLedger.Fold(e.Sequence, x),
        RiskAssessed x => RiskHistory.Fold(e.Sequence, x),
        EmissionLimitExceeded x => EmissionExceedances.Fold(e.Sequence, x),
        // Device telemetry, most of what is stored: its common fields as the untyped fold reads them from the payload, without reading it.
        MonitoringDataReported x => (new EventFacts(null, x.EnterpriseId, x.RegionId, x.SiteId, null, false, x.MeasuredAt), []),
        EquipmentStatusReported x => (new EventFacts(null, x.EnterpriseId, x.RegionId, x.SiteId, null, false, x.MeasuredAt), []),
        CameraKeepaliveReceived x => (new EventFacts(null, null, null, null, null, false, x.ReceivedAt), []),
        _ => WarningLifecycle.Fold(e.Sequence, e.Data) ?? Rectification.RectificationCaseTables.Fold(e.Sequence, e.Data) ?? Blacklist.BlacklistTable.Fold(e.Sequence, e.Data)
            ?? Admission.AdmissionScreenings.Fold(e.Sequence, e.Data) ?? Credit.CreditGrades.Fold(e.Sequence, e.Data)
            ?? MasterDataTables.Fold(e.Sequence, e.Data) ?? FundLedgerTables.Fold(e.Sequence, e.Data),
    };

    static readonly Func<AnalyticsEvent, JsonFields, (EventFacts, AnalyticsRow[])?>[] NamedFolds =
    [
        EmissionExceedances.FoldNamed,
        DeviceStatus.FoldNamed,
        PublicReports.PublicReportTables.FoldNamed,
    ];

    /// <summary>
    /// An event type of another area that the risk model reads gives its feed, severity and time from
    /// its risk signal, so new signal kinds count in the signal queries without a change here.
    /// </summary>
    static EventFacts WithSignal(EventFacts facts, AnalyticsEvent e) =>
        e.Data is JsonElement or JsonDocument or string || RiskSignals.From(e.Data, e.Sequence) is not { } s
            ? facts
            : new EventFacts(s.Feed, facts.EnterpriseId ?? s.EnterpriseId, facts.RegionId ?? s.RegionId, facts.SiteId ?? s.SiteId,
                s.Severity.ToString(), true, s.OccurredAt);

    /// <summary>An event known only by name, or else any other event: the common fields by their usual names, when it has them.</summary>
    internal static (EventFacts, AnalyticsRow[]) Untyped(AnalyticsEvent e, JsonFields f)
    {
        foreach (var fold in NamedFolds)
            if (fold(e, f) is { } result)
                return result;
        return (new EventFacts(null, f.String("EnterpriseId"), f.String("RegionId"), f.String("SiteId"), f.Severity("Severity"), false, f.FirstTimeEndingInAt()), []);
    }
}
