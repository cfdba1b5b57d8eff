using System.Collections.Immutable;
using Fusion.Domain.Cameras;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Warnings;

/// <summary>
/// Given rules and events (each observed at its own sequence, the fake clock moved to the event's time
/// when it is later) → When an event arrives or the clock moves → Then the warning events appended.
/// </summary>
public sealed class WarningSpec
{
    public const string Park = "golmud-ip";
    public const string Prefecture = "haixi";

    /// <summary>Golmud with its park; an enterprise leader for SaltLake, region leaders, a Golmud commissioner, a prefecture leader linked to Golmud.</summary>
    public static readonly MasterDataCatalog Catalog = MasterDataCatalog.Empty.ApplyAll(
    [
        new RegionRegistered(Golmud, "Golmud", "格尔木市", RegionKind.City, null, 94.9, 36.4, T0),
        new RegionRegistered(Park, "Golmud park", "格尔木工业园", RegionKind.IndustrialPark, Golmud, 95, 36.4, T0),
        new RegionRegistered("dulan", "Dulan", "都兰县", RegionKind.County, null, 98, 36.3, T0),
        new EnterpriseRegistered(SaltLake, "盐湖钾肥", "potash", Golmud, 1_000_000, 94.9, 36.4, T0),
        new EnterpriseRegistered(Potash, "园区钾业", "potash", Park, 1_000_000, 95, 36.4, T0),
        new SiteRegistered(Outfall, SaltLake, Golmud, SiteKind.Outfall, "废水总排放口", 94.9, 36.4, T0),
        new LeaderAssigned("L-ENT", "Ma", "deputy mayor", SaltLake, null, "l-ent@example.cn", LeaderLevel.Enterprise, null, T0),
        new LeaderAssigned("L-GOLMUD", "Li", "mayor", Golmud, null, "l-golmud@example.cn", null, null, T0),
        new LeaderAssigned("L-HAIXI-1", "Zhao", "prefecture", Golmud, null, "l-haixi@example.cn", LeaderLevel.Prefecture, null, T0),
        new LeaderAssigned("L-HAIXI-2", "Qian", "prefecture", "dulan", null, null, LeaderLevel.Prefecture, null, T0),
        new CommissionerAssigned("K-GOLMUD", "Wang", Golmud, null, "k@example.cn", null, T0),
    ]);

    public static CountRule Count(string id = "discharge", int atLeast = 3, double windowHours = 24, WarningSubject subject = WarningSubject.Site,
        bool autoResolve = false, double ackMinutes = 30, double? remindMinutes = null, params Condition[] anyOf) =>
        new(id, anyOf.Length > 1 ? "composite" : "count", Severity.High, subject, "{count} alarms at {name}", autoResolve, TimeSpan.FromMinutes(ackMinutes),
            remindMinutes is { } r ? TimeSpan.FromMinutes(r) : null,
            anyOf.Length > 0 ? [.. anyOf] : [Alarms(atLeast, windowHours)]);

    public static Condition Alarms(int atLeast, double windowHours) =>
        new([nameof(SignalKind.CameraAlarm)], ImmutableDictionary<string, string>.Empty.Add("alarmType", "AbnormalDischarge"), null, atLeast, Hours(windowHours));

    readonly List<object> given = [];
    readonly List<WarningRule> rules = [];
    readonly FakeTimeProvider clock = new(T0);
    MasterDataCatalog catalog = Catalog;
    string? riskModel;
    long sequence;
    WarningBook? book;
    string scope = SaltLake;

    public static WarningSpec Given(params WarningRule[] rules) => new WarningSpec().With(rules);
    public WarningSpec With(params WarningRule[] more) { rules.AddRange(more); return this; }
    public WarningSpec In(string scopeKey) { scope = scopeKey; return this; }
    public WarningSpec Under(MasterDataCatalog c) { catalog = c; return this; }
    public WarningSpec And(params object[] events) { given.AddRange(events); return this; }
    /// <summary>The risk model version the level rules act on.</summary>
    public WarningSpec Adopted(string model) { riskModel = model; return this; }

    WarningContext Context => new(new WarningRuleSet([.. rules]), catalog, null, riskModel);

    WarningBook Book => book ??= given.Aggregate(WarningBook.Empty(scope), (b, e) => Apply(b, e).Book);

    WarningDecision Apply(WarningBook b, object e)
    {
        if (e is TimeSpan wait)
        {
            clock.Advance(wait);
            return WarningEvaluation.Tick(b, clock.GetUtcNow(), Context);
        }
        if (e is Func<WarningBook, DateTimeOffset, WarningDecision> act) return act(b, clock.GetUtcNow());
        var observations = Observation.From(e, ++sequence).ToList();
        if (observations.Count > 0 && observations.Max(o => o.At) > clock.GetUtcNow()) clock.SetUtcNow(observations.Max(o => o.At));
        return WarningEvaluation.Observe(b, observations, sequence, Context, clock.GetUtcNow());
    }

    /// <summary>The warning events an event (or a TimeSpan: the clock moving on, or an action) gives.</summary>
    public WarningOutcome When(object e)
    {
        var decision = Apply(Book, e);
        book = decision.Book;
        return new WarningOutcome(decision);
    }

    public WarningOutcome WhenClockMoves(TimeSpan by) => When(by);

    /// <summary>The warning events a page of events gives, observed together as the live-risk pass delivers them.</summary>
    public WarningOutcome WhenPage(params object[] events)
    {
        var before = Book;
        var observations = events.SelectMany(e => Observation.From(e, ++sequence)).ToList();
        if (observations.Max(o => o.At) > clock.GetUtcNow()) clock.SetUtcNow(observations.Max(o => o.At));
        var decision = WarningEvaluation.Observe(before, observations, sequence, Context, clock.GetUtcNow());
        book = decision.Book;
        return new WarningOutcome(decision);
    }

    /// <summary>The level rules adopt a new risk model and judge the subject once under it (at this level).</summary>
    public static Func<WarningBook, DateTimeOffset, WarningDecision> AdoptModel(string model, RiskLevel level, double score, params WarningRule[] rules) =>
        (b, now) => WarningEvaluation.Rescored(b, Observation.Level(SaltLake, RiskSubject.Enterprise, Golmud, score, level, 0, now, model), b.RescoreAt,
            new(new WarningRuleSet([.. rules]), Catalog, null, model), now);

    public static Func<WarningBook, DateTimeOffset, WarningDecision> Acknowledge(string warningId, string by = "L-ENT") =>
        (b, now) => WarningEvaluation.Acknowledge(b, warningId, by, null, now);

    public static Func<WarningBook, DateTimeOffset, WarningDecision> Resolve(string warningId, string by = "L-ENT") =>
        (b, now) => WarningEvaluation.Resolve(b, warningId, by, "fixed", now);

    public static CameraWentOffline Offline(string outage, DateTimeOffset at) => new(outage, "cam-1", Outfall, SaltLake, Golmud, 10, at.AddMinutes(-10), at);
    public static CameraCameOnline Online(string outage, DateTimeOffset at) => new(outage, "cam-1", Outfall, SaltLake, Golmud, 30, at, at);
}

public sealed record WarningOutcome(WarningDecision Decision)
{
    public ImmutableArray<object> Events => Decision.Events;

    public WarningOutcome ThenNothing()
    {
        Assert.Empty(Events);
        return this;
    }

    public T Then<T>()
    {
        var e = Assert.Single(Events);
        return Assert.IsType<T>(e);
    }
}
