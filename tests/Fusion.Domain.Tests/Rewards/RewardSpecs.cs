using Fusion.Domain.Common;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Rewards;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Rewards;

/// <summary>Measure 9: a verification → the reward the table gives → approval within the bounds → the payee known by a recorded act → paid.</summary>
public class RewardSpecs
{
    static readonly RewardPolicy Policy = new();
    static readonly PublicReportFiled Filed = new("r-1", ReportChannel.Hotline12369, Golmud, SaltLake, Outfall, "黑水直排", false, "7K3M-9QPA-2DXW", "c2VhbGVk", T0);
    static PublicReportVerified Verified(ReportVerdict verdict = ReportVerdict.True, Severity severity = Severity.High) =>
        new("r-1", verdict, severity, Golmud, SaltLake, Outfall, null, "hotline officer", T0 + Days(3));

    static object[] Decide(RewardCommand command, params object[] history)
    {
        try { return RewardDecider.Decide(command, Reward.Fold(history)); }
        catch (Exception e) when (e is DomainRejected or TransitionRefused) { return [e]; }
    }

    static readonly RewardProposed Proposed = new("reward-r-1", "r-1", Golmud, SaltLake, ReportVerdict.True, Severity.High, false, 5000,
        "reward table: High 5000 yuan (bounds 1000–30000 yuan)", T0 + Days(3));
    static readonly RewardApproved Approved = new("reward-r-1", "r-1", 5000, null, "州局局长", T0 + Days(5));

    // Verification

    [Fact]
    public void GivenAFiledReport_WhenVerifiedTrueAndHigh_ThenVerifiedWithItsPlace() =>
        Assert.Equal(Verified() with { VerifiedBy = "inspector" },
            Assert.Single(VerificationDecider.Decide(new VerifyReport(ReportVerdict.True, Severity.High, " ", "inspector", T0 + Days(3)), PublicReport.Fold([Filed]))));

    [Fact]
    public void GivenAVerifiedReport_WhenVerifiedTheSameAgain_ThenNothing_AndWithAnotherVerdict_ThenRefused()
    {
        var state = PublicReport.Fold([Filed, Verified()]);
        Assert.Empty(VerificationDecider.Decide(new VerifyReport(ReportVerdict.True, Severity.High, null, "someone", T0 + Days(4)), state));
        var refused = Assert.Throws<TransitionRefused>(() => VerificationDecider.Decide(new VerifyReport(ReportVerdict.False, Severity.High, null, "x", T0 + Days(4)), state));
        Assert.Contains("verified on", refused.Message);
    }

    [Fact]
    public void GivenARepeatOfAnEarlierComplaint_WhenVerified_ThenRefusedNamingTheFirstReport() =>
        Assert.Contains("r-0", Assert.Throws<TransitionRefused>(() =>
            VerificationDecider.Decide(new VerifyReport(ReportVerdict.True, Severity.High, null, "x", T0), PublicReport.Fold([Filed with { DuplicateOf = "r-0" }]))).Message);

    // Proposal from the table

    [Fact]
    public void GivenATrueHighVerification_WhenProposed_ThenTheTablesHighAmount() =>
        Assert.Equal(Proposed, Assert.Single(Decide(new ProposeReward(Verified(), false, Policy, T0 + Days(3)))));

    [Theory]
    [InlineData(ReportVerdict.True, Severity.Critical, 20000)]
    [InlineData(ReportVerdict.PartlyTrue, Severity.Critical, 10000)]
    [InlineData(ReportVerdict.PartlyTrue, Severity.High, 2500)]
    public void GivenAMajorViolation_WhenProposed_ThenTheTableDecidesTheAmount(ReportVerdict verdict, Severity severity, int amount) =>
        Assert.Equal((decimal)amount, Assert.IsType<RewardProposed>(Assert.Single(Decide(new ProposeReward(Verified(verdict, severity), false, Policy, T0)))).AmountYuan);

    [Theory]
    [InlineData(ReportVerdict.False, Severity.Critical)]
    [InlineData(ReportVerdict.True, Severity.Medium)]
    public void GivenAFalseReportOrNoMajorViolation_WhenProposed_ThenNoReward(ReportVerdict verdict, Severity severity) =>
        Assert.Empty(Decide(new ProposeReward(Verified(verdict, severity), false, Policy, T0)));

    [Fact]
    public void GivenATableRowBelowTheBounds_WhenProposed_ThenTheAmountIsRaisedToTheMinimum()
    {
        var policy = new RewardPolicy { Table = [new() { Severity = Severity.High, AmountYuan = 1500 }] };
        Assert.Equal(1000, Assert.IsType<RewardProposed>(Assert.Single(Decide(new ProposeReward(Verified(ReportVerdict.PartlyTrue), false, policy, T0)))).AmountYuan);
    }

    [Fact]
    public void GivenATableOutsideTheBounds_WhenChecked_ThenTheProblemIsNamed() =>
        Assert.Contains("outside 1000–30000", Assert.Single(new RewardPolicy { Table = [new() { Severity = Severity.Critical, AmountYuan = 50000 }] }.Problems()));

    [Fact]
    public void GivenAProposal_WhenTheVerificationArrivesAgain_ThenNothing() =>
        Assert.Empty(Decide(new ProposeReward(Verified(), false, Policy, T0 + Days(9)), Proposed));

    // Approval

    [Fact]
    public void GivenAProposal_WhenApprovedAtAnotherAmountWithinBounds_ThenApprovedAtIt() =>
        Assert.Equal(8000, Assert.IsType<RewardApproved>(Assert.Single(Decide(new ApproveReward(8000, "major pollution stopped", "州局局长", Policy, T0 + Days(5)), Proposed))).AmountYuan);

    [Theory]
    [InlineData(999)]
    [InlineData(30001)]
    public void GivenAProposal_WhenApprovedOutsideTheBounds_ThenRejected(int amount) =>
        Assert.Contains("outside the reward bounds of 1000–30000", Assert.IsType<DomainRejected>(Assert.Single(Decide(new ApproveReward(amount, null, "州局局长", Policy, T0), Proposed))).Message);

    [Fact]
    public void GivenADeclinedReward_WhenApproved_ThenRefused() =>
        Assert.IsType<TransitionRefused>(Assert.Single(Decide(new ApproveReward(null, null, "b", Policy, T0),
            Proposed, new RewardDeclined("reward-r-1", "r-1", "already rewarded for the same complaint", "a", T0))));

    // Payment

    [Fact]
    public void GivenAnApprovedNamedReport_WhenPaidWithoutThePayeeRevealed_ThenRefusedPointingAtTheRecordedReveal() =>
        Assert.Contains("/payee", Assert.IsType<TransitionRefused>(Assert.Single(Decide(new PayReward("BANK-1", false, "cashier", T0), Proposed, Approved))).Message);

    [Fact]
    public void GivenAnApprovedNamedReport_WhenThePayeeIsRevealedAndThePaymentMade_ThenPaidToTheRevealedReporter()
    {
        var revealed = Assert.IsType<RewardPayeeRevealed>(Assert.Single(Decide(new RevealPayee("hotline officer", T0 + Days(6)), Proposed, Approved)));
        Assert.Equal(new RewardPaid("reward-r-1", "r-1", 5000, RewardPayee.RevealedReporter, "BANK-1", "hotline officer", T0 + Days(7)),
            Assert.Single(Decide(new PayReward("BANK-1", false, "hotline officer", T0 + Days(7)), Proposed, Approved, revealed)));
    }

    [Fact]
    public void GivenAProposalNotYetApproved_WhenThePayeeIsAskedFor_ThenRefused() =>
        Assert.Contains("only to pay an approved reward", Assert.IsType<TransitionRefused>(Assert.Single(Decide(new RevealPayee("x", T0), Proposed))).Message);

    [Fact]
    public void GivenAnApprovedAnonymousReport_WhenItsPayeeIsAskedFor_ThenRefused_AndWhenItsReceiptIsPresented_ThenPaidToTheHolder()
    {
        var anonymous = Proposed with { Anonymous = true };
        Assert.Contains("anonymously", Assert.IsType<TransitionRefused>(Assert.Single(Decide(new RevealPayee("x", T0), anonymous, Approved))).Message);
        Assert.Contains("receipt", Assert.IsType<TransitionRefused>(Assert.Single(Decide(new PayReward("CASH-1", false, "x", T0), anonymous, Approved))).Message);
        Assert.Equal(RewardPayee.ReceiptHolder, Assert.IsType<RewardPaid>(Assert.Single(Decide(new PayReward("CASH-1", true, "x", T0), anonymous, Approved))).PaidTo);
    }

    [Fact]
    public void GivenAPaidReward_WhenPaidAgain_ThenNothing() =>
        Assert.Empty(Decide(new PayReward("BANK-1", false, "x", T0), Proposed, Approved,
            new RewardPaid("reward-r-1", "r-1", 5000, RewardPayee.RevealedReporter, "BANK-1", "x", T0)));

    [Fact]
    public void GivenAnApprovedReward_WhenPaidWithoutAReference_ThenRejected() =>
        Assert.IsType<DomainRejected>(Assert.Single(Decide(new PayReward(" ", true, "x", T0), Proposed, Approved)));
}
