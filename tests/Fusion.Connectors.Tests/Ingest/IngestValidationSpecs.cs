using System.Buffers;
using System.Text;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Given = Fusion.Connectors.Tests.Hj212.Given;

namespace Fusion.Connectors.Tests.Ingest;

public class IngestValidationSpecs
{
    static readonly TimeSpan Window = TimeSpan.FromDays(30);
    static readonly IngestBounds Bounds = new() { ResendWindow = Window };

    static IReadOnlyList<Hj212Received> Frames(DateTimeOffset dataTime, double cod) =>
        Hj212Session.ReadAll(new ReadOnlySequence<byte>(Hj212Frames.Data(Given.Mn, Hj212Frames.MinuteData, dataTime.AddSeconds(20), dataTime,
            [new Hj212Pollutant("w01018", Avg: cod), new Hj212Pollutant("w21003", Avg: 1.2)])), dataTime.AddSeconds(30));

    [Fact]
    public void GivenMinuteDataOverItsLimit_WhenTranslated_ThenTheDataCarriesItsTimeAndTheExceedanceTheStartOfItsHour()
    {
        var at = Given.T0.AddMinutes(17);
        var batch = Hj212Session.Translate(Frames(at, 80), Given.Catalog, new IngestChecks(at, Bounds));

        Assert.Equal([at, Given.T0], batch.Accepted.Select(a => a.Item.SourceTime));
    }

    [Fact]
    public void GivenAFrameOlderThanTheResendWindow_WhenTranslated_ThenItIsRejectedSayingSoWithItsRawBytes()
    {
        var at = Given.T0;
        var batch = Hj212Session.Translate(Frames(at, 30), Given.Catalog, new IngestChecks(at + Window + TimeSpan.FromMinutes(1), Bounds));

        var rejection = Assert.Single(batch.Rejected);
        Assert.Empty(batch.Accepted);
        Assert.Contains("older than the 30-day resend window", rejection.Reason);
        Assert.StartsWith("##", rejection.RawJson);
    }

    [Fact]
    public void GivenAFrameJustInsideTheResendWindow_WhenTranslated_ThenItIsAccepted() =>
        Assert.Empty(Hj212Session.Translate(Frames(Given.T0, 30), Given.Catalog, new IngestChecks(Given.T0 + Window, Bounds)).Rejected);

    [Fact]
    public void GivenARecordIdLongerThanTheStoreCanKey_WhenChecked_ThenRejectedSayingHowLongItMayBe()
    {
        var item = new IngestItem("camera-alarms:" + new string('x', 600), "E-1", [new object()]);

        var reason = Assert.Throws<RecordRejected>(() => IngestValidation.Check(item)).Message;

        Assert.Contains("614 characters long; at most 498", reason);
    }

    [Fact]
    public void GivenRecordsWithoutTheirOwnTime_WhenChecked_ThenNoWindowApplies() =>
        IngestValidation.Check(new IngestItem("camera-alarms:a-1", "E-1", [new object()]), new IngestChecks(Given.T0.AddYears(5), Bounds));

    sealed record Reading(string Code, double Value);
    sealed record SomethingRecorded(string ThingId, string Note, double Value, decimal AmountYuan, IReadOnlyList<Reading> Readings, DateOnly DueBy, DateTimeOffset RecordedAt);

    static SomethingRecorded Valid => new("T-1", "line one\nline two\ttabbed, 中文 😀", 12.5, 1_000m, [new("w01018", 3)], new DateOnly(2027, 3, 1), Given.T0);

    static string Rejection(SomethingRecorded e) =>
        Assert.Throws<RecordRejected>(() => IngestValidation.Check(new IngestItem("feed:T-1", "E-1", [e]), new IngestChecks(Given.T0, Bounds))).Message;

    [Fact]
    public void GivenAnEventWithinEveryBound_WhenChecked_ThenItPasses() =>
        IngestValidation.Check(new IngestItem("feed:T-1", "E-1", [Valid]), new IngestChecks(Given.T0, Bounds));

    [Theory]
    [InlineData(@"a\u0000b", "'note' holds a control character (U+0000) at position 1")]
    [InlineData(@"a\u001bb", "'note' holds a control character (U+001B)")]
    [InlineData(@"a\u0085b", "'note' holds a control character (U+0085)")]
    [InlineData(@"a\ud800b", "'note' holds invalid Unicode (a lone surrogate U+D800)")]
    [InlineData(@"ab\udc00", "'note' holds invalid Unicode (a lone surrogate U+DC00)")]
    [InlineData(@"a\uffffb", "'note' holds a non-character (U+FFFF)")]
    public void GivenTextWithACharacterNoStoreShouldHold_WhenChecked_ThenRejectedNamingTheField(string escaped, string expected) =>
        Assert.Contains(expected, Rejection(Valid with { Note = System.Text.RegularExpressions.Regex.Unescape(escaped) }));

    [Fact]
    public void GivenAnIdentifierOverItsLength_ButTextOfThatLength_WhenChecked_ThenOnlyTheIdentifierIsRejected()
    {
        Assert.Contains("'thingId' is 129 characters long; at most 128 are taken", Rejection(Valid with { ThingId = new string('x', 129) }));
        IngestValidation.Check(new IngestItem("feed:T-1", "E-1", [Valid with { Note = new string('x', 129) }]), new IngestChecks(Given.T0, Bounds));
        Assert.Contains("'note' is 20001 characters long; at most 20000", Rejection(Valid with { Note = new string('x', 20_001) }));
    }

    [Fact]
    public void GivenNumbersBeyondTheirBounds_WhenChecked_ThenRejectedNamingTheField()
    {
        Assert.Contains("'value' is NaN", Rejection(Valid with { Value = double.NaN }));
        Assert.Contains("'value' is 10000000000000", Rejection(Valid with { Value = 1e13 }));
        Assert.Contains("'readings.value' is -1E+300", Rejection(Valid with { Readings = [new("w01018", -1e300)] }));
        Assert.Contains("'amountYuan' is 1000000000001", Rejection(Valid with { AmountYuan = 1_000_000_000_001m }));
    }

    [Fact]
    public void GivenTimesOutsideTheWindowAroundNow_WhenChecked_ThenRejected_AndWithinTheSkewTheyPass()
    {
        Assert.Contains("'recordedAt' 0001-01-01", Rejection(Valid with { RecordedAt = DateTimeOffset.MinValue }));
        Assert.Contains("outside the accepted window", Rejection(Valid with { RecordedAt = Given.T0.AddDays(-3651) }));
        Assert.Contains("5 minutes ahead", Rejection(Valid with { RecordedAt = Given.T0.AddMinutes(6) }));
        IngestValidation.Check(new IngestItem("feed:T-1", "E-1", [Valid with { RecordedAt = Given.T0.AddMinutes(4) }]), new IngestChecks(Given.T0, Bounds));
        Assert.Contains("'dueBy' 9999-12-31 is outside the accepted dates", Rejection(Valid with { DueBy = DateOnly.MaxValue }));
    }

    [Fact]
    public void GivenTextThatCannotBeStored_WhenMadePrintable_ThenItIsEscapedAndCut() =>
        Assert.Equal("a\\u0000b\\uD800… (20 characters)", IngestText.Printable("a\0b\ud800" + new string('c', 16), 4));
}
