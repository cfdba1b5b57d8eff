using Fusion.Domain;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Inspections;
using Fusion.Domain.Rectification;
using Fusion.Silo.Enforcement;
using Fusion.Silo.MasterData;
using Fusion.Silo.Parking;
using Fusion.Silo.Store;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Blacklist;

/// <summary>The evidence gathered for one enterprise towards the blacklist criteria (id: the credit code).</summary>
public sealed record BlacklistEvidenceFile(string Id, IReadOnlyList<BlacklistEvidence> Evidence);

/// <summary>
/// Gathers the evidence of measure 8 (serious findings, major incidents, overdue rectifications held to
/// account) per enterprise and, when the criteria hold at the moment of an event, proposes a listing
/// for an authorised decision. Written in its own session before the checkpoint moves; a redelivered
/// page adds no evidence twice and proposes nothing on evidence already used. An event it cannot take is
/// parked; the others go on.
/// </summary>
public sealed class BlacklistSubscription : ParkedSubscription
{
    public const string SubscriptionId = "blacklist-criteria";

    readonly MasterDataCache masterData;
    readonly BlacklistPolicy policy;

    public BlacklistSubscription(MasterDataCache masterData, BlacklistPolicy policy, ParkingLot parking) : base(parking)
    {
        this.masterData = masterData;
        this.policy = policy;
        Name = SubscriptionId;
        Options.BatchSize = 500;
        IncludeType<InspectionFindingRecorded>();
        IncludeType<AccountabilityRecorded>();
    }

    public override async Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var (enterpriseId, at) = e.Data switch
            {
                InspectionFindingRecorded f => (f.EnterpriseId, f.RecordedAt),
                AccountabilityRecorded a => (a.ResponsibleUnitId, a.RecordedAt),
                _ => ("", default),
            };
            var evidence = BlacklistCriteria.EvidenceFrom(e.Data, policy).ToList();
            if (evidence.Count == 0) continue;

            IReadOnlyList<BlacklistEvidence> all;
            await using (var session = store.LightweightSession())
            {
                await WriterLock.TakeAsync<BlacklistEvidenceFile>(session, ct); // a parked event's retry writes the file too
                var file = await session.LoadAsync<BlacklistEvidenceFile>(enterpriseId, ct) ?? new BlacklistEvidenceFile(enterpriseId, []);
                all = file.Evidence.UnionBy(evidence, x => (x.Kind, x.SourceId)).ToArray();
                if (all.Count > file.Evidence.Count)
                {
                    session.Store(file with { Evidence = all });
                    await session.SaveChangesAsync(ct);
                }
            }
            var met = BlacklistCriteria.Evaluate(all, policy, at);
            if (met.Count == 0) continue;
            var enterprise = masterData.Current.Enterprises.GetValueOrDefault(enterpriseId);
            await BlacklistSetup.ExecuteAsync(store, enterpriseId,
                new ProposeListing(enterpriseId, $"P-{e.Sequence}", enterprise?.Name ?? enterpriseId, enterprise?.RegionId ?? "", met, at), ct);
        }
    }
}

public static class BlacklistSetup
{
    public static readonly Type[] EventTypes =
    [
        typeof(BlacklistingProposed), typeof(EnterpriseBlacklisted), typeof(BlacklistingProposalDismissed), typeof(BlacklistingExpired), typeof(EnterpriseDelisted),
    ];

    public static Task<(BlacklistRecord? Record, object[] Events)> ExecuteAsync(IDocumentStore store, string enterpriseId, BlacklistCommand command, CancellationToken ct) =>
        StreamDecisions.ExecuteAsync<BlacklistRecord>(store, Streams.Blacklist(enterpriseId), BlacklistRecord.Apply, state => BlacklistDecider.Decide(command, state), ct);

    /// <summary>Ends the listings whose term has run out; returns how many.</summary>
    public static async Task<int> ExpireAsync(IDocumentStore store, DateTimeOffset now, CancellationToken ct)
    {
        IReadOnlyList<BlacklistRecord> listed;
        await using (var query = store.QuerySession())
            listed = await query.Query<BlacklistRecord>().Where(r => r.Status == ListingStatus.Listed).ToListAsync(ct);
        var due = listed.Where(r => r.Current!.ListedUntil <= now).ToList();
        foreach (var record in due)
            await ExecuteAsync(store, record.Id, new ExpireListing(now), ct);
        return due.Count;
    }
}
