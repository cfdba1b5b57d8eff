namespace Fusion.Connectors.Gb28181;

/// <summary>
/// What simulated GB/T 28181 cameras send: a keepalive from each every minute (all in one body, one
/// document per camera, in GB2312 as most Chinese NVRs write), and now and then an alarm. Pure and
/// deterministic for a minute; the demo posts the bodies to /api/ingest/gb28181.
/// </summary>
public static class Gb28181Simulation
{
    static readonly string[] Descriptions = ["排污口异常排放", "渣场扬尘", "尾矿库疑似倾倒", "画面遮挡", "人员闯入"];

    /// <summary>Keepalives for one minute; the cameras silent in that minute send none (an outage).</summary>
    public static byte[] Keepalives(IReadOnlyList<string> deviceCodes, long minute, Func<string, long, bool>? silent = null) =>
        deviceCodes.Where(code => silent?.Invoke(code, minute) != true)
            .SelectMany(code => Gb28181Messages.Document(Gb28181Messages.KeepaliveXml(code, minute), "GB2312"))
            .ToArray();

    /// <summary>An alarm from one of the cameras, or nothing, for one minute: about one every ten minutes.</summary>
    public static byte[]? AlarmFor(IReadOnlyList<string> deviceCodes, long minute, DateTimeOffset at)
    {
        var random = new Random(HashCode.Combine(28181, minute));
        if (deviceCodes.Count == 0 || random.Next(10) != 0) return null;
        var code = deviceCodes[random.Next(deviceCodes.Count)];
        var description = Descriptions[random.Next(Descriptions.Length)];
        return Gb28181Messages.Document(Gb28181Messages.AlarmXml(code, 1_000_000 + minute, random.Next(1, 5), 5, at, description), "GB2312");
    }
}
