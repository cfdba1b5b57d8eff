using System.Collections.Immutable;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using Fusion.Silo.Risk;
using Fusion.Silo.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Fusion.Silo.Tests.Risk;

/// <summary>
/// An enterprise grain holding many signals stages pages with what it keeps between them (the ids and sites held, and when
/// the first of them can fade) instead of going over every signal: through pages that grow it past that point, deliver a
/// held signal again under a new sequence, come after its oldest signals have faded, and are dropped and staged anew, it
/// holds, stores and scores what the domain's own fold (Apply, then Prune) makes of the same pages.
/// </summary>
public sealed class RiskGrainPageTests
{
    const string Enterprise = "91632801MA7CPAGES1";
    static readonly string Subject = $"enterprise:{Enterprise}";

    [Fact]
    public async Task GivenAGrainWithManySignals_WhenPagesRedeliverComeAfterFadingAndAreDropped_ThenItHoldsWhatTheFoldMakesOfThem()
    {
        await using var app = await FusionApp.StartAsync();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        // On a new database the host adopts its risk model at start; one that finds risk snapshots stored then re-scores from the
        // events and drops them (RiskModelChange): the snapshots written here come after it.
        await app.Services.GetRequiredService<RiskModelChange>().Checked;
        var model = app.Services.GetRequiredService<RiskModel>();
        var grain = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IEnterpriseRiskGrain>(Enterprise);
        var expected = RiskState.Empty(Enterprise);
        var sequence = 0L;

        async Task PageAsync(params RiskSignal[] signals)
        {
            var numbered = signals.Select(s => s with { Sequence = ++sequence }).ToImmutableArray();
            var page = Guid.NewGuid();
            if (await grain.StageAsync(numbered.AsImmutable(), sequence, page) is { } writes)
                await RiskStore.StoreAsync(store, [writes], CancellationToken.None);
            await grain.CommittedAsync(page);
            var applied = expected.Apply(numbered, sequence);
            if (applied.Signals != expected.Signals) expected = applied.Prune(model, app.Time.GetUtcNow());
            await ThenHeldAsync();
        }

        async Task ThenHeldAsync()
        {
            var ids = expected.Signals.Select(s => s.SignalId).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(ids, (await grain.GetSignalsAsync()).Value.Select(s => s.SignalId).Order(StringComparer.Ordinal));
            await using var session = store.QuerySession();
            var stored = await session.Query<HeldSignal>().Where(h => h.Subject == Subject).ToListAsync();
            Assert.Equal(ids, stored.Select(h => h.Signal.SignalId).Order(StringComparer.Ordinal));
            var score = RiskScoring.Score(Enterprise, RiskSubject.Enterprise, expected.Signals, false, model, app.Time.GetUtcNow());
            var summary = (await grain.GetSummaryAsync()).Value;
            Assert.Equal((score.Score, score.Level), (summary.Score, summary.Level));
        }

        // Alarms six hours apart going back 25 days: the oldest have faded by the time the clock moves on 50 days.
        var alarms = Enumerable.Range(0, 100).Select(i => Alarm($"a{i}", FusionApp.T0.AddHours(-6 * i))).ToArray();
        await PageAsync(alarms[..70]);
        await PageAsync(alarms[70..]);
        Assert.True(expected.Signals.Count > 64, "the grain holds enough signals to keep what it knows of them");
        await PageAsync(alarms[5], Alarm("b0", FusionApp.T0));
        Assert.Single(expected.Signals, s => s.SignalId == "camera-alarm:a5");

        app.Time.Advance(TimeSpan.FromDays(50));
        var before = expected.Signals.Count;
        await PageAsync(Alarm("b1", FusionApp.T0.AddDays(50)));
        Assert.True(expected.Signals.Count < before, "the oldest alarms faded and were let go");
        Assert.True(expected.Signals.Count > 64, "the grain still holds many signals");

        // A page staged and dropped (its store failed): staged anew, the grain starts again from what the store holds.
        var dropped = Guid.NewGuid();
        await grain.StageAsync(ImmutableArray.Create(Alarm("b2", FusionApp.T0.AddDays(50)) with { Sequence = sequence + 1 }).AsImmutable(), sequence + 1, dropped);
        await grain.DiscardAsync(dropped);
        await PageAsync(Alarm("b2", FusionApp.T0.AddDays(50)), Alarm("b3", FusionApp.T0.AddDays(50)));
        Assert.Contains(expected.Signals, s => s.SignalId == "camera-alarm:b3");
    }

    static RiskSignal Alarm(string id, DateTimeOffset at) =>
        new($"camera-alarm:{id}", 0, SignalKind.CameraAlarm, "camera-alarms", "GOLMUD", Enterprise, "S-1", Severity.High, 0.9, false, null, $"alarm {id}", at);
}
