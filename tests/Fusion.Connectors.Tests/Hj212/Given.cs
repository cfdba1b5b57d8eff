using System.Buffers;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Tests.Hj212;

/// <summary>Master data and times the HJ 212 and camera specs share.</summary>
public static class Given
{
    public const string Enterprise = "91632801MA752KXJ0X";
    public const string Region = "golmud";
    public const string Site = "site-outfall-1";
    public const string Mn = "010000A8900016F000169DC0";
    public const string StackMn = "010000A8900016F000169DC1";
    public const string Camera = "cam-outfall-1";
    public const string DeviceCode = "63280100001320000001";
    public static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));

    public static readonly MasterDataCatalog Catalog = MasterDataCatalog.Empty.ApplyAll(
    [
        new SiteRegistered(Site, Enterprise, Region, SiteKind.Outfall, "Outfall 1", 94.9, 36.4, T0),
        new MonitorRegistered(Mn, Site, Enterprise, Region, new Dictionary<string, double> { ["w01018"] = 50, ["w21003"] = 5 }, T0),
        new MonitorRegistered(StackMn, Site, Enterprise, Region, new Dictionary<string, double> { ["a21026"] = 35, ["a21002"] = 50, ["a34013"] = 10 }, T0),
        new CameraRegistered(Camera, Site, Enterprise, Region, DeviceCode, T0),
    ]);

    /// <summary>A sequence whose bytes lie in several segments, cut at the given offsets, as a socket may deliver them.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToArray();
        Segment? first = null, last = null;
        var start = 0;
        foreach (var end in bounds)
        {
            var segment = new Segment(bytes.AsMemory(start, end - start), last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null) first = segment; else last.Next = segment;
            last = segment;
            start = end;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex) { Memory = memory; RunningIndex = runningIndex; }
        public new Segment? Next { get => (Segment?)base.Next; set => base.Next = value; }
    }
}
