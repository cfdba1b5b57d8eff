namespace Fusion.Connectors.Hj212;

/// <summary>The protocol version in the Flag's upper six bits: 000000 HJ/T 212-2005, 000001 HJ 212-2017.</summary>
public enum Hj212Version { V2005 = 0, V2017 = 1 }

/// <summary>
/// One pollutant's fields from a CP group ("w01018-Rtd=30.1,w01018-Flag=N"). Code is as the device sent it.
/// Flag defaults to N when the device sends none (as HJ/T 212-2005 devices often do).
/// RunningStatus is "-RS" from equipment status (CN 2021).
/// </summary>
public sealed record Hj212Pollutant(
    string Code, double? Rtd = null, double? Avg = null, double? Min = null, double? Max = null, double? Cou = null,
    double? ZsRtd = null, double? ZsAvg = null, double? ZsMin = null, double? ZsMax = null,
    char Flag = 'N', int? RunningStatus = null);

/// <summary>
/// An HJ 212 data segment: header fields and the CP (command parameters). QN is absent in many 2005-style
/// uploads. Flag holds the version, whether a reply is requested (bit A) and whether the packet is one of a
/// split (bit D, with PNUM total and PNO number).
/// </summary>
public sealed record Hj212Packet(
    string? QN, string ST, string CN, string PW, string MN,
    int Flag, Hj212Version Version, bool ReplyRequested, int? PacketCount, int? PacketNumber,
    DateTimeOffset? DataTime, IReadOnlyList<Hj212Pollutant> Pollutants, IReadOnlyList<KeyValuePair<string, string>> OtherFields)
{
    public const int ReplyBit = 1;
    public const int SplitBit = 2;
}
