using Fusion.Connectors.Hj212;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Monitoring;

namespace Fusion.Connectors.Tests.Hj212;

public class Hj212FeedSpecs
{
    static readonly DateTimeOffset Received = Given.T0.AddSeconds(30);

    static IReadOnlyList<IngestItem> When(string segment) =>
        Hj212Feed.Translate(Hj212Parser.Parse(segment), Given.Catalog, Received);

    static string Segment(string cn, string cp, string mn = Given.Mn, string qn = "20261128090030123") =>
        $"QN={qn};ST=32;CN={cn};PW=123456;MN={mn};Flag=5;CP=&&DataTime=20261128080000;{cp}&&";

    [Fact]
    public void GivenHourDataWithinLimits_WhenTranslated_ThenOnlyTheDataOnTheMonitorsStream()
    {
        var item = Assert.Single(When(Segment("2061", "w01018-Min=20,w01018-Avg=30.5,w01018-Max=41,w01018-Cou=2.2,w01018-Flag=N;w00000-Avg=12.1,w00000-Flag=N")));
        Assert.Equal("hj212:010000A8900016F000169DC0:20261128090030123:2061", item.Key);
        Assert.Equal(Streams.Monitor(Given.Mn), item.StreamKey);
        var e = Assert.IsType<MonitoringDataReported>(Assert.Single(item.Events));
        Assert.Equal(
            new MonitoringDataReported("010000A8900016F000169DC0:20261128090030123:2061", Given.Mn, Given.Site, Given.Enterprise, Given.Region,
                DataPeriod.Hour, "32", e.Readings, new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.FromHours(8)), Received),
            e);
        Assert.Equal([new PollutantReading("w01018", 30.5, null, 20, 41, 2.2, "N"), new PollutantReading("w00000", 12.1, null, null, null, null, "N")], e.Readings);
    }

    [Fact]
    public void GivenHourDataOverTheCodLimit_WhenTranslated_ThenEmissionLimitExceededOnTheEnterprisesStream()
    {
        var items = When(Segment("2061", "w01018-Avg=75.2,w01018-Flag=N;w21003-Avg=4.9,w21003-Flag=N"));
        Assert.Equal(2, items.Count);
        var exceedance = items[1];
        Assert.Equal(Streams.Enterprise(Given.Enterprise), exceedance.StreamKey);
        Assert.Equal("hj212-exceedance:010000A8900016F000169DC0:w01018:2061:20261128080000", exceedance.Key);
        Assert.Equal(
            new EmissionLimitExceeded("010000A8900016F000169DC0:w01018:2061:20261128080000", Given.Mn, Given.Site, Given.Enterprise, Given.Region,
                "010000A8900016F000169DC0:20261128090030123:2061", "w01018", "COD", "mg/L", DataPeriod.Hour, 75.2, 50, "N",
                new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.FromHours(8))),
            Assert.Single(exceedance.Events));
    }

    [Fact]
    public void GivenFlueGasWhoseConvertedValueIsOverTheLimit_WhenTranslated_ThenTheConvertedValueIsWhatExceeds()
    {
        var items = When(Segment("2061", "a21026-Avg=30,a21026-ZsAvg=41.5,a21026-Flag=N;a21002-Avg=60,a21002-ZsAvg=45,a21002-Flag=N", mn: Given.StackMn));
        var e = Assert.IsType<EmissionLimitExceeded>(Assert.Single(items.Skip(1).Single().Events));
        Assert.Equal(("a21026", "SO2", 41.5, 35.0), (e.PollutantCode, e.PollutantName, e.Value, e.Limit));
    }

    [Theory]
    [InlineData("F")] [InlineData("M")] [InlineData("D")] [InlineData("C")] [InlineData("B")]
    public void GivenAValueOverTheLimitFlaggedAsNotMeasuring_WhenTranslated_ThenNoExceedance(string flag) =>
        Assert.Single(When(Segment("2061", $"w01018-Avg=99,w01018-Flag={flag}")));

    [Theory]
    [InlineData("S")] [InlineData("T")]
    public void GivenAValueOverTheLimitSetManuallyOrAboveRange_WhenTranslated_ThenItExceeds(string flag) =>
        Assert.Equal(2, When(Segment("2061", $"w01018-Avg=99,w01018-Flag={flag}")).Count);

    [Fact]
    public void GivenAValueExactlyAtTheLimit_WhenTranslated_ThenNoExceedance() =>
        Assert.Single(When(Segment("2061", "w01018-Avg=50,w01018-Flag=N")));

    [Fact]
    public void GivenTheSameFrameTwice_WhenTranslated_ThenTheSameKeysSoTheSecondAppendsNothing()
    {
        var segment = Segment("2061", "w01018-Avg=75.2,w01018-Flag=N");
        Assert.Equal(When(segment).Select(i => i.Key), When(segment).Select(i => i.Key));
    }

    [Fact]
    public void GivenTheSameHourSentAgainWithAnotherQn_WhenTranslated_ThenANewReportButTheSameExceedance()
    {
        var first = When(Segment("2061", "w01018-Avg=75.2,w01018-Flag=N", qn: "20261128090030123"));
        var again = When(Segment("2061", "w01018-Avg=75.2,w01018-Flag=N", qn: "20261128091500000"));
        Assert.NotEqual(first[0].Key, again[0].Key);
        Assert.Equal(first[1].Key, again[1].Key);
    }

    [Fact]
    public void GivenMinuteExceedancesInTheSameHour_WhenTranslated_ThenOneExceedanceKeyForTheHour()
    {
        string Minute(int m) => $"QN=2026112808{m:00}30000;ST=32;CN=2051;PW=1;MN={Given.Mn};Flag=5;CP=&&DataTime=2026112808{m:00}00;w01018-Avg=80,w01018-Flag=N&&";
        var keys = Enumerable.Range(0, 60).Select(m => Hj212Feed.Translate(Hj212Parser.Parse(Minute(m)), Given.Catalog, Received)[1].Key).Distinct();
        Assert.Equal("hj212-exceedance:010000A8900016F000169DC0:w01018:2051:2026112808", Assert.Single(keys));
    }

    [Fact]
    public void GivenA2005UploadWithOldCodes_WhenTranslated_ThenCodesBecome2017CodesAndAreComparedWithLimits()
    {
        var items = Hj212Feed.Translate(
            Hj212Parser.Parse($"ST=32;CN=2011;PW=123456;MN={Given.Mn};CP=&&DataTime=20261128080000;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&"),
            Given.Catalog, Received);
        var data = Assert.IsType<MonitoringDataReported>(items[0].Events[0]);
        Assert.Equal("hj212:010000A8900016F000169DC0:T20261128080000:2011", items[0].Key);
        Assert.Equal(["w00000", "w01018", "w21003"], data.Readings.Select(r => r.Code));
        var e = Assert.IsType<EmissionLimitExceeded>(items[1].Events[0]);
        Assert.Equal(("w01018", 231.0, DataPeriod.RealTime), (e.PollutantCode, e.Value, e.Period));
    }

    [Fact]
    public void GivenOnePacketOfASplit_WhenTranslated_ThenItsNumberIsPartOfTheReportId()
    {
        var p = Hj212Parser.Parse($"QN=20261128090030123;ST=32;CN=2061;PW=1;MN={Given.Mn};Flag=7;PNUM=2;PNO=2;CP=&&DataTime=20261128080000;w01018-Avg=1&&");
        Assert.Equal("hj212:010000A8900016F000169DC0:20261128090030123:2061:2", Hj212Feed.Translate(p, Given.Catalog, Received)[0].Key);
    }

    [Fact]
    public void GivenEquipmentStatus_WhenTranslated_ThenEquipmentStatusReportedOnTheMonitorsStream()
    {
        var item = Assert.Single(When(Segment("2021", "SB1-RS=1;SB2-RS=3")));
        var e = Assert.IsType<EquipmentStatusReported>(Assert.Single(item.Events));
        Assert.Equal([new EquipmentStatus("SB1", 1), new EquipmentStatus("SB2", 3)], e.Statuses);
        Assert.Equal(Streams.Monitor(Given.Mn), item.StreamKey);
    }

    [Fact]
    public void GivenAnUnknownMn_WhenTranslated_ThenRejectedWithThatReason() =>
        Assert.Equal("MN 'NOT-REGISTERED' is not a monitor registered in master data",
            Assert.Throws<RecordRejected>(() => When(Segment("2061", "w01018-Avg=1", mn: "NOT-REGISTERED"))).Message);

    [Fact]
    public void GivenACommandThatIsNotADataUpload_WhenTranslated_ThenRejectedWithThatReason() =>
        Assert.StartsWith("CN 1011 is not a data upload",
            Assert.Throws<RecordRejected>(() => When(Segment("1011", "SystemTime=20261128080000"))).Message);

    [Fact]
    public void GivenDataWithoutDataTime_WhenTranslated_ThenRejected() =>
        Assert.StartsWith("CP has no DataTime",
            Assert.Throws<RecordRejected>(() => When($"QN=1;ST=32;CN=2061;PW=1;MN={Given.Mn};Flag=4;CP=&&w01018-Avg=1&&")).Message);
}
