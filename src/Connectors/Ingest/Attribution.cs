using Fusion.Domain.MasterData;
using Fusion.Domain.Common;

namespace Fusion.Connectors.Ingest;

public static class Attribution
{
    /// <summary>
    /// The enterprise and site a record is about: as the record names them (checked against master
    /// data), else the nearest site within the radius of the position, else none.
    /// </summary>
    public static (Enterprise? Enterprise, Site? Site) Resolve(RecordReader r, MasterDataCatalog catalog, GeoPoint? position, double radiusMetres)
    {
        var siteId = r.OptionalString("siteId");
        var enterpriseId = r.OptionalString("enterpriseId");
        Site? site = null;
        if (siteId is not null)
            site = catalog.Sites.GetValueOrDefault(siteId) ?? throw new RecordRejected($"site '{siteId}' is not registered in master data");
        if (enterpriseId is not null)
        {
            if (CreditCode.Problem(enterpriseId) is { } problem) throw new RecordRejected(problem);
            var enterprise = catalog.Enterprises.GetValueOrDefault(enterpriseId)
                ?? throw new RecordRejected($"enterprise '{enterpriseId}' is not registered in master data");
            if (site is not null && site.EnterpriseId != enterprise.EnterpriseId)
                throw new RecordRejected($"site '{site.SiteId}' belongs to enterprise '{site.EnterpriseId}', not '{enterpriseId}'");
            return (enterprise, site);
        }
        if (site is null && position is not null)
            site = catalog.NearestSite(position, radiusMetres);
        return site is null ? (null, null) : (catalog.Enterprises.GetValueOrDefault(site.EnterpriseId), site);
    }
}
