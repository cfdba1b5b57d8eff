using System.Buffers;
using System.Text;
using Fusion.Connectors.Hj212;

namespace Fusion.Connectors.Tests.Hj212;

public class Hj212FramingSpecs
{
    const string Example = "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n";
    static readonly byte[] A = Hj212Frames.Frame("QN=20261128090000001;ST=32;CN=2051;PW=123456;MN=A;Flag=5;CP=&&DataTime=20261128085900;w01018-Avg=12.5,w01018-Flag=N&&");
    static readonly byte[] B = Hj212Frames.Frame("QN=20261128090000002;ST=32;CN=2051;PW=123456;MN=B;Flag=5;CP=&&DataTime=20261128085900;w01018-Avg=13.5,w01018-Flag=N&&");

    static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p switch { byte[] b => b, string s => Encoding.ASCII.GetBytes(s), _ => throw new ArgumentException() }).ToArray();

    static string Text(ReadOnlySequence<byte> s) => Encoding.ASCII.GetString(s.ToArray());

    static Hj212Decoded Decode(byte[] bytes, bool isFinal = false) => Hj212Framing.Decode(new ReadOnlySequence<byte>(bytes), isFinal);

    [Fact]
    public void GivenTheStandardsExampleFrame_WhenDecoded_ThenOneFrameWithItsDataSegment()
    {
        var decoded = Decode(Bytes(Example));
        var frame = Assert.Single(decoded.Frames);
        Assert.True(frame.IsValid, frame.Problem);
        Assert.Equal(Example[6..^6], Text(frame.Data));
        Assert.Equal(Example, Text(frame.Raw));
    }

    [Fact]
    public void GivenTheCrcInLowerCase_WhenDecoded_ThenAccepted() =>
        Assert.True(Assert.Single(Decode(Bytes(Example.Replace("1C80", "1c80"))).Frames).IsValid);

    [Fact]
    public void GivenTheModbusCrcInsteadOfHj212s_WhenDecoded_ThenRejectedAsBadCrc()
    {
        var frame = Assert.Single(Decode(Bytes(Example.Replace("1C80", "0759"))).Frames);
        Assert.Equal("bad CRC: the frame says 0759 but its data segment gives 1C80", frame.Problem);
    }

    [Fact]
    public void GivenAFrameSplitAtEveryPossiblePoint_WhenTheFirstPartArrives_ThenNothingYet_AndWhenTheRest_ThenTheFrame()
    {
        var bytes = Bytes(Example);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var first = Decode(bytes[..cut]);
            Assert.Empty(first.Frames);
            var whole = Hj212Framing.Decode(Given.Segmented(bytes, cut));
            Assert.True(Assert.Single(whole.Frames).IsValid, $"cut at {cut}");
        }
    }

    [Fact]
    public void GivenAFrameInSmallSegments_WhenDecoded_ThenTheFrameAndEverythingConsumed()
    {
        var bytes = Bytes(A, B);
        var sequence = Given.Segmented(bytes, Enumerable.Range(1, bytes.Length / 7).Select(i => i * 7).ToArray());
        var decoded = Hj212Framing.Decode(sequence);
        Assert.Equal(2, decoded.Frames.Count);
        Assert.All(decoded.Frames, f => Assert.True(f.IsValid, f.Problem));
        Assert.Equal(sequence.End, decoded.Consumed);
    }

    [Fact]
    public void GivenSeveralFramesInOneRead_WhenDecoded_ThenEachInOrder()
    {
        var decoded = Decode(Bytes(A, B, A));
        Assert.Equal([Encoding.ASCII.GetString(A), Encoding.ASCII.GetString(B), Encoding.ASCII.GetString(A)], decoded.Frames.Select(f => Text(f.Raw)));
        Assert.All(decoded.Frames, f => Assert.True(f.IsValid));
    }

    [Fact]
    public void GivenTwoFramesAndHalfAThird_WhenDecoded_ThenTwoFramesAndConsumedStopsAtTheThird()
    {
        var bytes = Bytes(A, B, A[..20]);
        var decoded = Decode(bytes);
        Assert.Equal(2, decoded.Frames.Count);
        Assert.Equal(A.Length + B.Length, new ReadOnlySequence<byte>(bytes).Slice(0, decoded.Consumed).Length);
    }

    [Fact]
    public void GivenABadCrcBetweenTwoGoodFrames_WhenDecoded_ThenGoodRejectedGood()
    {
        var bad = (byte[])B.Clone();
        bad[30] = (byte)(bad[30] == (byte)'1' ? '2' : '1');
        var decoded = Decode(Bytes(A, bad, B));
        Assert.Equal(3, decoded.Frames.Count);
        Assert.True(decoded.Frames[0].IsValid);
        Assert.StartsWith("bad CRC", decoded.Frames[1].Problem);
        Assert.Equal(Encoding.ASCII.GetString(bad), Text(decoded.Frames[1].Raw));
        Assert.True(decoded.Frames[2].IsValid);
    }

    [Fact]
    public void GivenALengthFieldTooLong_WhenDecoded_ThenRejectedUpToItsLineEnd_AndTheNextFrameStillRead()
    {
        var tooLong = Encoding.ASCII.GetBytes("##0150" + Example[6..]);
        var decoded = Decode(Bytes(A, tooLong, B));
        Assert.Equal(3, decoded.Frames.Count);
        Assert.Equal("bad length: the length field says 150 data bytes but the frame holds 101", decoded.Frames[1].Problem);
        Assert.Equal(Encoding.ASCII.GetString(tooLong), Text(decoded.Frames[1].Raw));
        Assert.True(decoded.Frames[2].IsValid);
    }

    [Fact]
    public void GivenALengthFieldTooShort_WhenDecoded_ThenRejected_AndTheNextFrameStillRead()
    {
        var decoded = Decode(Bytes("##0090" + Example[6..], B));
        Assert.Equal(2, decoded.Frames.Count);
        Assert.Equal("bad length: the length field says 90 data bytes but the frame holds 101", decoded.Frames[0].Problem);
        Assert.True(decoded.Frames[1].IsValid);
    }

    [Fact]
    public void GivenALengthFieldThatIsNotDigits_WhenDecoded_ThenRejectedWithThatReason()
    {
        var decoded = Decode(Bytes("##01A1" + Example[6..], B));
        Assert.Equal("the length field '01A1' is not 4 decimal digits", decoded.Frames[0].Problem);
        Assert.True(decoded.Frames[1].IsValid);
    }

    [Fact]
    public void GivenAFrameCutOffByADeviceRestart_WhenTheNextFrameFollows_ThenTheStubIsRejectedAndTheFrameRead()
    {
        var decoded = Decode(Bytes(A[..40], B));
        Assert.Equal(2, decoded.Frames.Count);
        Assert.StartsWith("bad length", decoded.Frames[0].Problem);
        Assert.Equal(Encoding.ASCII.GetString(A[..40]), Text(decoded.Frames[0].Raw));
        Assert.True(decoded.Frames[1].IsValid);
    }

    [Fact]
    public void GivenBytesBeforeAFrame_WhenDecoded_ThenTheyAreRejectedAndTheFrameRead()
    {
        var decoded = Decode(Bytes("AT+OK", A));
        Assert.Equal("5 byte(s) outside any frame (a frame starts with ##)", decoded.Frames[0].Problem);
        Assert.True(decoded.Frames[1].IsValid);
    }

    [Fact]
    public void GivenBlankLinesBetweenFrames_WhenDecoded_ThenTheyAreSkippedSilently()
    {
        var decoded = Decode(Bytes("\r\n", A, "\r\n\r\n", B, "\r\n"));
        Assert.Equal(2, decoded.Frames.Count);
        Assert.All(decoded.Frames, f => Assert.True(f.IsValid));
    }

    [Fact]
    public void GivenHalfAFrame_WhenTheConnectionEnds_ThenItIsRejectedAsCutOff()
    {
        var decoded = Decode(Bytes(A, B[..50]), isFinal: true);
        Assert.Equal(2, decoded.Frames.Count);
        Assert.StartsWith("the connection ended inside a frame", decoded.Frames[1].Problem);
    }

    [Fact]
    public void GivenNoLineEndWithinTheLongestPossibleFrame_WhenDecoded_ThenRejectedRatherThanBufferedForever()
    {
        var junk = Bytes("##9999", new string('x', 10_100));
        var decoded = Decode(junk);
        Assert.StartsWith("no frame end", Assert.Single(decoded.Frames).Problem);
    }

    [Fact]
    public void GivenAFrameBuilt_WhenDecodedAndItsCrcRecomputed_ThenTheyAgree()
    {
        var frame = Assert.Single(Decode(A).Frames);
        Assert.True(frame.IsValid);
        Assert.Equal($"{Hj212Crc.ComputeBitwise(frame.Data.ToArray()):X4}", Encoding.ASCII.GetString(A[^6..^2]));
    }
}
