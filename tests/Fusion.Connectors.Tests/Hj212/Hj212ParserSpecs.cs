using System.Text;
using Fusion.Connectors.Hj212;

namespace Fusion.Connectors.Tests.Hj212;

public class Hj212ParserSpecs
{
    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    static string Problem(string segment)
    {
        Assert.False(Hj212Parser.TryParse(Encoding.ASCII.GetBytes(segment), out _, out var problem));
        return problem;
    }

    [Fact]
    public void GivenThe2017RealTimeUpload_WhenParsed_ThenHeaderFlagAndValuesAreRead()
    {
        var p = Hj212Parser.Parse("QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;" +
            "CP=&&DataTime=20160801085857;w01018-Rtd=30.12,w01018-Flag=N;w21003-Rtd=1.803,w21003-Flag=N;w00000-Rtd=36.91,w00000-Flag=N&&");
        Assert.Equal(("20160801085857223", "32", "2011", "123456", "010000A8900016F000169DC0"), (p.QN, p.ST, p.CN, p.PW, p.MN));
        Assert.Equal(5, p.Flag);
        Assert.Equal(Hj212Version.V2017, p.Version);
        Assert.True(p.ReplyRequested);
        Assert.Null(p.PacketCount);
        Assert.Equal(new DateTimeOffset(2016, 8, 1, 8, 58, 57, Beijing), p.DataTime);
        Assert.Equal(
            [new Hj212Pollutant("w01018", Rtd: 30.12), new Hj212Pollutant("w21003", Rtd: 1.803), new Hj212Pollutant("w00000", Rtd: 36.91)],
            p.Pollutants);
    }

    [Fact]
    public void GivenA2005UploadWithoutQnOrFlag_WhenParsed_ThenVersion2005WithoutReplyAndFlagsDefaultToN()
    {
        var p = Hj212Parser.Parse("ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&");
        Assert.Null(p.QN);
        Assert.Equal(Hj212Version.V2005, p.Version);
        Assert.False(p.ReplyRequested);
        Assert.Equal([new Hj212Pollutant("B01", Rtd: 36.91), new Hj212Pollutant("011", Rtd: 231.0), new Hj212Pollutant("060", Rtd: 1.803)], p.Pollutants);
    }

    [Fact]
    public void GivenMinuteData_WhenParsed_ThenCountMinAvgMaxConvertedAndFlag()
    {
        var p = Hj212Parser.Parse("QN=20261128090100000;ST=31;CN=2051;PW=123456;MN=M1;Flag=4;" +
            "CP=&&DataTime=20261128090000;a21026-Cou=0.5,a21026-Min=20.1,a21026-Avg=25.3,a21026-Max=30.2,a21026-ZsMin=22,a21026-ZsAvg=36.4,a21026-ZsMax=41,a21026-Flag=N;a19001-Avg=9.8,a19001-Flag=C&&");
        Assert.False(p.ReplyRequested);
        Assert.Equal(new Hj212Pollutant("a21026", Avg: 25.3, Min: 20.1, Max: 30.2, Cou: 0.5, ZsAvg: 36.4, ZsMin: 22, ZsMax: 41), p.Pollutants[0]);
        Assert.Equal(new Hj212Pollutant("a19001", Avg: 9.8, Flag: 'C'), p.Pollutants[1]);
    }

    [Theory]
    [InlineData('N')] [InlineData('F')] [InlineData('M')] [InlineData('S')]
    [InlineData('D')] [InlineData('C')] [InlineData('T')] [InlineData('B')]
    public void GivenEachDataFlagOfTheStandard_WhenParsed_ThenKept(char flag) =>
        Assert.Equal(flag, Hj212Parser.Parse($"QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128090000;w01018-Avg=1,w01018-Flag={flag}&&").Pollutants[0].Flag);

    [Fact]
    public void GivenAFlagLetterOutsideTheStandard_WhenParsed_ThenRejectedSayingWhichAreAllowed() =>
        Assert.Equal("w01018-Flag is 'X'; a data flag is one of N, F, M, S, D, C, T, B",
            Problem("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128090000;w01018-Avg=1,w01018-Flag=X&&"));

    [Fact]
    public void GivenASplitPacket_WhenParsed_ThenPacketCountAndNumber()
    {
        var p = Hj212Parser.Parse("QN=20261128090000000;ST=32;CN=2061;PW=1;MN=M;Flag=7;PNUM=3;PNO=2;CP=&&DataTime=20261128080000;w01018-Avg=1&&");
        Assert.Equal((3, 2, true), (p.PacketCount, p.PacketNumber, p.ReplyRequested));
    }

    [Fact]
    public void GivenTheSplitBitWithoutPacketNumbers_WhenParsed_ThenRejected() =>
        Assert.Equal("Flag=6 says the packet is split, but PNUM and PNO are not both given",
            Problem("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=6;CP=&&DataTime=20261128080000;w01018-Avg=1&&"));

    [Theory]
    [InlineData(8, 2)]
    [InlineData(9, 2)]
    [InlineData(13, 3)]
    [InlineData(255, 63)]
    public void GivenAnUnknownProtocolVersion_WhenParsed_ThenRejectedWithThatReason(int flag, int version) =>
        Assert.Equal($"unknown protocol version {version} in Flag={flag}: only HJ/T 212-2005 (0) and HJ 212-2017 (1) are accepted",
            Problem($"QN=1;ST=32;CN=2061;PW=1;MN=M;Flag={flag};CP=&&DataTime=20261128080000;w01018-Avg=1&&"));

    [Theory]
    [InlineData(0, Hj212Version.V2005, false)]
    [InlineData(1, Hj212Version.V2005, true)]
    [InlineData(4, Hj212Version.V2017, false)]
    [InlineData(5, Hj212Version.V2017, true)]
    public void GivenBothHeaderVersions_WhenParsed_ThenVersionAndReplyBitRead(int flag, Hj212Version version, bool reply)
    {
        var p = Hj212Parser.Parse($"QN=1;ST=32;CN=2061;PW=1;MN=M;Flag={flag};CP=&&DataTime=20261128080000;w01018-Avg=1&&");
        Assert.Equal((version, reply), (p.Version, p.ReplyRequested));
    }

    [Theory]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4", "the data segment has no CP=&&…&& field")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128080000", "CP is not closed with && at the end of the data segment")]
    [InlineData("QN=1;CN=2061;PW=1;MN=M;Flag=4;CP=&&&&", "ST (system code) is missing")]
    [InlineData("QN=1;ST=32;PW=1;MN=M;Flag=4;CP=&&&&", "CN (command code) is missing")]
    [InlineData("QN=1;ST=32;CN=2061;MN=M;Flag=4;CP=&&&&", "PW (password) is missing")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;Flag=4;CP=&&&&", "MN (device number) is missing")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=0123456789012345678901234;Flag=4;CP=&&&&", "MN '0123456789012345678901234' is longer than 24 characters")]
    [InlineData("QN=abc;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&&&", "QN 'abc' is not a request number (digits, yyyyMMddHHmmssfff)")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=x;CP=&&&&", "Flag 'x' is not a number from 0 to 255")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&DataTime=20261332080000&&", "DataTime '20261332080000' is not a time as yyyyMMddHHmmss")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128080000;w01018-Avg=1.2.3&&", "w01018-Avg is '1.2.3', not a number")]
    [InlineData("QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128080000;w01018&&", "the CP field 'w01018' is not key=value")]
    public void GivenAMalformedDataSegment_WhenParsed_ThenRejectedInPlainWords(string segment, string problem) =>
        Assert.Equal(problem, Problem(segment));

    [Fact]
    public void GivenEquipmentStatus_WhenParsed_ThenRunningStatusPerEquipment()
    {
        var p = Hj212Parser.Parse("QN=20261128090000000;ST=32;CN=2021;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128090000;SB1-RS=1;SB2-RS=3&&");
        Assert.Equal([new Hj212Pollutant("SB1", RunningStatus: 1), new Hj212Pollutant("SB2", RunningStatus: 3)], p.Pollutants);
    }

    [Fact]
    public void GivenFieldsOtherThanValues_WhenParsed_ThenKeptAsOtherFieldsOrIgnored()
    {
        var p = Hj212Parser.Parse("QN=1;ST=32;CN=2011;PW=1;MN=M;Flag=4;CP=&&DataTime=20261128080000;RtdInterval=30;w01018-Rtd=5,w01018-SampleTime=20261128075900,w01018-Flag=N&&");
        Assert.Equal([new KeyValuePair<string, string>("RtdInterval", "30")], p.OtherFields);
        Assert.Equal(new Hj212Pollutant("w01018", Rtd: 5), Assert.Single(p.Pollutants));
    }

    [Fact]
    public void GivenAPacketBuiltByTheFrameBuilder_WhenParsed_ThenTheSameValuesComeBack()
    {
        var sent = new[]
        {
            new Hj212Pollutant("w01018", Avg: 48.25, Min: 40.5, Max: 61.125, Cou: 0.36, Flag: 'N'),
            new Hj212Pollutant("w21003", Avg: 3.3, Min: 3.1, Max: 3.9, Flag: 'M'),
        };
        var at = new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero);
        var frame = Hj212Frames.Data("MN-1", Hj212Frames.HourData, at.AddSeconds(5), at, sent);
        var data = Assert.Single(Hj212Framing.Decode(new(frame)).Frames);
        Assert.True(Hj212Parser.TryParse(data.Data, out var p, out var problem), problem);
        Assert.Equal(sent, p.Pollutants);
        Assert.Equal(at, p.DataTime);
        Assert.Equal("20261128090005000", p.QN);
        Assert.Equal((Hj212Version.V2017, true), (p.Version, p.ReplyRequested));
    }
}
