using System.Globalization;
using System.Security;
using System.Text;

namespace Fusion.Connectors.Gb28181;

/// <summary>Builds GB/T 28181 notification bodies in a given encoding, for the simulator, the specs and the benchmark.</summary>
public static class Gb28181Messages
{
    public static string AlarmXml(
        string deviceId, long sn, int priority, int method, DateTimeOffset alarmTime,
        string? description = null, int? alarmType = null, double? longitude = null, double? latitude = null)
    {
        var sb = new StringBuilder()
            .Append("<Notify>\r\n<CmdType>Alarm</CmdType>\r\n")
            .Append("<SN>").Append(sn.ToString(CultureInfo.InvariantCulture)).Append("</SN>\r\n")
            .Append("<DeviceID>").Append(deviceId).Append("</DeviceID>\r\n")
            .Append("<AlarmPriority>").Append(priority.ToString(CultureInfo.InvariantCulture)).Append("</AlarmPriority>\r\n")
            .Append("<AlarmMethod>").Append(method.ToString(CultureInfo.InvariantCulture)).Append("</AlarmMethod>\r\n")
            .Append("<AlarmTime>").Append(alarmTime.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)).Append("</AlarmTime>\r\n");
        if (description is not null) sb.Append("<AlarmDescription>").Append(SecurityElement.Escape(description)).Append("</AlarmDescription>\r\n");
        if (longitude is { } lon) sb.Append("<Longitude>").Append(lon.ToString(CultureInfo.InvariantCulture)).Append("</Longitude>\r\n");
        if (latitude is { } lat) sb.Append("<Latitude>").Append(lat.ToString(CultureInfo.InvariantCulture)).Append("</Latitude>\r\n");
        if (alarmType is { } t) sb.Append("<Info>\r\n<AlarmType>").Append(t.ToString(CultureInfo.InvariantCulture)).Append("</AlarmType>\r\n</Info>\r\n");
        return sb.Append("</Notify>\r\n").ToString();
    }

    public static string KeepaliveXml(string deviceId, long sn, string status = "OK") =>
        $"<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>{sn.ToString(CultureInfo.InvariantCulture)}</SN>\r\n<DeviceID>{deviceId}</DeviceID>\r\n<Status>{status}</Status>\r\n</Notify>\r\n";

    /// <summary>A document: the declaration naming the encoding, then the notification, all in that encoding.</summary>
    public static byte[] Document(string notifyXml, string encodingName = "GB2312") =>
        Gb28181Parser.EncodingNamed(encodingName).GetBytes($"<?xml version=\"1.0\" encoding=\"{encodingName}\"?>\r\n{notifyXml}");
}
