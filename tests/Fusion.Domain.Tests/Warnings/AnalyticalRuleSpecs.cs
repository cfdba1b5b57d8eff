using Fusion.Domain.Common;
using Fusion.Domain.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;
using static Fusion.Domain.Tests.Warnings.WarningSpec;

namespace Fusion.Domain.Tests.Warnings;

public class AnalyticalRuleSpecs
{
    static AnalyticalRule Doubled(bool autoResolve = true) => new("exceedance-doubled", Severity.Medium, WarningSubject.Enterprise, "{name} exceedances doubled",
        autoResolve, TimeSpan.FromHours(4), null, "SELECT 1", TimeSpan.FromHours(1));

    static Func<WarningBook, DateTimeOffset, WarningDecision> Run(AnalyticalRule rule, params AnalyticalRow[] rows) =>
        (b, now) => WarningEvaluation.Analyzed(b, rule.Id, rows, new WarningContext(new WarningRuleSet([rule]), Catalog), now);

    static AnalyticalRow Row(string evidence, string enterprise = SaltLake) => new(enterprise, enterprise, Golmud, evidence);

    [Fact]
    public void GivenNoRows_WhenTheQueryReturnsASubject_ThenAWarningIsRaisedWithTheRowAsEvidence()
    {
        var raised = Given(Doubled()).When(Run(Doubled(), Row("12 h this week, 5 h last week"))).Then<WarningRaised>();
        Assert.Equal(($"exceedance-doubled.{SaltLake}.1", "analytical", SaltLake, Golmud), (raised.WarningId, raised.RuleKind, raised.EnterpriseId, raised.RegionId));
        Assert.Equal("12 h this week, 5 h last week", Assert.Single(raised.Evidence).Summary);
        Assert.Equal("盐湖钾肥 exceedances doubled", raised.Message);
    }

    [Fact]
    public void GivenAnOpenWarning_WhenTheNextRunReturnsTheSameRow_ThenNothing() =>
        Given(Doubled()).And(Run(Doubled(), Row("12 h / 5 h"))).When(Run(Doubled(), Row("12 h / 5 h"))).ThenNothing();

    [Fact]
    public void GivenAnOpenWarning_WhenTheNextRunSaysSomethingNew_ThenItIsAddedAsEvidence()
    {
        var repeated = Given(Doubled()).And(Run(Doubled(), Row("12 h / 5 h"))).When(Run(Doubled(), Row("14 h / 5 h"))).Then<WarningRepeated>();
        Assert.Equal(("14 h / 5 h", 2), (Assert.Single(repeated.Evidence).Summary, repeated.Count));
    }

    [Fact]
    public void GivenASelfResolvingWarning_WhenTheQueryNoLongerReturnsItsSubject_ThenTheRuleResolvesIt()
    {
        var resolved = Given(Doubled()).And(Run(Doubled(), Row("12 h / 5 h"))).When(Run(Doubled())).Then<WarningResolved>();
        Assert.True(resolved.ByRule);
    }

    [Fact]
    public void GivenAWarningThatDoesNotResolveItself_WhenTheQueryNoLongerReturnsItsSubject_ThenItStaysOpen() =>
        Given(Doubled(autoResolve: false)).And(Run(Doubled(autoResolve: false), Row("12 h / 5 h"))).When(Run(Doubled(autoResolve: false))).ThenNothing();

    [Fact]
    public void GivenARowOfAnotherEnterprise_WhenThisScopeRuns_ThenItIsNotThisScopesWarning() =>
        Given(Doubled()).When(Run(Doubled(), Row("12 h / 5 h", enterprise: Potash))).ThenNothing();
}
