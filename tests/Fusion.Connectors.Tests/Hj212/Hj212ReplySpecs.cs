using System.Text;
using Fusion.Connectors.Hj212;

namespace Fusion.Connectors.Tests.Hj212;

public class Hj212ReplySpecs
{
    [Fact]
    public void GivenTheStandardsExampleAskingForAReply_WhenTheReplyIsBuilt_ThenDataReplyWithSameQnPwMnFlag4AndEmptyCp()
    {
        var request = Hj212Parser.Parse("QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&");
        var reply = Encoding.ASCII.GetString(Hj212Frames.Reply(request));
        // Length 87 and CRC 71C0 worked out independently of the code under test.
        Assert.Equal("##0087QN=20160801085857223;ST=91;CN=9014;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&71C0\r\n", reply);
    }

    [Fact]
    public void GivenAReply_WhenDecodedAndParsed_ThenItIsAWellFormedFrameThatAsksForNoReply()
    {
        var request = Hj212Parser.Parse("QN=20261128090100123;ST=31;CN=2051;PW=654321;MN=MN-7;Flag=5;CP=&&DataTime=20261128090000;a21026-Avg=1&&");
        var frame = Assert.Single(Hj212Framing.Decode(new(Hj212Frames.Reply(request))).Frames);
        Assert.True(frame.IsValid, frame.Problem);
        Assert.True(Hj212Parser.TryParse(frame.Data, out var reply, out _));
        Assert.Equal(("20261128090100123", "91", "9014", "654321", "MN-7", 4, false), (reply.QN, reply.ST, reply.CN, reply.PW, reply.MN, reply.Flag, reply.ReplyRequested));
        Assert.Empty(reply.Pollutants);
    }

    [Fact]
    public void GivenA2005FrameAskingForAReply_WhenTheReplyIsBuilt_ThenItKeepsVersion2005()
    {
        var request = Hj212Parser.Parse("QN=20261128090100123;ST=32;CN=2051;PW=1;MN=M;Flag=1;CP=&&DataTime=20261128090000;011-Avg=1&&");
        Assert.Contains(";Flag=0;CP=&&&&", Encoding.ASCII.GetString(Hj212Frames.Reply(request)));
    }
}
