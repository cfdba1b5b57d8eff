using Fusion.Domain.Warnings;

namespace Fusion.Domain.Tests.Warnings;

public class RuleValidationSpecs
{
    static RuleSpec Valid() => new()
    {
        Id = "discharge", Kind = "count", Severity = "high", Subject = "site", Message = "m", AcknowledgeWithin = "00:30:00",
        Signals = ["CameraAlarm"], AtLeast = 3, Window = "1.00:00:00",
    };

    static IReadOnlyList<string> Errors(params RuleSpec[] specs) => WarningRuleSet.Parse(specs).Errors;

    [Fact]
    public void GivenAValidRule_WhenParsed_ThenNoErrors() =>
        Assert.IsType<CountRule>(Assert.Single(WarningRuleSet.Parse([Valid()]).Rules.Rules));

    [Theory]
    [InlineData("kind", "rule 'discharge': field 'kind': 'counting' is not a kind")]
    [InlineData("severity", "rule 'discharge': field 'severity': 'dire' is not one of: low, medium, high, critical")]
    [InlineData("window", "rule 'discharge': field 'window': 'a day' is not a positive duration")]
    [InlineData("signals", "rule 'discharge': field 'signals': 'Camera' is not a signal kind")]
    [InlineData("atLeast", "rule 'discharge': field 'atLeast': a whole number of at least 1")]
    [InlineData("acknowledgeWithin", "rule 'discharge': field 'acknowledgeWithin': missing")]
    public void GivenABadField_WhenParsed_ThenTheErrorNamesTheRuleAndTheField(string field, string expected)
    {
        var spec = Valid();
        switch (field)
        {
            case "kind": spec.Kind = "counting"; break;
            case "severity": spec.Severity = "dire"; break;
            case "window": spec.Window = "a day"; break;
            case "signals": spec.Signals = ["Camera"]; break;
            case "atLeast": spec.AtLeast = 0; break;
            case "acknowledgeWithin": spec.AcknowledgeWithin = null; break;
        }
        Assert.StartsWith(expected, Assert.Single(Errors(spec)));
    }

    [Fact]
    public void GivenTwoRulesWithOneId_WhenParsed_ThenTheSecondIsNamed() =>
        Assert.Equal(["rule 'discharge': field 'id': used by an earlier rule too"], Errors(Valid(), Valid()));

    [Fact]
    public void GivenACompositeWithABadCondition_WhenParsed_ThenTheErrorNamesTheCondition()
    {
        var spec = Valid();
        spec.Kind = "composite";
        spec.AnyOf = [new RuleSpec { Signals = ["InspectionFinding"], AtLeast = 3 }];
        Assert.Contains("rule 'discharge': field 'anyOf[0].window': missing; a duration like 00:30:00 or 7.00:00:00", Errors(spec));
    }

    [Fact]
    public void GivenALevelRuleAboutASite_WhenParsed_ThenRefused()
    {
        var spec = Valid();
        (spec.Kind, spec.Level, spec.RescoreEvery) = ("level", "red", "00:15:00");
        Assert.Contains("rule 'discharge': field 'subject': a level rule is about an enterprise or a region", Errors(spec));
    }
}
