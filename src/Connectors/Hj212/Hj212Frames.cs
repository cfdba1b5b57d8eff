using System.Globalization;
using System.Text;
using Fusion.Domain.Monitoring;

namespace Fusion.Connectors.Hj212;

/// <summary>
/// Builds HJ 212 frames: data segments, whole frames with length and CRC, and the data reply the platform
/// sends back. Pure; shared by the listener, the simulator, the specs and the benchmark.
/// </summary>
public static class Hj212Frames
{
    public const string RealTimeData = "2011";
    public const string EquipmentStatus = "2021";
    public const string DayData = "2031";
    public const string MinuteData = "2051";
    public const string HourData = "2061";
    public const string DataReply = "9014";
    public const string SystemInteraction = "91";

    public static string CommandFor(DataPeriod period) => period switch
    {
        DataPeriod.RealTime => RealTimeData,
        DataPeriod.Minute => MinuteData,
        DataPeriod.Hour => HourData,
        _ => DayData,
    };

    /// <summary>## + 4-digit length + data segment + CRC + CR LF.</summary>
    public static byte[] Frame(string dataSegment) => Frame(Encoding.ASCII.GetBytes(dataSegment));

    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        if (data.Length > Hj212Framing.MaxDataLength)
            throw new ArgumentException($"a data segment holds at most {Hj212Framing.MaxDataLength} bytes, not {data.Length}", nameof(data));
        var frame = new byte[Hj212Framing.HeaderLength + data.Length + Hj212Framing.TrailerLength];
        frame[0] = (byte)'#';
        frame[1] = (byte)'#';
        var length = data.Length;
        for (var i = 5; i >= 2; i--, length /= 10) frame[i] = (byte)('0' + length % 10);
        data.CopyTo(frame.AsSpan(Hj212Framing.HeaderLength));
        Hj212Crc.WriteHex(Hj212Crc.Compute(data), frame.AsSpan(Hj212Framing.HeaderLength + data.Length, 4));
        frame[^2] = (byte)'\r';
        frame[^1] = (byte)'\n';
        return frame;
    }

    /// <summary>A data segment. Flag: version in bits 2–7 (2017 = 1), bit 1 split, bit 0 reply requested.</summary>
    public static string Segment(string? qn, string st, string cn, string pw, string mn, int flag, string cp, int? packetCount = null, int? packetNumber = null)
    {
        var sb = new StringBuilder(64 + cp.Length);
        if (qn is not null) sb.Append("QN=").Append(qn).Append(';');
        sb.Append("ST=").Append(st).Append(";CN=").Append(cn).Append(";PW=").Append(pw).Append(";MN=").Append(mn)
          .Append(";Flag=").Append(flag.ToString(CultureInfo.InvariantCulture)).Append(';');
        if (packetCount is { } n && packetNumber is { } no)
            sb.Append("PNUM=").Append(n.ToString(CultureInfo.InvariantCulture)).Append(";PNO=").Append(no.ToString(CultureInfo.InvariantCulture)).Append(';');
        return sb.Append("CP=&&").Append(cp).Append("&&").ToString();
    }

    public static int FlagFor(Hj212Version version, bool replyRequested, bool split = false) =>
        ((int)version << 2) | (split ? Hj212Packet.SplitBit : 0) | (replyRequested ? Hj212Packet.ReplyBit : 0);

    /// <summary>CP of a data upload: DataTime, then one group per pollutant, fields in the standard's order.</summary>
    public static string DataCp(DateTimeOffset dataTime, IEnumerable<Hj212Pollutant> pollutants)
    {
        var sb = new StringBuilder(256).Append("DataTime=").Append(DataTime(dataTime));
        foreach (var p in pollutants)
        {
            sb.Append(';');
            var first = true;
            void Field(string suffix, string value)
            {
                if (!first) sb.Append(',');
                first = false;
                sb.Append(p.Code).Append('-').Append(suffix).Append('=').Append(value);
            }
            void Number(string suffix, double? v) { if (v is { } x) Field(suffix, x.ToString("R", CultureInfo.InvariantCulture)); }
            Number("Rtd", p.Rtd);
            Number("ZsRtd", p.ZsRtd);
            Number("Cou", p.Cou);
            Number("Min", p.Min);
            Number("Avg", p.Avg);
            Number("Max", p.Max);
            Number("ZsMin", p.ZsMin);
            Number("ZsAvg", p.ZsAvg);
            Number("ZsMax", p.ZsMax);
            if (p.RunningStatus is { } rs) Field("RS", rs.ToString(CultureInfo.InvariantCulture));
            else Field("Flag", p.Flag.ToString());
        }
        return sb.ToString();
    }

    /// <summary>A whole data-upload frame as a 2017 logger sends it.</summary>
    public static byte[] Data(string mn, string cn, DateTimeOffset sentAt, DateTimeOffset dataTime, IEnumerable<Hj212Pollutant> pollutants,
        string st = "32", string pw = "123456", bool replyRequested = true) =>
        Frame(Segment(Qn(sentAt), st, cn, pw, mn, FlagFor(Hj212Version.V2017, replyRequested), DataCp(dataTime, pollutants)));

    /// <summary>
    /// The data reply (数据应答, CN 9014, ST 91) to a frame that asked for one: the same QN, PW and MN, Flag with
    /// the request's version and no reply bit (4 for HJ 212-2017), empty CP.
    /// </summary>
    public static byte[] Reply(Hj212Packet request) =>
        Frame(Segment(request.QN, SystemInteraction, DataReply, request.PW, request.MN, FlagFor(request.Version, false), ""));

    /// <summary>QN: yyyyMMddHHmmssfff in Beijing time.</summary>
    public static string Qn(DateTimeOffset t) => t.ToOffset(Hj212Parser.Beijing).ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    /// <summary>DataTime: yyyyMMddHHmmss in Beijing time.</summary>
    public static string DataTime(DateTimeOffset t) => t.ToOffset(Hj212Parser.Beijing).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}
