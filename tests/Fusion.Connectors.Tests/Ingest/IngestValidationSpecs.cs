using System.Buffers;
using System.Text;
using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Given = Fusion.Connectors.Tests.Hj212.Given;

namespace Fusion.Connectors.Tests.Ingest;

public class IngestValidationSpecs
{
    static readonly TimeSpan Window = TimeSpan.FromDays(30);

    static IReadOnlyList<Hj212Received> Frames(DateTimeOffset dataTime, double cod) =>
        Hj212Session.ReadAll(new ReadOnlySequence<byte>(Hj212Frames.Data(Given.Mn, Hj212Frames.MinuteData, dataTime.AddSeconds(20), dataTime,
            [new Hj212Pollutant("w01018", Avg: cod), new Hj212Pollutant("w21003", Avg: 1.2)])), dataTime.AddSeconds(30));

    [Fact]
    public void GivenMinuteDataOverItsLimit_WhenTranslated_ThenTheDataCarriesItsTimeAndTheExceedanceTheStartOfItsHour()
    {
        var at = Given.T0.AddMinutes(17);
        var batch = Hj212Session.Translate(Frames(at, 80), Given.Catalog, new IngestChecks(at, Window));

        Assert.Equal([at, Given.T0], batch.Accepted.Select(a => a.Item.SourceTime));
    }

    [Fact]
    public void GivenAFrameOlderThanTheResendWindow_WhenTranslated_ThenItIsRejectedSayingSoWithItsRawBytes()
    {
        var at = Given.T0;
        var batch = Hj212Session.Translate(Frames(at, 30), Given.Catalog, new IngestChecks(at + Window + TimeSpan.FromMinutes(1), Window));

        var rejection = Assert.Single(batch.Rejected);
        Assert.Empty(batch.Accepted);
        Assert.Contains("older than the 30-day resend window", rejection.Reason);
        Assert.StartsWith("##", rejection.RawJson);
    }

    [Fact]
    public void GivenAFrameJustInsideTheResendWindow_WhenTranslated_ThenItIsAccepted() =>
        Assert.Empty(Hj212Session.Translate(Frames(Given.T0, 30), Given.Catalog, new IngestChecks(Given.T0 + Window, Window)).Rejected);

    [Fact]
    public void GivenARecordIdLongerThanTheStoreCanKey_WhenChecked_ThenRejectedSayingHowLongItMayBe()
    {
        var item = new IngestItem("camera-alarms:" + new string('x', 600), "E-1", [new object()]);

        var reason = Assert.Throws<RecordRejected>(() => IngestValidation.Check(item)).Message;

        Assert.Contains("614 characters long; at most 498", reason);
    }

    [Fact]
    public void GivenRecordsWithoutTheirOwnTime_WhenChecked_ThenNoWindowApplies() =>
        IngestValidation.Check(new IngestItem("camera-alarms:a-1", "E-1", [new object()]), new IngestChecks(Given.T0.AddYears(5), Window));
}
