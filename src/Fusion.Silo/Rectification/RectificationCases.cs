using Fusion.Domain;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;
using Fusion.Domain.Rectification;
using Fusion.Silo.MasterData;
using Fusion.Silo.Enforcement;
using Fusion.Silo.Parking;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Rectification;

/// <summary>Rectification cases: their ids, how a finding opens one, and running a command on one.</summary>
public static class RectificationCases
{
    public static Task<(RectificationCase? Case, object[] Events)> ExecuteAsync(IDocumentStore store, string caseId, CaseCommand command, CancellationToken ct,
        Hosting.DecisionView? view = null) =>
        StreamDecisions.ExecuteAsync<RectificationCase>(store, Streams.Case(caseId), RectificationCase.Apply, state => RectificationDecider.Decide(command, state), ct, view);

    /// <summary>A finding's case id, so the same finding always opens the same case.</summary>
    public static string CaseIdFor(string findingId) => $"finding-{findingId}";

    public static OpenCase OpenFor(InspectionFindingRecorded f, MasterDataCatalog catalog, RectificationPolicy policy, DateTimeOffset now) =>
        new(CaseIdFor(f.FindingId), CaseOrigin.InspectionFinding, f.FindingId, f.EnterpriseId, f.RegionId, f.SiteId,
            f.Violation, f.Severity, f.RectifyBy, f.RecordedAt, RectificationCase.CommissionersFor(catalog, f.RegionId, now), policy, now);
}

/// <summary>
/// Opens a case for every inspection finding as it is recorded. The case's first event and its document
/// are written in one transaction before the subscription's checkpoint moves; a finding whose case already
/// exists opens nothing, so a redelivered page opens no second case. (Marten does not write events
/// appended through a subscription's own operations, hence a session of its own.) A finding whose case cannot
/// be opened is parked; the others go on.
/// </summary>
public sealed class RectificationSubscription : ParkedSubscription
{
    public const string SubscriptionId = "rectification-cases";

    readonly MasterDataCache masterData;
    readonly RectificationPolicy policy;

    public RectificationSubscription(MasterDataCache masterData, RectificationPolicy policy, ParkingLot parking) : base(parking)
    {
        this.masterData = masterData;
        this.policy = policy;
        Name = SubscriptionId;
        Options.BatchSize = 500;
        IncludeType<InspectionFindingRecorded>();
    }

    public override async Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct)
    {
        var findings = events.Select(e => e.Data).OfType<InspectionFindingRecorded>().ToList();
        if (findings.Count == 0) return;
        await using var session = store.LightweightSession();
        var ids = findings.Select(f => RectificationCases.CaseIdFor(f.FindingId)).Distinct().ToArray();
        var existing = (await session.LoadManyAsync<RectificationCase>(ct, ids)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            var open = RectificationCases.OpenFor(finding, masterData.Current, policy, finding.RecordedAt);
            if (!existing.Add(open.CaseId)) continue;
            var opened = RectificationDecider.Open(open);
            session.Events.StartStream(Streams.Case(open.CaseId), opened);
            session.Store(RectificationCase.Apply(null, opened)!);
        }
        await session.SaveChangesAsync(ct);
    }
}

public static class RectificationSetup
{
    /// <summary>Declares open cases past their deadline overdue; returns how many.</summary>
    public static async Task<int> DeclareOverdueAsync(IDocumentStore store, DateTimeOffset now, CancellationToken ct)
    {
        IReadOnlyList<string> due;
        await using (var query = store.QuerySession())
            due = await query.Query<RectificationCase>()
                .Where(c => c.Status != CaseStatus.Verified && !c.Overdue && c.DueAt < now)
                .Select(c => c.Id).ToListAsync(ct);
        foreach (var id in due)
            await RectificationCases.ExecuteAsync(store, id, new DeclareOverdue(now), ct);
        return due.Count;
    }

    public static readonly Type[] EventTypes =
    [
        typeof(RectificationCaseOpened), typeof(RectificationPlanSubmitted), typeof(RectificationPlanAccepted), typeof(RectificationPlanReturned),
        typeof(RectificationReportedComplete), typeof(RectificationVerified), typeof(RectificationRejected), typeof(RectificationDeadlineExtended),
        typeof(RectificationOverdue), typeof(AccountabilityRecorded),
    ];
}
