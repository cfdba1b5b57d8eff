using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>A small slice of Haixi: Golmud with its industrial park, Delingha, two enterprises with sites and cameras.</summary>
public static class TestData
{
    public static readonly string Potash = CreditCode.Complete("91632801MA7B0001X");
    public static readonly string SodaAsh = CreditCode.Complete("91632802MA7B0002X");

    public static MasterDataDocument Haixi() => new(
        Regions:
        [
            new("GOLMUD", "Golmud", "格尔木市", "city", null, 94.90, 36.42),
            new("GOLMUD-IP", "Golmud Industrial Park", "格尔木工业园", "industrial-park", "GOLMUD", 94.95, 36.38),
            new("DELINGHA", "Delingha", "德令哈市", "city", null, 97.37, 37.37),
        ],
        Enterprises:
        [
            new(Potash, "Qarhan Potash Test Co.", "potash and salt-lake chemicals", "GOLMUD-IP", 2_400_000_000m, 94.96, 36.37,
            [
                new("S-POTASH-OUT", "outfall", "Outfall 1", 94.961, 36.371, [new("CAM-POTASH-1", "63280100001320000001")]),
                new("S-POTASH-TP", "tailings-pond", "Tailings pond 1", 94.97, 36.36, [new("CAM-POTASH-2")]),
            ]),
            new(SodaAsh, "Delingha Soda Ash Test Co.", "soda ash", "DELINGHA", 900_000_000m, 97.40, 37.35,
            [
                new("S-SODA-SLAG", "slag-yard", "Slag yard", 97.401, 37.351, [new("CAM-SODA-1")]),
            ]),
        ],
        Leaders: [new("L-GOLMUD", "Test Leader", "Mayor", "GOLMUD")]);

    public static object Alarm(string id, string camera, DateTimeOffset at, string type = "abnormal-discharge", double confidence = 0.9) =>
        new { alarmId = id, cameraId = camera, alarmType = type, confidence, occurredAt = at };

    public static object Report(string id, string siteId, DateTimeOffset at, string channel = "hotline-12369") =>
        new { reportId = id, channel, content = "Black water flowing from the outfall", receivedAt = at, siteId };
}
