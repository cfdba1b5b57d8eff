using System.Text;
using Fusion.Connectors.Hj212;

namespace Fusion.Connectors.Tests.Hj212;

public class Hj212CrcSpecs
{
    // HJ 212-2017 appendix example: ##0101QN=20160801085857223;…;CP=&&RtdInterval=30&&1C80
    const string StandardExample = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";

    [Fact]
    public void GivenTheStandardsExampleDataSegment_WhenCrcComputed_ThenItIs1C80() =>
        Assert.Equal(0x1C80, Hj212Crc.Compute(Encoding.ASCII.GetBytes(StandardExample)));

    [Fact]
    public void GivenTheStandardsExampleDataSegment_WhenCrcComputedBitByBit_ThenItIs1C80() =>
        Assert.Equal(0x1C80, Hj212Crc.ComputeBitwise(Encoding.ASCII.GetBytes(StandardExample)));

    [Fact]
    public void GivenTheStandardsExample_ThenItsCrcIsNotCrc16Modbus()
    {
        // CRC-16/MODBUS XORs the byte into the register's low half; it gives 0759 for this segment.
        var data = Encoding.ASCII.GetBytes(StandardExample);
        ushort modbus = 0xFFFF;
        foreach (var b in data)
        {
            modbus ^= b;
            for (var i = 0; i < 8; i++) modbus = (modbus & 1) != 0 ? (ushort)((modbus >> 1) ^ 0xA001) : (ushort)(modbus >> 1);
        }
        Assert.Equal(0x0759, modbus);
        Assert.NotEqual(modbus, Hj212Crc.Compute(data));
    }

    [Fact]
    public void GivenRandomData_WhenComputedByTableAndBitByBit_ThenTheyAgree()
    {
        var random = new Random(212);
        for (var n = 0; n < 200; n++)
        {
            var data = new byte[random.Next(0, 1100)];
            random.NextBytes(data);
            Assert.Equal(Hj212Crc.ComputeBitwise(data), Hj212Crc.Compute(data));
        }
    }

    [Fact]
    public void GivenDataInSeveralSegments_WhenComputed_ThenSameAsInOne()
    {
        var data = Encoding.ASCII.GetBytes(StandardExample);
        Assert.Equal(0x1C80, Hj212Crc.Compute(Given.Segmented(data, 1, 17, 60)));
    }

    [Theory]
    [InlineData("1C80", 0x1C80)]
    [InlineData("1c80", 0x1C80)]
    [InlineData("aBcD", 0xABCD)]
    public void GivenHexDigitsInEitherCase_WhenRead_ThenTheSameValue(string digits, int expected)
    {
        Assert.True(Hj212Crc.TryParseHex(Encoding.ASCII.GetBytes(digits), out var crc));
        Assert.Equal(expected, crc);
    }

    [Theory]
    [InlineData("1C8G")]
    [InlineData("1C8")]
    [InlineData(" 1C8")]
    public void GivenSomethingElse_WhenReadAsHex_ThenNotACrc(string digits) =>
        Assert.False(Hj212Crc.TryParseHex(Encoding.ASCII.GetBytes(digits), out _));
}
