using Fusion.Domain.Aerial;
using Fusion.Domain.Cameras;
using Fusion.Domain.Funds;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Risk;
using Fusion.Silo.Ingest;
using Fusion.Silo.Risk;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Weasel.Core;

namespace Fusion.Silo.Store;

/// <summary>Marten as the event store: string stream keys, quick appends, System.Text.Json, metadata on every event.</summary>
public static class StoreSetup
{
    public const string Schema = "fusion";

    public static readonly Type[] FeedEventTypes =
    [
        typeof(CameraAlarmRaised), typeof(AerialFindingRecorded), typeof(PublicReportReceived), typeof(PublicReportFiled),
        typeof(ReporterIdentitySealed), typeof(ReporterIdentityRevealed), typeof(ReporterIdentityShredded),
        typeof(InspectionFindingRecorded), typeof(FundDepositRecorded), typeof(RiskAssessed),
        typeof(FundDepositBanked), typeof(SalesRevenueDeclared), typeof(FundPeriodFellShort),
        typeof(Fusion.Domain.Assessments.RiskPreAssessmentRecorded), typeof(Fusion.Domain.Assessments.AssessmentIssueFound), typeof(Fusion.Domain.Assessments.AssessmentIssueResolved),
    ];

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddFusionStore(this IServiceCollection services, string connectionString, Cluster.ClusterSettings? cluster = null)
    {
        var marten = services.AddMarten(opts =>
        {
            opts.Connection(connectionString);
            opts.DatabaseSchemaName = Schema;
            opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
            opts.Events.StreamIdentity = StreamIdentity.AsString;
            opts.Events.AppendMode = EventAppendMode.Quick;
            opts.Events.MetadataConfig.HeadersEnabled = true;
            opts.Events.MetadataConfig.CorrelationIdEnabled = true;
            opts.Events.MetadataConfig.CausationIdEnabled = true;
            // Wake the daemon on append instead of waiting for its next poll: append-to-score latency.
            opts.Events.UseListenNotifyForEventAppends = true;
            // A page a subscription could not process is delivered again, never skipped: the consumers park the events they
            // cannot apply themselves (ParkingLot), so what they throw is an outage (the store, a silo going away mid-failover),
            // and the agent pauses and is restarted from its checkpoint (LiveRiskOutageTests). A subscription's failure pauses it
            // whatever this says (the same tests pass with Marten's default, true); it is false so that nothing a projection
            // throws is ever skipped into the dead letters either.
            opts.Projections.Errors.SkipApplyErrors = false;
            opts.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
            opts.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(500);
            // A cold daemon (another silo of the cluster is hot) asks this often whether it may take over.
            if (cluster is { Clustered: true }) opts.Projections.LeadershipPollingTime = (int)cluster.LeadershipPollingTime.TotalMilliseconds;
            // Every event type the platform appends, in one place (EventCatalog).
            opts.Events.AddEventTypes(EventCatalog.All);
            opts.Storage.ExtendedSchemaObjects.Add(IngestKeys.Definition());
            opts.Schema.For<QuarantinedRecord>().Identity(q => q.Id).Index(q => q.ReceivedAt);
            opts.Schema.For<RiskSnapshot>().Identity(s => s.Id);
            opts.Schema.For<HeldSignal>().Identity(h => h.Id).Duplicate(h => h.Subject);
            opts.Schema.For<Parking.ParkedEvent>().Identity(p => p.Id).Index(p => p.Sequence);
            opts.Schema.For<RegionAssessment>().Identity(s => s.Id);
            opts.Schema.For<AdoptedRiskModel>().Identity(m => m.Id);
            opts.Schema.For<Fusion.Domain.Rectification.RectificationCase>().Identity(c => c.Id).Index(c => c.DueAt);
            opts.Schema.For<Fusion.Domain.Advisory.ServiceVisit>().Identity(v => v.Id);
            opts.Schema.For<Fusion.Silo.Credit.CreditFile>().Identity(f => f.Id);
            opts.Schema.For<Fusion.Domain.Blacklist.BlacklistRecord>().Identity(r => r.Id);
            opts.Schema.For<Fusion.Silo.Blacklist.BlacklistEvidenceFile>().Identity(r => r.Id);
            opts.Schema.For<Fusion.Domain.Rewards.Reward>().Identity(r => r.Id).Index(r => r.ProposedAt);
            opts.Schema.For<Fusion.Domain.Reserves.Reserve>().Identity(r => r.Id);
            opts.Schema.For<Fusion.Silo.Disclosure.DisclosedReport>().Identity(d => d.Id).Index(d => d.ReceivedAt);
            opts.Schema.For<Fusion.Domain.Suggestions.Suggestion>().Identity(x => x.Id).Index(x => x.SubmittedAt);
            opts.Storage.ExtendedSchemaObjects.Add(Fusion.Silo.PublicReports.ReporterSeals.Definition());
            opts.Schema.For<Fusion.Silo.PublicReports.AppliedMigration>().Identity(m => m.Id);
            // What the sealed-reporters migration leaves of a report stored in the first shape: no contact, contacts in its text masked.
            opts.Events.AddMaskingRuleForProtectedInformation<PublicReportReceived>(e => e with { ReporterContact = null, Content = ContactMasking.Mask(e.Content) });
            opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        });
        // Failed commands logged without their parameter values, a refused value as a warning (StoreLog).
        services.ConfigureMarten((sp, opts) => opts.Logger(new StoreLog(sp.GetRequiredService<ILogger<StoreLog>>())));
        marten.UseLightweightSessions();
        marten.ApplyAllDatabaseChangesOnStartup();
        // Alone: Solo. In a cluster: HotCold, so each subscription runs on one silo and moves to a survivor.
        marten.AddAsyncDaemon(cluster is { Clustered: true } ? DaemonMode.HotCold : DaemonMode.Solo);
        return marten;
    }
}
