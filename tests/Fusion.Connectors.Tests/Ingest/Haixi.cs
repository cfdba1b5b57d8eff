using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Tests.Ingest;

/// <summary>A small Haixi: three county-level regions, an industrial park, two enterprises with sites and cameras, a wetland reserve.</summary>
public static class Haixi
{
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    public static readonly DateTimeOffset RegisteredAt = new(2026, 11, 1, 8, 0, 0, Beijing);
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 28, 10, 0, 0, Beijing);

    /// <summary>Credit codes made with CreditCode.Complete (division 632801 Golmud, 632802 Delingha).</summary>
    public const string SaltLake = "91632801MA7523XK8A";
    public const string SodaAsh = "91632802MA752XY011";
    /// <summary>Valid, but not registered.</summary>
    public const string Stranger = "91350100M000100Y43";

    public const double OutfallLongitude = 94.95, OutfallLatitude = 36.45;

    public static readonly MasterDataCatalog Catalog = MasterDataCatalog.Empty.ApplyAll(
    [
        new RegionRegistered("golmud", "Golmud", "格尔木市", RegionKind.City, null, 94.9033, 36.4167, RegisteredAt),
        new RegionRegistered("delingha", "Delingha", "德令哈市", RegionKind.City, null, 97.3707, 37.3747, RegisteredAt),
        new RegionRegistered("da-qaidam", "Da Qaidam", "大柴旦行委", RegionKind.AdministrativeCommittee, null, 95.3570, 37.8500, RegisteredAt),
        new RegionRegistered("golmud-park", "Golmud Industrial Park", "格尔木工业园", RegionKind.IndustrialPark, "golmud", 95.2, 36.8, RegisteredAt),
        new EnterpriseRegistered(SaltLake, "Qarhan Salt Lake Potash", "potash fertiliser", "golmud", 1_200_000_000m, 94.95, 36.45, RegisteredAt),
        new SiteRegistered("outfall-1", SaltLake, "golmud", SiteKind.Outfall, "Main outfall", OutfallLongitude, OutfallLatitude, RegisteredAt),
        new SiteRegistered("tailings-1", SaltLake, "golmud", SiteKind.TailingsPond, "North tailings pond", 94.98, 36.47, RegisteredAt),
        new CameraRegistered("cam-1", "outfall-1", SaltLake, "golmud", "63280100001320000001", RegisteredAt),
        new EnterpriseRegistered(SodaAsh, "Delingha Soda Ash", "soda ash", "delingha", 800_000_000m, 97.40, 37.38, RegisteredAt),
        new SiteRegistered("slag-2", SodaAsh, "delingha", SiteKind.SlagYard, "Slag yard", 97.40, 37.38, RegisteredAt),
        new CameraRegistered("cam-2", "slag-2", SodaAsh, "delingha", null, RegisteredAt),
        new ProtectedZoneDesignated("keluke-lake", "Keluke Lake Wetland", "可鲁克湖湿地", "wetland reserve", "delingha",
            [new(96.80, 37.20), new(97.00, 37.20), new(97.00, 37.35), new(96.80, 37.35)], RegisteredAt),
    ]);

    /// <summary>Degrees of latitude for a distance due north.</summary>
    public static double NorthBy(double metres) => metres / 111_195.0;
}
