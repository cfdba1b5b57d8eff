using Fusion.Domain.Credit;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Rectification;
using Fusion.Domain.Risk;
using Fusion.Silo.Credit;
using Fusion.Silo.Hosting;
using Fusion.Silo.MasterData;
using Fusion.Silo.Parking;
using Fusion.Silo.Store;
using Fusion.Silo.Risk;
using JasperFx.Events;
using Marten;

namespace Fusion.Silo.Disclosure;

/// <summary>What the public sees of an enterprise: who it is, where, its risk level and its credit grade — no score, signal or evidence.</summary>
public sealed record PublicEnterprise(string CreditCode, string Name, string Industry, string RegionId, string Region, RiskLevel RiskLevel, string CreditGrade);

/// <summary>What the public sees of a rectification case: the problem, its deadline and how far it is — no people, plans or notes.</summary>
public sealed record PublicCase(string CaseId, string CreditCode, string Enterprise, string RegionId, string Problem, string Severity, DateOnly Deadline,
    string Status, bool Overdue, DateTimeOffset? RectifiedAt);

/// <summary>Reports received through a channel in the period, and how many of them were handled (checked and given a verdict).</summary>
public sealed record ReportsByChannel(ReportChannel Channel, int Received, int Handled);

/// <summary>One public report as the public counts see it (id: the report id): its channel, region, when, and whether it was handled.</summary>
public sealed record DisclosedReport(string Id, ReportChannel Channel, string RegionId, DateTimeOffset ReceivedAt, DateTimeOffset? HandledAt);

/// <summary>
/// The public, read-only part of the API (measures 4, 8 and 11): no token, and nothing internal — enterprises' risk levels and
/// credit grades, rectification cases' status, public reports handled by channel. The blacklist is public at /api/blacklist.
/// </summary>
public static class PublicDisclosureEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapPublicDisclosureEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/public").WithTags("Public disclosure").AllowAnonymous();

        group.MapGet("/enterprises", async (MasterDataCache masterData, IGrainFactory grains, IDocumentStore store, CreditScheme scheme, PlatformClock clock,
                HttpContext http, string? region, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                var catalog = masterData.Current;
                var all = (region is null ? catalog.Enterprises.Values : catalog.EnterprisesIn(region)).OrderBy(e => e.EnterpriseId, StringComparer.Ordinal).ToList();
                var shown = page.Of(all).ToList();
                var levels = (await Task.WhenAll(shown.Select(e => grains.GetGrain<IEnterpriseRiskGrain>(e.EnterpriseId).GetSummaryAsync().AsTask()))).Select(s => s.Value).ToArray();
                await using var session = store.QuerySession();
                var files = (await session.LoadManyAsync<CreditFile>(ct, shown.Select(e => e.EnterpriseId).ToArray())).ToDictionary(f => f.Id);
                page.Describe(http, all.Count, shown.Count);
                return Results.Ok(shown.Select((e, i) => new PublicEnterprise(e.EnterpriseId, e.Name, e.Industry, e.RegionId,
                    catalog.Regions.GetValueOrDefault(e.RegionId)?.NameZh ?? e.RegionId, levels[i].Level,
                    CreditGrading.Grade(e.EnterpriseId, files.GetValueOrDefault(e.EnterpriseId)?.Deductions ?? [], scheme, clock.Now).Grade)).ToList());
            })
            .Produces<IReadOnlyList<PublicEnterprise>>()
            .ProducesProblem(400)
            .WithSummary($"Every enterprise's risk level and environmental credit grade (region: a county with its parks), by credit code; no score or evidence; " +
                         $"pages of {DefaultPageSize} (limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header");

        group.MapGet("/cases", async (IDocumentStore store, MasterDataCache masterData, HttpContext http, string? status, string? region, int? limit, int? offset, CancellationToken ct) =>
            {
                var (page, refusal) = Page.Read(limit, offset, DefaultPageSize, MaxPageSize);
                if (refusal is not null) return refusal;
                await using var session = store.QuerySession();
                var query = session.Query<RectificationCase>().AsQueryable();
                switch (status)
                {
                    case null or "": break;
                    case "rectified": query = query.Where(c => c.Status == CaseStatus.Verified); break;
                    case "in-progress": query = query.Where(c => c.Status != CaseStatus.Verified && !c.Overdue); break;
                    case "overdue": query = query.Where(c => c.Status != CaseStatus.Verified && c.Overdue); break;
                    default:
                        return Results.Problem(statusCode: 400, title: "Unknown status", detail: $"status '{status}' is not one of: in-progress, overdue, rectified.");
                }
                if (region is not null)
                {
                    var regions = masterData.Current.RegionAndParks(region).ToArray();
                    query = query.Where(c => c.RegionId.IsOneOf(regions));
                }
                var cases = await page.OfAsync(query, q => q.OrderByDescending(c => c.OpenedAt).ThenBy(c => c.Id), http, ct);
                var catalog = masterData.Current;
                return Results.Ok(cases.Select(c => new PublicCase(c.Id, c.EnterpriseId, catalog.Enterprises.GetValueOrDefault(c.EnterpriseId)?.Name ?? c.EnterpriseId,
                    c.RegionId, c.Violation, c.Severity.ToString().ToLowerInvariant(), c.Deadline, PublicStatus(c), c.Overdue && c.Status != CaseStatus.Verified, c.VerifiedAt)).ToList());
            })
            .Produces<IReadOnlyList<PublicCase>>()
            .ProducesProblem(400)
            .WithSummary($"Rectification cases as the public sees them — enterprise, problem, deadline, status (awaiting a plan, rectifying, awaiting verification, rectified) and " +
                         $"whether overdue; filters status (in-progress, overdue, rectified), region; no people, plans or notes; newest first, pages of {DefaultPageSize} " +
                         $"(limit up to {MaxPageSize}, offset), the total in X-Total-Count and the next page in the Link header");

        group.MapGet("/reports-by-channel", async (IDocumentStore store, DateOnly? from, DateOnly? to, CancellationToken ct) =>
            {
                var beijing = TimeSpan.FromHours(8);
                if (from is { Year: < 2 } || to is { Year: > 9998 })
                    return Results.Problem(statusCode: 400, title: "Date out of range", detail: $"'from' and 'to' must lie between 0002-01-01 and 9998-12-31 (from {from:yyyy-MM-dd}, to {to:yyyy-MM-dd}).");
                var since = from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), beijing) : DateTimeOffset.MinValue;
                var until = to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), beijing) : DateTimeOffset.MaxValue;
                if (until <= since)
                    return Results.Problem(statusCode: 400, title: "Empty period", detail: $"'to' ({to:yyyy-MM-dd}) is before 'from' ({from:yyyy-MM-dd}).");
                await using var session = store.QuerySession();
                var counts = new List<ReportsByChannel>();
                foreach (var channel in Enum.GetValues<ReportChannel>())
                {
                    var reports = session.Query<DisclosedReport>().Where(r => r.Channel == channel && r.ReceivedAt >= since && r.ReceivedAt < until);
                    counts.Add(new ReportsByChannel(channel, await reports.CountAsync(ct), await reports.Where(r => r.HandledAt != null).CountAsync(ct)));
                }
                return Results.Ok(counts);
            })
            .Produces<IReadOnlyList<ReportsByChannel>>()
            .ProducesProblem(400)
            .WithSummary("Public reports received per channel (12369 hotline, WeChat, SMS, e-mail, monitored online accounts) in the period (from, to: days in Beijing time; " +
                         "all time when not given) and how many of them were handled — checked and given a verdict; nothing about any report or reporter");
        return app;
    }

    static string PublicStatus(RectificationCase c) => c.Status switch
    {
        CaseStatus.Verified => "rectified",
        CaseStatus.AwaitingVerification => "awaiting verification",
        CaseStatus.InProgress or CaseStatus.PlanSubmitted => "rectifying",
        _ => "awaiting a rectification plan",
    };
}

/// <summary>
/// Keeps one small document per public report for the public counts by channel (DisclosedReport): filed, then handled when
/// verified. Idempotent: a report stored again keeps its first document, a verification sets the same time again.
/// </summary>
public sealed class DisclosureSubscription : ParkedSubscription
{
    public const string SubscriptionId = "public-disclosure";

    public DisclosureSubscription(ParkingLot parking) : base(parking)
    {
        Name = SubscriptionId;
        Options.BatchSize = 1000;
        IncludeType<PublicReportFiled>();
        IncludeType<PublicReportReceived>();
        IncludeType<PublicReportVerified>();
    }

    public override async Task ApplyAsync(IReadOnlyList<IEvent> events, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await WriterLock.TakeAsync<DisclosedReport>(session, ct); // a parked event's retry writes these too
        var ids = events.Select(e => e.Data switch
        {
            PublicReportFiled f => f.ReportId,
            PublicReportReceived r => r.ReportId,
            PublicReportVerified v => v.ReportId,
            _ => null,
        }).OfType<string>().Distinct().ToArray();
        if (ids.Length == 0) return;
        var known = (await session.LoadManyAsync<DisclosedReport>(ct, ids)).ToDictionary(d => d.Id);
        foreach (var e in events)
        {
            var next = e.Data switch
            {
                PublicReportFiled f when !known.ContainsKey(f.ReportId) => new DisclosedReport(f.ReportId, f.Channel, f.RegionId, f.ReceivedAt, null),
                PublicReportReceived r when !known.ContainsKey(r.ReportId) => new DisclosedReport(r.ReportId, r.Channel, r.RegionId, r.ReceivedAt, null),
                PublicReportVerified v when known.TryGetValue(v.ReportId, out var d) => d with { HandledAt = d.HandledAt ?? v.VerifiedAt },
                _ => null,
            };
            if (next is null) continue;
            known[next.Id] = next;
            session.Store(next);
        }
        await session.SaveChangesAsync(ct);
    }
}
