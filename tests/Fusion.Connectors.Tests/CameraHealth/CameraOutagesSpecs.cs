using Fusion.Connectors.CameraHealth;
using Fusion.Connectors.Tests.Hj212;
using Fusion.Domain;
using Fusion.Domain.Cameras;
using Fusion.Domain.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Fusion.Connectors.Tests.CameraHealth;

public class CameraOutagesSpecs
{
    static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    [Fact]
    public void GivenAKeepalive_WhenTheCameraIsSilentNoLongerThanAllowed_ThenNothing()
    {
        var clock = new FakeTimeProvider(Given.T0);
        var (state, _) = CameraOutages.Seen(CameraOutages.Start(Liveness.Empty, Given.Catalog, clock.GetUtcNow()), Given.Catalog, Given.Camera, clock.GetUtcNow());
        clock.Advance(TenMinutes);
        Assert.Empty(CameraOutages.Detect(state, Given.Catalog, clock.GetUtcNow(), TenMinutes).Items);
    }

    [Fact]
    public void GivenAKeepalive_WhenTheCameraIsSilentLongerThanAllowed_ThenCameraWentOfflineOnTheEnterprisesStream_Once()
    {
        var clock = new FakeTimeProvider(Given.T0);
        var state = CameraOutages.Start(Liveness.Empty, Given.Catalog, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(3));
        var lastSeen = clock.GetUtcNow();
        (state, _) = CameraOutages.Seen(state, Given.Catalog, Given.Camera, lastSeen);

        clock.Advance(TenMinutes + TimeSpan.FromSeconds(1));
        (state, var items) = CameraOutages.Detect(state, Given.Catalog, clock.GetUtcNow(), TenMinutes);
        var item = Assert.Single(items);
        Assert.Equal(Streams.Enterprise(Given.Enterprise), item.StreamKey);
        var outageId = CameraOutages.OutageId(Given.Camera, lastSeen);
        Assert.Equal($"camera-offline:{outageId}", item.Key);
        Assert.Equal(new CameraWentOffline(outageId, Given.Camera, Given.Site, Given.Enterprise, Given.Region, 10, lastSeen, clock.GetUtcNow()), Assert.Single(item.Events));

        clock.Advance(TenMinutes);
        Assert.Empty(CameraOutages.Detect(state, Given.Catalog, clock.GetUtcNow(), TenMinutes).Items);
    }

    [Fact]
    public void GivenAnOfflineCamera_WhenItIsHeardFromAgain_ThenCameraCameOnline()
    {
        var clock = new FakeTimeProvider(Given.T0);
        var state = CameraOutages.Start(Liveness.Empty, Given.Catalog, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(15));
        (state, _) = CameraOutages.Detect(state, Given.Catalog, clock.GetUtcNow(), TenMinutes);
        clock.Advance(TimeSpan.FromMinutes(45));

        var (next, item) = CameraOutages.Seen(state, Given.Catalog, Given.Camera, clock.GetUtcNow());
        var online = Assert.IsType<CameraCameOnline>(Assert.Single(item!.Events));
        Assert.Equal((CameraOutages.OutageId(Given.Camera, Given.T0), 60.0, Given.T0, clock.GetUtcNow()), (online.OutageId, online.OfflineMinutes, online.LastSeenAt, online.CameOnlineAt));
        Assert.Null(CameraOutages.Seen(next, Given.Catalog, Given.Camera, clock.GetUtcNow().AddMinutes(1)).Item);
    }

    [Fact]
    public void GivenACameraNeverHeardFrom_WhenOnePeriodPassesAfterWatchingBegan_ThenItIsOffline()
    {
        var clock = new FakeTimeProvider(Given.T0);
        var state = CameraOutages.Start(Liveness.Empty, Given.Catalog, clock.GetUtcNow());
        clock.Advance(TenMinutes + TimeSpan.FromTicks(1));
        var offline = Assert.IsType<CameraWentOffline>(Assert.Single(Assert.Single(CameraOutages.Detect(state, Given.Catalog, clock.GetUtcNow(), TenMinutes).Items).Events));
        Assert.Equal(Given.T0, offline.LastSeenAt);
    }

    [Fact]
    public void GivenACameraNeverHeardFrom_WhenNotStartedOnTheCatalog_ThenItIsNotWatched() =>
        Assert.Empty(CameraOutages.Detect(Liveness.Empty, Given.Catalog, Given.T0.AddDays(1), TenMinutes).Items);

    [Fact]
    public void GivenTheSameOutageDetectedAfterARestart_ThenTheSameKeySoNothingIsAppendedTwice()
    {
        var restored = Liveness.Empty.Restore(Given.Camera, Given.T0, silent: false);
        var now = Given.T0.AddHours(1);
        Assert.Equal(
            CameraOutages.Detect(restored, Given.Catalog, now, TenMinutes).Items.Single().Key,
            CameraOutages.Detect(restored, Given.Catalog, now.AddMinutes(5), TenMinutes).Items.Single().Key);
    }

    [Fact]
    public void GivenTheLastKeepaliveInMemoryAndTheOneStoredForItsSlot_ThenTheOutageIdIsTheSame() =>
        Assert.Equal(CameraOutages.OutageId(Given.Camera, Given.T0.AddMinutes(4).AddSeconds(50)), CameraOutages.OutageId(Given.Camera, Given.T0.AddSeconds(2)));

    [Fact]
    public void GivenAnOutageAlreadyRecordedBeforeARestart_WhenRestoredAsSilent_ThenNotReportedAgain() =>
        Assert.Empty(CameraOutages.Detect(Liveness.Empty.Restore(Given.Camera, Given.T0, silent: true), Given.Catalog, Given.T0.AddHours(1), TenMinutes).Items);
}
