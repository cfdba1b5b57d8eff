using Fusion.Domain.MasterData;

namespace Fusion.Domain.Tests.MasterData;

/// <summary>GB 32100-2015: check character = 31 − (Σ value·3^(i−1) mod 31) over the first 17 characters.</summary>
public class CreditCodeSpecs
{
    const string Sample = "91350100M000100Y43";

    /// <summary>Published codes, each checked by hand with an independent implementation of the standard's algorithm.</summary>
    [Theory]
    [InlineData(Sample)]                    // the standard sample used across government guidance
    [InlineData("91110000600037341L")]
    [InlineData("914403001922038216")]      // Huawei Technologies Co., Ltd.
    [InlineData("91330100799655058B")]      // Alibaba (China) Co., Ltd.
    [InlineData("91110000802100433B")]      // Beijing Baidu Netcom Science and Technology Co., Ltd.
    [InlineData("9144030071526726XG")]      // Shenzhen Tencent Computer Systems Co., Ltd.
    [InlineData("91110108551385082Q")]      // Xiaomi Technology Co., Ltd.
    public void GivenAPublishedCode_WhenChecked_ThenItIsValid(string code)
    {
        Assert.Null(CreditCode.Problem(code));
        Assert.True(CreditCode.IsValid(code));
    }

    [Theory]
    [InlineData("91350100M000100Y4", "91350100M000100Y43")]
    [InlineData("91632801MA7523XK8", "91632801MA7523XK8A")]
    [InlineData("91632802MA752XY01", "91632802MA752XY011")]
    [InlineData("91632800710520000", "916328007105200008")]
    public void GivenSeventeenCharacters_WhenCompleted_ThenTheCheckCharacterIsAppended(string first17, string code)
    {
        Assert.Equal(code, CreditCode.Complete(first17));
        Assert.True(CreditCode.IsValid(code));
    }

    [Fact]
    public void GivenAValidCode_WhenAnySingleCharacterIsChanged_ThenItIsNoLongerValid()
    {
        var mistyped =
            from position in Enumerable.Range(0, 18)
            from c in CreditCode.Alphabet
            where c != Sample[position]
            select string.Concat(Sample.AsSpan(0, position), c.ToString(), Sample.AsSpan(position + 1));

        Assert.All(mistyped, code => Assert.False(CreditCode.IsValid(code), code));
    }

    [Fact]
    public void GivenAWrongCheckCharacter_WhenChecked_ThenTheProblemSaysWhichItShouldBe() =>
        Assert.Equal("the unified social credit code '91350100M000100Y44' has check character '4' but its first 17 characters give '3'",
            CreditCode.Problem("91350100M000100Y44"));

    [Theory]
    [InlineData("91350100M000100Y4", 17)]
    [InlineData("91350100M000100Y433", 19)]
    [InlineData("9135", 4)]
    public void GivenTheWrongLength_WhenChecked_ThenTheProblemCountsTheCharacters(string code, int length) =>
        Assert.Equal($"the unified social credit code '{code}' has {length} characters, not 18", CreditCode.Problem(code));

    [Theory]
    [InlineData('I')]
    [InlineData('O')]
    [InlineData('S')]
    [InlineData('V')]
    [InlineData('Z')]
    public void GivenALetterTheStandardLeavesOut_WhenChecked_ThenTheProblemNamesItAndItsPosition(char letter)
    {
        var code = $"91350100{letter}000100Y43";

        Assert.Equal($"the unified social credit code '{code}' has '{letter}' at position 9, which is not allowed (capitals only, no I, O, S, V, Z)",
            CreditCode.Problem(code));
    }

    [Fact]
    public void GivenLowerCase_WhenChecked_ThenItIsRejectedRatherThanUpperCased() =>
        Assert.Equal("the unified social credit code '91350100m000100y43' has 'm' at position 9, which is not allowed (capitals only, no I, O, S, V, Z)",
            CreditCode.Problem("91350100m000100y43"));

    [Fact]
    public void GivenALetterInTheAdministrativeDivision_WhenChecked_ThenTheProblemSaysPositions3To8AreDigits() =>
        Assert.Equal("the unified social credit code '9135A100M000100Y43' must have the 6-digit administrative division code at positions 3–8",
            CreditCode.Problem("9135A100M000100Y43"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenNoCode_WhenChecked_ThenTheProblemSaysItIsMissing(string? code) =>
        Assert.Equal("the unified social credit code is missing", CreditCode.Problem(code));

    [Fact]
    public void GivenACharacterOutsideTheAlphabet_WhenCompleting_ThenItRefuses() =>
        Assert.Throws<ArgumentException>(() => CreditCode.Complete("91350100O000100Y4"));
}
