using Fusion.Domain.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Domain.Tests.Monitoring;

public class LivenessSpecs
{
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));
    static readonly TimeSpan Allowed = TimeSpan.FromMinutes(5);

    [Fact]
    public void GivenADeviceSeen_WhenSilentJustUpToTheAllowedPeriod_ThenNotSilent()
    {
        var clock = new FakeTimeProvider(T0);
        var (state, _) = Liveness.Empty.Seen("cam", clock.GetUtcNow());
        clock.Advance(Allowed);
        Assert.Empty(state.Silence(clock.GetUtcNow(), Allowed).NewlySilent);
    }

    [Fact]
    public void GivenADeviceSeen_WhenSilentLongerThanAllowed_ThenNewlySilentOnceWithWhenLastSeen()
    {
        var clock = new FakeTimeProvider(T0);
        var (state, _) = Liveness.Empty.Seen("cam", clock.GetUtcNow());
        clock.Advance(Allowed + TimeSpan.FromSeconds(1));
        (state, var silent) = state.Silence(clock.GetUtcNow(), Allowed);
        Assert.Equal([("cam", T0)], silent);
        clock.Advance(Allowed);
        Assert.Empty(state.Silence(clock.GetUtcNow(), Allowed).NewlySilent);
    }

    [Fact]
    public void GivenASilentDevice_WhenSeenAgain_ThenItReturnsWithWhenItWasLastSeenBefore()
    {
        var (state, _) = Liveness.Empty.Seen("cam", T0);
        (state, _) = state.Silence(T0.AddHours(1), Allowed);
        var (back, since) = state.Seen("cam", T0.AddHours(2));
        Assert.Equal(T0, since);
        Assert.False(back.Devices["cam"].Silent);
    }

    [Fact]
    public void GivenASeenOlderThanTheLast_WhenApplied_ThenNothingChanges()
    {
        var (state, _) = Liveness.Empty.Seen("cam", T0);
        Assert.Same(state, state.Seen("cam", T0.AddMinutes(-3)).State);
    }

    [Fact]
    public void GivenDevicesWatchedButNeverSeen_WhenAPeriodPassesAfterWatchingBegan_ThenTheyAreSilent()
    {
        var state = Liveness.Empty.Watch(["b", "a"], T0);
        Assert.Equal([("a", T0), ("b", T0)], state.Silence(T0 + Allowed + TimeSpan.FromTicks(1), Allowed).NewlySilent);
    }

    [Fact]
    public void GivenADeviceAlreadyWatched_WhenWatchedAgainLater_ThenItsLastSeenStays()
    {
        var (state, _) = Liveness.Empty.Seen("cam", T0);
        Assert.Equal(T0, state.Watch(["cam"], T0.AddHours(1)).Devices["cam"].LastSeenAt);
    }
}
