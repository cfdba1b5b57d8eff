using Fusion.Domain.Common;
using Fusion.Domain.Reserves;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Reserves;

/// <summary>Measure 6: accounts opened from configuration, allocations, disbursements to an incident with approval, never overdrawn.</summary>
public class ReserveSpecs
{
    static readonly ReserveAccountOpened Opened = new("GOLMUD", "格尔木市环境应急储备金", Golmud, T0);
    static readonly ReserveFundsAllocated Initial = new("GOLMUD", "initial", 10_000_000, "budget", 10_000_000, "configuration", T0);
    static readonly ReserveDisbursementRequested Requested = new("GOLMUD", "D-1", "warning-1", 6_000_000, "tailings spill clean-up", "郭晓东", T0 + Days(1));

    static object[] Decide(ReserveCommand command, params object[] history)
    {
        try { return ReserveDecider.Decide(command, Reserve.Fold(history)); }
        catch (Exception e) when (e is DomainRejected or TransitionRefused) { return [e]; }
    }

    [Fact]
    public void GivenNothing_WhenAConfiguredAccountOpens_ThenOpenedWithItsInitialAllocation_AndOpeningAgainDecidesNothing()
    {
        var events = Decide(new OpenReserve("GOLMUD", "格尔木市环境应急储备金", Golmud, 10_000_000, "budget", T0));
        Assert.Equal<object>([Opened, Initial], events);
        Assert.Empty(Decide(new OpenReserve("GOLMUD", "格尔木市环境应急储备金", Golmud, 10_000_000, "budget", T0 + Days(1)), events));
    }

    [Fact]
    public void GivenAnAccount_WhenFundsAreAllocated_ThenTheBalanceAfterIsCarried_AndTheSameAllocationAgainAddsNothing()
    {
        var allocated = Assert.IsType<ReserveFundsAllocated>(Assert.Single(Decide(new AllocateFunds("A-2027", 2_000_000, "2027 budget", "多杰太", T0), Opened, Initial)));
        Assert.Equal(12_000_000, allocated.BalanceYuan);
        Assert.Empty(Decide(new AllocateFunds("A-2027", 2_000_000, "2027 budget", "多杰太", T0), Opened, Initial, allocated));
    }

    [Fact]
    public void GivenABalance_WhenADisbursementWithinItIsRequestedAndApprovedBySomeoneElse_ThenTheBalanceGoesDown()
    {
        Assert.Equal(Requested, Assert.Single(Decide(new RequestDisbursement("D-1", "warning-1", 6_000_000, "tailings spill clean-up", "郭晓东", T0 + Days(1)), Opened, Initial)));
        var approved = Assert.IsType<ReserveDisbursementApproved>(Assert.Single(Decide(new ApproveDisbursement("D-1", "扎西东智", T0 + Days(2)), Opened, Initial, Requested)));
        Assert.Equal((6_000_000m, 4_000_000m), (approved.AmountYuan, approved.BalanceYuan));
        Assert.Equal(4_000_000, Reserve.Fold([Opened, Initial, Requested, approved])!.BalanceYuan);
    }

    [Fact]
    public void GivenARequestWaiting_WhenAnotherWouldTakeMoreThanIsLeftBesideIt_ThenRefusedAsAnOverdraft()
    {
        var refused = Assert.IsType<TransitionRefused>(Assert.Single(Decide(new RequestDisbursement("D-2", "warning-2", 5_000_000, "second spill", "郭晓东", T0), Opened, Initial, Requested)));
        Assert.Contains("4000000 yuan is available", refused.Message);
        Assert.Contains("never overdrawn", refused.Message);
    }

    [Fact]
    public void GivenABalance_WhenMoreThanItIsRequested_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new RequestDisbursement("D-9", "w", 10_000_001, "p", "x", T0), Opened, Initial)));

    [Fact]
    public void GivenARequest_WhenItsRequesterApprovesIt_ThenRefused() =>
        Assert.Contains("another officer approves it", Assert.IsType<TransitionRefused>(Assert.Single(Decide(new ApproveDisbursement("D-1", "郭晓东", T0), Opened, Initial, Requested))).Message);

    [Fact]
    public void GivenARefusedRequest_WhenApproved_ThenRefused_AndItsAmountIsFreeAgain()
    {
        var refusal = new ReserveDisbursementRefused("GOLMUD", "D-1", "the county pays", "扎西东智", T0 + Days(2));
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new ApproveDisbursement("D-1", "扎西东智", T0), Opened, Initial, Requested, refusal)));
        Assert.Equal(10_000_000, Reserve.Fold([Opened, Initial, Requested, refusal])!.AvailableYuan);
    }

    [Fact]
    public void GivenAnApprovedDisbursement_WhenApprovedAgain_ThenNothing() =>
        Assert.Empty(Decide(new ApproveDisbursement("D-1", "扎西东智", T0), Opened, Initial, Requested,
            new ReserveDisbursementApproved("GOLMUD", "D-1", "warning-1", 6_000_000, 4_000_000, "扎西东智", T0)));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void GivenAnAccount_WhenANonPositiveAmountIsAskedFor_ThenRejected(int amount) =>
        Assert.IsType<DomainRejected>(Assert.Single(Decide(new RequestDisbursement("D-3", "w", amount, "p", "x", T0), Opened, Initial)));

    [Fact]
    public void GivenNoAccount_WhenAnythingIsAskedOfIt_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new AllocateFunds("A", 1, "r", "x", T0))));
}
