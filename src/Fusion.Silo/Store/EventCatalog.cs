using System.Collections.Concurrent;
using Marten;
using Fusion.Domain.Cameras;
using Fusion.Domain.MasterData;
using Fusion.Domain.Monitoring;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Warnings;

namespace Fusion.Silo.Store;

/// <summary>
/// Every event type the platform appends, registered with the store from here (StoreSetup), and the device telemetry among
/// them. A test holds it to what the store knows once started, so a type registered elsewhere or only on its first append shows.
/// </summary>
public static class EventCatalog
{
    public static readonly Type[] All =
    [
        .. MasterDataCatalog.EventTypes, .. StoreSetup.FeedEventTypes, .. Monitoring.Hj212Setup.EventTypes, .. Cameras.CameraHealthSetup.EventTypes,
        .. WarningEvents.Types, .. Rectification.RectificationSetup.EventTypes, .. Blacklist.BlacklistSetup.EventTypes,
        .. Admission.AdmissionEndpoints.EventTypes, .. Credit.CreditGrades.EventTypes, .. Leaders.LeaderEndpoints.EventTypes,
        .. Advisory.AdvisoryEndpoints.EventTypes, typeof(PublicReportVerified), .. Rewards.RewardEndpoints.EventTypes,
        .. Reserves.ReserveEndpoints.EventTypes, .. Suggestions.SuggestionEndpoints.EventTypes,
    ];

    /// <summary>
    /// What devices send most of: measurements, equipment status and keepalives, an event per frame or heartbeat. They give no
    /// risk signal, no warning observation and no board row; what they cause (exceedances, gaps, cameras offline and back) is
    /// appended beside them as events of its own. The analytics projection reads them; the live-risk and board subscriptions
    /// load every type but these (<see cref="AllBut"/>), so the telemetry's volume costs them no reading.
    /// </summary>
    public static readonly Type[] DeviceTelemetry = [typeof(MonitoringDataReported), typeof(EquipmentStatusReported), typeof(CameraKeepaliveReceived)];

    /// <summary>Every event type but the given ones, for a subscription's filter.</summary>
    public static IEnumerable<Type> AllBut(IEnumerable<Type> left) => All.Except(left);

    static readonly ConcurrentDictionary<Type, (string Alias, string DotNet)> Names = new();

    /// <summary>An event type's names in the store's rows (its alias, its .NET type), for a writer that makes the rows itself.</summary>
    public static (string Alias, string DotNet) NamesOf(IDocumentStore store, Type type) =>
        Names.GetOrAdd(type, _ =>
        {
            var known = store.Options.Events.AllKnownEventTypes().FirstOrDefault(t => t.EventType == type)
                ?? throw new InvalidOperationException($"{type.Name} is not registered with the event store");
            return (known.EventTypeName, known.DotNetTypeName);
        });
}
