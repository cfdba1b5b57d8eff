using System.Buffers;

namespace Fusion.Connectors.Hj212;

/// <summary>
/// HJ 212's own CRC-16 over the data segment: register 0xFFFF; for each byte the register becomes
/// (register &gt;&gt; 8) XOR byte, then eight shifts right, XOR 0xA001 after each shift whose dropped bit was 1.
/// Not CRC-16/MODBUS, which XORs the byte into the low half without first dropping it.
/// </summary>
public static class Hj212Crc
{
    // After the XOR the register is below 256, so the eight shifts depend on that byte alone.
    static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data) => Update(0xFFFF, data);

    public static ushort Compute(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment) return Compute(data.FirstSpan);
        ushort crc = 0xFFFF;
        foreach (var segment in data) crc = Update(crc, segment.Span);
        return crc;
    }

    static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data) crc = table[(crc >> 8) ^ b];
        return crc;
    }

    /// <summary>The bit-by-bit definition from the standard; the table is built from it and specs compare the two.</summary>
    public static ushort ComputeBitwise(ReadOnlySpan<byte> data)
    {
        var register = 0xFFFF;
        foreach (var b in data)
        {
            register = (register >> 8) ^ b;
            for (var i = 0; i < 8; i++)
            {
                var lowBitSet = (register & 1) != 0;
                register >>= 1;
                if (lowBitSet) register ^= 0xA001;
            }
        }
        return (ushort)register;
    }

    static ushort[] BuildTable()
    {
        var table = new ushort[256];
        Span<byte> one = stackalloc byte[1];
        for (var v = 0; v < 256; v++)
        {
            // ComputeBitwise of a single byte b starts from (0xFFFF >> 8) ^ b = 0xFF ^ b.
            one[0] = (byte)(0xFF ^ v);
            table[v] = ComputeBitwise(one);
        }
        return table;
    }

    /// <summary>Four upper-case hex digits, as frames carry them.</summary>
    public static void WriteHex(ushort crc, Span<byte> destination)
    {
        const string digits = "0123456789ABCDEF";
        destination[0] = (byte)digits[crc >> 12];
        destination[1] = (byte)digits[(crc >> 8) & 0xF];
        destination[2] = (byte)digits[(crc >> 4) & 0xF];
        destination[3] = (byte)digits[crc & 0xF];
    }

    /// <summary>Reads four hex digits in either letter case.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> four, out ushort crc)
    {
        crc = 0;
        if (four.Length != 4) return false;
        var value = 0;
        foreach (var c in four)
        {
            int d = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            value = (value << 4) | d;
        }
        crc = (ushort)value;
        return true;
    }
}
