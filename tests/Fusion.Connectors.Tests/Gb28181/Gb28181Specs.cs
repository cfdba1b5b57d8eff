using System.Text;
using Fusion.Connectors.Gb28181;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.Tests.Hj212;
using Fusion.Domain;
using Fusion.Domain.Cameras;

namespace Fusion.Connectors.Tests.Gb28181;

public class Gb28181Specs
{
    static readonly DateTimeOffset AlarmTime = new(2026, 11, 28, 14, 5, 9, TimeSpan.FromHours(8));
    static readonly DateTimeOffset Received = AlarmTime.AddSeconds(2);
    const string Discharge = "排污口异常排放：疑似偷排";

    static string AlarmXml(string description = Discharge, long sn = 17430) =>
        Gb28181Messages.AlarmXml(Given.DeviceCode, sn, 1, 5, AlarmTime, description, alarmType: 2, longitude: 94.9, latitude: 36.4);

    static Gb28181Notify Only(byte[] body)
    {
        var entry = Assert.Single(Gb28181Parser.Parse(body));
        Assert.Null(entry.Problem);
        return entry.Notify!;
    }

    [Fact]
    public void GivenAnAlarmInUtf8_WhenParsed_ThenEveryFieldIsRead()
    {
        var n = Only(Gb28181Messages.Document(AlarmXml(), "UTF-8"));
        Assert.Equal(
            new Gb28181Notify("Alarm", 17430, Given.DeviceCode, null, 1, 5, 2, AlarmTime, Discharge, 94.9, 36.4),
            n);
    }

    [Theory]
    [InlineData("GB2312")]
    [InlineData("GBK")]
    [InlineData("gb18030")]
    public void GivenAnAlarmEncodedInAChineseCodePage_WhenParsed_ThenTheDescriptionDecodesCorrectly(string encoding)
    {
        var body = Gb28181Messages.Document(AlarmXml(), encoding);
        // Really encoded in the code page: the same bytes are not valid UTF-8.
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(body));
        Assert.Equal(Discharge, Only(body).AlarmDescription);
    }

    [Fact]
    public void GivenAnAlarmWithoutADeclaration_WhenParsed_ThenItIsReadAsUtf8() =>
        Assert.Equal(Discharge, Only(Encoding.UTF8.GetBytes(AlarmXml())).AlarmDescription);

    [Fact]
    public void GivenSeveralDocumentsInDifferentEncodingsInOneBody_WhenParsed_ThenEachIsDecodedByItsOwnDeclaration()
    {
        var body = Gb28181Messages.Document(AlarmXml("烟尘超标", 1), "GB2312")
            .Concat(Gb28181Messages.Document(AlarmXml("倾倒废渣", 2), "UTF-8"))
            .Concat(Gb28181Messages.Document(Gb28181Messages.KeepaliveXml(Given.DeviceCode, 3), "GBK"))
            .ToArray();
        var entries = Gb28181Parser.Parse(body);
        Assert.All(entries, e => Assert.Null(e.Problem));
        Assert.Equal(["烟尘超标", "倾倒废渣", null], entries.Select(e => e.Notify!.AlarmDescription));
        Assert.Equal(["Alarm", "Alarm", "Keepalive"], entries.Select(e => e.Notify!.CmdType));
    }

    [Fact]
    public void GivenAnAlarm_WhenTranslated_ThenCameraAlarmRaisedFromGb28181OnTheEnterprisesStream()
    {
        var item = Gb28181Feed.Translate(Only(Gb28181Messages.Document(AlarmXml(), "GB2312")), Given.Catalog, Received);
        Assert.Equal("gb28181:63280100001320000001:17430:20261128140509", item.Key);
        Assert.Equal(Streams.Enterprise(Given.Enterprise), item.StreamKey);
        Assert.Equal(
            new CameraAlarmRaised("63280100001320000001:17430:20261128140509", Given.Camera, Given.Site, Given.Enterprise, Given.Region,
                CameraAlarmType.AbnormalDischarge, 0.9, null, "gb28181", AlarmTime),
            Assert.Single(item.Events));
    }

    [Theory]
    [InlineData("烟气黑烟", 5, 2, CameraAlarmType.SmokeAndDust)]
    [InlineData("渣场倾倒", 5, 2, CameraAlarmType.IllegalDumping)]
    [InlineData(null, 5, 3, CameraAlarmType.IllegalDumping)]
    [InlineData(null, 5, 11, CameraAlarmType.Tamper)]
    [InlineData(null, 2, 1, CameraAlarmType.Tamper)]
    [InlineData(null, 2, 2, CameraAlarmType.Tamper)]
    [InlineData(null, 5, 6, CameraAlarmType.Other)]
    [InlineData(null, 6, 1, CameraAlarmType.Other)]
    public void GivenAnAlarm_WhenItsTypeIsWorkedOut_ThenDescriptionFirstThenMethodAndType(string? description, int method, int type, CameraAlarmType expected) =>
        Assert.Equal(expected, Gb28181Feed.AlarmTypeOf(new Gb28181Notify("Alarm", 1, Given.DeviceCode, null, 2, method, type, AlarmTime, description, null, null)));

    [Fact]
    public void GivenAKeepalive_WhenTranslated_ThenCameraKeepaliveReceivedOnTheCamerasStream()
    {
        var item = Gb28181Feed.Translate(Only(Gb28181Messages.Document(Gb28181Messages.KeepaliveXml(Given.DeviceCode, 43), "GB2312")), Given.Catalog, Received);
        Assert.Equal(Streams.Camera(Given.Camera), item.StreamKey);
        Assert.Equal(new CameraKeepaliveReceived(Given.Camera, Given.DeviceCode, 43, "OK", Received), Assert.Single(item.Events));
    }

    [Fact]
    public void GivenKeepalivesEveryMinute_WhenTranslated_ThenOneKeyPerStatusPerFiveMinutes()
    {
        string Key(long sn, int minute, string status = "OK") =>
            Gb28181Feed.Translate(new Gb28181Notify("Keepalive", sn, Given.DeviceCode, status, null, null, null, null, null, null, null),
                Given.Catalog, Given.T0.AddMinutes(minute)).Key;
        Assert.Equal(Key(1, 0), Key(2, 4));
        Assert.NotEqual(Key(1, 0), Key(6, 5));
        Assert.NotEqual(Key(1, 0), Key(2, 1, "ERROR"));
        Assert.Equal("gb28181-keepalive:63280100001320000001:OK:20261128T0100Z", Key(1, 0));
    }

    [Fact]
    public void GivenAnUnknownDevice_WhenTranslated_ThenRejectedWithThatReason()
    {
        var n = Only(Encoding.UTF8.GetBytes(Gb28181Messages.KeepaliveXml("34020000001320000099", 1)));
        Assert.Equal("DeviceID '34020000001320000099' is not the code of a camera registered in master data",
            Assert.Throws<RecordRejected>(() => Gb28181Feed.Translate(n, Given.Catalog, Received)).Message);
    }

    [Theory]
    [InlineData("<Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>123</DeviceID></Notify>", "DeviceID '123' is not a 20-digit GB/T 28181 code")]
    [InlineData("<Notify><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>63280100001320000001</DeviceID></Notify>", "CmdType 'Catalog' is not one this platform takes (Alarm, Keepalive)")]
    [InlineData("<Notify><CmdType>Alarm</CmdType><SN>x</SN><DeviceID>63280100001320000001</DeviceID></Notify>", "SN 'x' is missing or not a number")]
    [InlineData("<Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>63280100001320000001</DeviceID><AlarmPriority>7</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2026-11-28T14:05:09</AlarmTime></Notify>", "AlarmPriority '7' should be a whole number from 1 to 4")]
    [InlineData("<Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>63280100001320000001</DeviceID><AlarmPriority>1</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>yesterday</AlarmTime></Notify>", "AlarmTime 'yesterday' is not a time like 2026-11-28T09:30:00")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>63280100001320000001</DeviceID></Notify>", "keepalive Status '' should be OK or ERROR")]
    [InlineData("<Response><CmdType>Catalog</CmdType></Response>", "<Response> is not a <Notify>; this endpoint takes alarm and keepalive notifications")]
    public void GivenABadNotification_WhenParsed_ThenItsProblemInPlainWords(string xml, string problem) =>
        Assert.Equal(problem, Assert.Single(Gb28181Parser.Parse(Encoding.UTF8.GetBytes(xml))).Problem);

    [Fact]
    public void GivenMalformedXmlBetweenTwoGoodDocuments_WhenParsed_ThenTheGoodOnesAreStillRead()
    {
        var body = Gb28181Messages.Document(AlarmXml(sn: 1), "GB2312")
            .Concat(Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><Notify><CmdType>Alarm</Notify>"))
            .Concat(Gb28181Messages.Document(AlarmXml(sn: 3), "UTF-8"))
            .ToArray();
        var entries = Gb28181Parser.Parse(body);
        Assert.Equal(3, entries.Count);
        Assert.StartsWith("the XML is not well-formed", entries[1].Problem);
        Assert.Equal([1L, 3L], new[] { entries[0], entries[2] }.Select(e => e.Notify!.SN));
    }

    [Fact]
    public void GivenADocumentTypeDeclaration_WhenParsed_ThenRefusedRatherThanExpanded()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE Notify [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Notify><CmdType>Alarm</CmdType><SN>&x;</SN></Notify>";
        Assert.StartsWith("the XML is not well-formed", Assert.Single(Gb28181Parser.Parse(Encoding.UTF8.GetBytes(xml))).Problem);
    }

    [Fact]
    public void GivenAnEncodingThePlatformDoesNotRead_WhenParsed_ThenRejectedSayingSo() =>
        Assert.StartsWith("the XML declaration names encoding 'x-klingon'",
            Assert.Single(Gb28181Parser.Parse(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"x-klingon\"?><Notify/>"))).Problem);

    [Fact]
    public void GivenAnEmptyBody_WhenParsed_ThenOneProblemSayingSo() =>
        Assert.Equal("the body holds no <Notify> notification", Assert.Single(Gb28181Parser.Parse([])).Problem);
}
