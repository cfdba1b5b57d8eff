using Fusion.Domain;
using Fusion.Domain.Blacklist;
using Fusion.Domain.Credit;
using Fusion.Domain.Inspections;
using Fusion.Domain.Monitoring;
using Fusion.Domain.Rectification;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Parking;
using Fusion.Silo.Security;
using Fusion.Silo.Store;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Fusion.Silo.Credit;

/// <summary>An enterprise's credit deductions (id: the credit code) and the last score and grade recorded for it.</summary>
public sealed record CreditFile(string Id, IReadOnlyList<CreditDeduction> Deductions, double? LastScore, string? LastGrade);

/// <summary>
/// Collects the scheme's deductions from the events that carry them, per enterprise. Written in its own
/// session before the checkpoint moves, under the credit files' <see cref="WriterLock"/> (the enforcement clock's
/// grading writes them too); a deduction already held (same id) is not added again. An event it cannot take is
/// parked; the others go on.
/// </summary>
public sealed class CreditSubscription : ParkedSubscription
{
    public const string SubscriptionId = "credit-deductions";

    readonly CreditScheme scheme;

    public CreditSubscription(CreditScheme scheme, ParkingLot parking) : base(parking)
    {
        this.scheme = scheme;
        Name = SubscriptionId;
        Options.BatchSize = 1000;
        IncludeType<InspectionFindingRecorded>();
        IncludeType<RectificationOverdue>();
        IncludeType<EmissionLimitExceeded>();
        IncludeType<EnterpriseBlacklisted>();
    }

    public override async Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct)
    {
        var deductions = events.Select(e => CreditGrading.DeductionFrom(e.Data, scheme)).OfType<(string EnterpriseId, CreditDeduction Deduction)>()
            .GroupBy(d => d.EnterpriseId).ToList();
        if (deductions.Count == 0) return;
        await using var session = store.LightweightSession();
        await WriterLock.TakeAsync<CreditFile>(session, ct);
        var files = (await session.LoadManyAsync<CreditFile>(ct, deductions.Select(g => g.Key).ToArray())).ToDictionary(f => f.Id);
        foreach (var group in deductions)
        {
            var file = files.GetValueOrDefault(group.Key) ?? new CreditFile(group.Key, [], null, null);
            var all = file.Deductions.UnionBy(group.Select(g => g.Deduction), d => d.DeductionId).ToArray();
            if (all.Length > file.Deductions.Count) session.Store(file with { Deductions = all });
        }
        await session.SaveChangesAsync(ct);
    }
}

public static class CreditGrades
{
    public static readonly Type[] EventTypes = [typeof(CreditGradeAssessed)];

    public static async Task<CreditGrade> GradeAsync(IQuerySession session, string enterpriseId, CreditScheme scheme, DateTimeOffset now, CancellationToken ct) =>
        CreditGrading.Grade(enterpriseId, (await session.LoadAsync<CreditFile>(enterpriseId, ct))?.Deductions ?? [], scheme, now);

    /// <summary>
    /// Grades every registered enterprise at 'now' and records CreditGradeAssessed for those whose score or
    /// grade moved (deductions enter with events and expire with time), and a first one for each; returns how many.
    /// </summary>
    public static async Task<int> AssessAsync(IDocumentStore store, MasterDataCache masterData, CreditScheme scheme, DateTimeOffset now, CancellationToken ct)
    {
        var enterprises = masterData.Current.Enterprises.Values.ToArray();
        if (enterprises.Length == 0) return 0;
        await using var session = store.LightweightSession();
        // The deductions a subscription adds meanwhile wait for this store and are read by the next tick, never overwritten.
        await WriterLock.TakeAsync<CreditFile>(session, ct);
        var files = (await session.LoadManyAsync<CreditFile>(ct, enterprises.Select(e => e.EnterpriseId).ToArray())).ToDictionary(f => f.Id);
        var moved = 0;
        foreach (var enterprise in enterprises)
        {
            var file = files.GetValueOrDefault(enterprise.EnterpriseId) ?? new CreditFile(enterprise.EnterpriseId, [], null, null);
            var grade = CreditGrading.Grade(enterprise.EnterpriseId, file.Deductions, scheme, now);
            if (file.LastScore == grade.Score && file.LastGrade == grade.Grade) continue;
            // Deductions that expired are dropped from the file: they can never count again.
            session.Store(file with { Deductions = file.Deductions.Where(d => d.ExpiresAt > now).ToArray(), LastScore = grade.Score, LastGrade = grade.Grade });
            session.Events.Append(Streams.Credit(enterprise.EnterpriseId),
                new CreditGradeAssessed(enterprise.EnterpriseId, enterprise.RegionId, grade.Score, grade.Grade, scheme.Version, grade.Deductions.Count, now));
            moved++;
        }
        if (moved > 0) await session.SaveChangesAsync(ct);
        return moved;
    }

    public static IEndpointRouteBuilder MapCreditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/enterprises/{id}/credit", async (string id, MasterDataCache masterData, IDocumentStore store, CreditScheme scheme, PlatformClock clock, CancellationToken ct) =>
            {
                if (!masterData.Current.Enterprises.ContainsKey(id))
                    return Results.Problem(statusCode: 404, title: "Unknown enterprise", detail: $"No enterprise with credit code '{id}' is registered.");
                await using var session = store.QuerySession();
                return Results.Ok(await GradeAsync(session, id, scheme, clock.Now, ct));
            })
            .Produces<CreditGrade>()
            .WithTags("Credit")
            .WithSummary("An enterprise's environmental credit grade (not its risk level): the scheme's score and grade, explained by the deductions in force with their expiry")
            .RequireAuthorization(Policies.Staff);
        return app;
    }
}
