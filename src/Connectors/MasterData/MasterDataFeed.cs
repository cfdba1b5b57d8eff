using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.MasterData;

/// <summary>Boundary, an outer ring of [longitude, latitude] pairs, is optional: a region may be known by its centre only.</summary>
public sealed record RegionRecord(string RegionId, string Name, string NameZh, string Kind, string? ParentRegionId, double Longitude, double Latitude,
    IReadOnlyList<double[]>? Boundary = null);
/// <summary>RetiredOn (yyyy-MM-dd, Beijing time) takes the camera out of service from that day.</summary>
public sealed record CameraRecord(string CameraId, string? DeviceCode = null, string? RetiredOn = null);
/// <summary>
/// An HJ 212 monitor; AccessPassword is its data logger's PW, stored hashed apart from the events (never in them).
/// LimitsFrom (yyyy-MM-dd) is when changed limits take effect (when posted, if absent); RetiredOn as for a camera.
/// </summary>
public sealed record MonitorRecord(string MonitorId, IReadOnlyDictionary<string, double> Limits, string? AccessPassword = null,
    string? LimitsFrom = null, string? RetiredOn = null);
public sealed record SiteRecord(string SiteId, string Kind, string Name, double Longitude, double Latitude, IReadOnlyList<CameraRecord>? Cameras = null, IReadOnlyList<MonitorRecord>? Monitors = null);
public sealed record FundAccountRecord(string AccountNumber, string? Bank = null);
/// <summary>FundAccounts and ProductionStartedOn (yyyy-MM-dd) are optional: the fund ledger uses them (measure 6).</summary>
public sealed record EnterpriseRecord(string EnterpriseId, string Name, string Industry, string RegionId, decimal AnnualSalesRevenueYuan, double Longitude, double Latitude, IReadOnlyList<SiteRecord>? Sites = null,
    IReadOnlyList<FundAccountRecord>? FundAccounts = null, string? ProductionStartedOn = null);
public sealed record ProtectedZoneRecord(string ZoneId, string Name, string NameZh, string Kind, string RegionId, IReadOnlyList<double[]> Polygon);
/// <summary>
/// From (yyyy-MM-dd, Beijing time) is when the assignment takes effect: a leader already registered and now given another
/// area or level with From is reassigned then (their assignment before ends there); without From a repeated entry is a
/// duplicate, as it always was. Until (yyyy-MM-dd) ends the assignment that day.
/// </summary>
public sealed record LeaderRecord(string LeaderId, string Name, string Title, string AreaId, string? Phone = null, string? Email = null, string? Level = null,
    string? From = null, string? Until = null);
/// <summary>From and Until as for <see cref="LeaderRecord"/>.</summary>
public sealed record CommissionerRecord(string CommissionerId, string Name, string RegionId, string? Phone = null, string? Email = null,
    string? From = null, string? Until = null);

/// <summary>An expert adviser (参事): field of expertise, organisation.</summary>
public sealed record ExpertRecord(string ExpertId, string Name, string Field, string? Organisation = null, string? Phone = null, string? Email = null);
/// <summary>An environmental steward provider (环保管家): the firm, its credit code, the parks and enterprises it serves.</summary>
public sealed record StewardRecord(string StewardId, string Name, IReadOnlyList<string> ServedAreas, string? CreditCode = null, string? Phone = null, string? Email = null);

/// <summary>The master-data document: the seed file and the body of POST /api/master-data.</summary>
public sealed record MasterDataDocument(
    IReadOnlyList<RegionRecord>? Regions = null, IReadOnlyList<EnterpriseRecord>? Enterprises = null,
    IReadOnlyList<ProtectedZoneRecord>? ProtectedZones = null, IReadOnlyList<LeaderRecord>? Leaders = null,
    IReadOnlyList<CommissionerRecord>? Commissioners = null, IReadOnlyList<ExpertRecord>? Experts = null, IReadOnlyList<StewardRecord>? Stewards = null);

/// <summary>
/// Turns a master-data document into registration events, checking each entry against what is
/// already known and what came before it in the same document (a site needs its enterprise, an
/// enterprise its region). Each entry is its own record: a bad one is rejected, the rest go on.
/// With revise (the API), an enterprise, camera or monitor already registered is the record as it stands now: what
/// differs becomes a revision event (amended, moved, limits changed, retired) keyed by the subject, its revision number
/// and the new content, so the same revision posted twice, or by two silos at once, appends once. Without (the seed,
/// loaded at every start), a known entry is a duplicate and never undoes a revision.
/// </summary>
public static class MasterDataFeed
{
    public const string Name = "master-data";

    static readonly IReadOnlyDictionary<string, RegionKind> RegionKinds = new Dictionary<string, RegionKind>
    {
        ["city"] = RegionKind.City, ["county"] = RegionKind.County,
        ["administrative-committee"] = RegionKind.AdministrativeCommittee, ["industrial-park"] = RegionKind.IndustrialPark,
    };

    static readonly IReadOnlyDictionary<string, SiteKind> SiteKinds = new Dictionary<string, SiteKind>
    {
        ["outfall"] = SiteKind.Outfall, ["tailings-pond"] = SiteKind.TailingsPond, ["slag-yard"] = SiteKind.SlagYard,
    };

    public static TranslatedBatch Translate(JsonElement body, MasterDataCatalog known, DateTimeOffset now, IngestChecks? checks = null, bool revise = true)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new RecordRejected("the body should be a JSON object with lists: regions, enterprises, protectedZones, leaders, commissioners, experts, stewards");
        var doc = new RecordReader(body);
        var catalog = known;
        var index = 0;
        var records = new List<SourceRecord<(string Section, RecordReader Entry)>>();
        foreach (var (section, idField) in Sections)
            foreach (var entry in Entries(doc, section))
                records.Add(new(index++, entry.TextOrNull(idField), () => WithoutPasswords(entry.Record), (section, entry), null));

        // Each entry is checked against what is known and what came before it in the same document.
        return IngestBatch.Translate(Name, records, record =>
        {
            var (section, entry) = record;
            try
            {
                var items = (section switch
                {
                    "regions" => Region(entry, catalog, now),
                    "enterprises" => EnterpriseWithSites(entry, catalog, now, revise),
                    "protectedZones" => [Zone(entry, catalog, now)],
                    "leaders" => Leader(entry, catalog, now),
                    "commissioners" => Commissioner(entry, catalog, now),
                    "experts" => [Expert(entry, now)],
                    _ => (IEnumerable<IngestItem>)[Steward(entry, catalog, now)],
                }).ToList();
                foreach (var item in items) IngestValidation.Check(item, checks);
                foreach (var item in items) catalog = catalog.ApplyAll(item.Events);
                return items;
            }
            catch (RecordRejected e)
            {
                throw new RecordRejected($"{section}: {e.Message}");
            }
        });
    }

    static readonly (string Section, string IdField)[] Sections =
        [("regions", "regionId"), ("enterprises", "enterpriseId"), ("protectedZones", "zoneId"), ("leaders", "leaderId"), ("commissioners", "commissionerId"),
         ("experts", "expertId"), ("stewards", "stewardId")];

    static IEnumerable<RecordReader> Entries(RecordReader doc, string section)
    {
        if (!doc.TryGet(section, out var list) || list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array) throw new RecordRejected($"'{section}' should be a list");
        return list.EnumerateArray().Select(e => new RecordReader(e));
    }

    /// <summary>
    /// A region, and its boundary when the entry has one: the boundary has its own identity (the region and the ring),
    /// so a document that repeats a known region with a boundary, or with a redrawn one, adds just the boundary.
    /// </summary>
    static IEnumerable<IngestItem> Region(RecordReader r, MasterDataCatalog catalog, DateTimeOffset now)
    {
        var id = r.String("regionId");
        var parent = r.OptionalString("parentRegionId");
        if (parent is not null && !catalog.Regions.ContainsKey(parent))
            throw new RecordRejected($"parent region '{parent}' of region '{id}' is not registered");
        var p = Positions.Read(r);
        var boundary = r.Has("boundary") ? Ring(r, "boundary", $"region '{id}'") : null;
        var items = new List<IngestItem>
        {
            new(Key("region", id), Streams.Region(id),
                [new RegionRegistered(id, r.String("name"), r.String("nameZh"), r.Choice("kind", RegionKinds), parent, p.Longitude, p.Latitude, now)]),
        };
        if (boundary is not null)
            items.Add(new(Key("region-boundary", $"{id}:{RingHash(boundary)}"), Streams.Region(id), [new RegionBoundaryDrawn(id, boundary, now)]));
        return items;
    }

    static string RingHash(IReadOnlyList<GeoPoint> ring) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join(";", ring.Select(p => FormattableString.Invariant($"{p.Longitude:R},{p.Latitude:R}"))))))[..16];

    /// <summary>A polygon's ring from a list of [longitude, latitude] pairs, each in Haixi, at least 3 points.</summary>
    static List<GeoPoint> Ring(RecordReader r, string field, string what)
    {
        if (!r.TryGet(field, out var poly) || poly.ValueKind != JsonValueKind.Array)
            throw new RecordRejected($"{what} needs '{field}', a list of [longitude, latitude] pairs");
        var ring = new List<GeoPoint>();
        foreach (var pt in poly.EnumerateArray())
        {
            if (pt.ValueKind != JsonValueKind.Array || pt.GetArrayLength() != 2 || pt[0].ValueKind != JsonValueKind.Number || pt[1].ValueKind != JsonValueKind.Number)
                throw new RecordRejected($"{what}: each {field} point should be [longitude, latitude]");
            var point = new GeoPoint(pt[0].GetDouble(), pt[1].GetDouble());
            if (Positions.Problem(point) is { } problem) throw new RecordRejected($"{what}: point {ring.Count + 1}: {problem}");
            ring.Add(point);
        }
        if (ring.Count < 3) throw new RecordRejected($"{what}: a polygon needs at least 3 points, it has {ring.Count}");
        return ring;
    }

    /// <summary>
    /// An enterprise with its sites, cameras and monitors: one item each, with its own identity, so a
    /// later document that repeats the enterprise with a new camera registers just the camera.
    /// </summary>
    static IEnumerable<IngestItem> EnterpriseWithSites(RecordReader r, MasterDataCatalog catalog, DateTimeOffset now, bool revise)
    {
        var id = r.String("enterpriseId");
        if (CreditCode.Problem(id) is { } problem) throw new RecordRejected(problem);
        var regionId = r.String("regionId");
        if (!catalog.Regions.ContainsKey(regionId)) throw new RecordRejected($"region '{regionId}' of enterprise '{id}' is not registered");
        var revenue = r.Decimal("annualSalesRevenueYuan");
        if (revenue < 0) throw new RecordRejected($"'annualSalesRevenueYuan' of enterprise '{id}' cannot be negative");
        var p = Positions.Read(r);
        var (name, industry) = (r.String("name"), r.String("industry"));
        var stream = Streams.Enterprise(id);
        var items = new List<IngestItem>
        {
            new(Key("enterprise", id), stream, [new EnterpriseRegistered(id, name, industry, regionId, revenue, p.Longitude, p.Latitude, now)]),
        };
        if (revise && catalog.Enterprises.GetValueOrDefault(id) is { } registered)
        {
            if (registered.RegionId != regionId)
                throw new RecordRejected($"'regionId' of enterprise '{id}' is '{regionId}', but it is registered in '{registered.RegionId}'; an enterprise's region cannot be amended");
            if (registered.Name != name || registered.Industry != industry || registered.AnnualSalesRevenueYuan != revenue
                || registered.Location.Longitude != p.Longitude || registered.Location.Latitude != p.Latitude)
            {
                var revision = registered.Revision + 1;
                var content = Hash(FormattableString.Invariant($"{name}\n{industry}\n{revenue:0.####}\n{p.Longitude:R}\n{p.Latitude:R}"));
                items.Add(new(Key("enterprise-amended", $"{id}:{revision}:{content}"), stream,
                    [new EnterpriseAmended(id, revision, regionId, name, industry, revenue, p.Longitude, p.Latitude, now)]));
            }
        }
        if (r.Has("productionStartedOn"))
        {
            var started = r.Date("productionStartedOn");
            if (started.Year < 1949 || started > DateOnly.FromDateTime(now.UtcDateTime).AddYears(1))
                throw new RecordRejected($"'productionStartedOn' of enterprise '{id}' is {started:yyyy-MM-dd}; that cannot be right");
            items.Add(new(Key("production-start", $"{id}:{started:yyyy-MM-dd}"), stream, [new ProductionStartRecorded(id, started, now)]));
        }
        foreach (var a in r.Array("fundAccounts"))
        {
            var account = a.String("accountNumber");
            if (account.Length > 64 || !account.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                throw new RecordRejected($"fund account '{account}' of enterprise '{id}' should be the account number: letters, digits and '-', at most 64");
            if (catalog.FundAccounts.TryGetValue(account, out var holder) && holder != id)
                throw new RecordRejected($"fund account '{account}' is already registered to enterprise '{holder}'");
            items.Add(new(Key("fund-account", account), stream, [new FundAccountRegistered(account, id, a.OptionalString("bank"), now)]));
        }
        var cameras = new HashSet<string>();
        var deviceCodes = new HashSet<string>();
        var monitors = new HashSet<string>();
        foreach (var s in r.Array("sites"))
        {
            var siteId = s.String("siteId");
            if (catalog.Sites.TryGetValue(siteId, out var existing) && existing.EnterpriseId != id)
                throw new RecordRejected($"site '{siteId}' already belongs to enterprise '{existing.EnterpriseId}'");
            var sp = Positions.Read(s);
            items.Add(new(Key("site", siteId), stream, [new SiteRegistered(siteId, id, regionId, s.Choice("kind", SiteKinds), s.String("name"), sp.Longitude, sp.Latitude, now)]));
            foreach (var c in s.Array("cameras"))
            {
                var cameraId = c.String("cameraId");
                var deviceCode = c.OptionalString("deviceCode");
                if (deviceCode is not null && (deviceCode.Length != 20 || !deviceCode.All(char.IsAsciiDigit)))
                    throw new RecordRejected($"camera '{cameraId}' has device code '{deviceCode}'; a GB/T 28181 code has 20 digits");
                if (!cameras.Add(cameraId)) throw new RecordRejected($"camera '{cameraId}' is listed twice");
                if (deviceCode is not null && (!deviceCodes.Add(deviceCode) || (catalog.CamerasByDeviceCode.TryGetValue(deviceCode, out var holder) && holder != cameraId)))
                    throw new RecordRejected($"device code '{deviceCode}' of camera '{cameraId}' already belongs to another camera");
                var retiredFrom = RetiredOn(c, $"camera '{cameraId}'", now);
                var known = catalog.Cameras.GetValueOrDefault(cameraId);
                if (known is not null && !revise && known.SiteId != siteId && known.Revision == 0)
                    throw new RecordRejected($"camera '{cameraId}' is already registered at another site");
                items.Add(new(Key("camera", cameraId), stream, [new CameraRegistered(cameraId, siteId, id, regionId, deviceCode, now)]));
                if (known is null)
                {
                    if (retiredFrom is { } from)
                        items.Add(new(Key("camera-retired", cameraId), stream, [new CameraRetired(cameraId, siteId, id, regionId, deviceCode, from, now)]));
                }
                else if (revise)
                    items.AddRange(CameraRevision(known, siteId, id, regionId, retiredFrom, now));
            }
            foreach (var m in s.Array("monitors"))
            {
                var monitorId = m.String("monitorId");
                if (!monitors.Add(monitorId)) throw new RecordRejected($"monitor '{monitorId}' is listed twice");
                var limits = Limits(m);
                var retiredFrom = RetiredOn(m, $"monitor '{monitorId}'", now);
                var limitsFrom = DateOf(m, "limitsFrom", monitorId);
                if (limitsFrom > now) throw new RecordRejected($"'limitsFrom' of monitor '{monitorId}' is {limitsFrom:yyyy-MM-dd}, a day still to come; {NotAhead}");
                var known = catalog.Monitors.GetValueOrDefault(monitorId);
                if (known is not null && !revise && known.SiteId != siteId && known.Revision == 0)
                    throw new RecordRejected($"monitor '{monitorId}' is already registered at another site");
                items.Add(new(Key("monitor", monitorId), stream, [new MonitorRegistered(monitorId, siteId, id, regionId, limits, now)]));
                if (known is null)
                {
                    if (retiredFrom is { } from)
                        items.Add(new(Key("monitor-retired", monitorId), stream, [new MonitorRetired(monitorId, siteId, id, regionId, from, now)]));
                }
                else if (revise)
                    // An entry without 'limits' (one giving a new access password, say) leaves the limits as they are.
                    items.AddRange(MonitorRevision(known, siteId, id, regionId, m.Has("limits") ? limits : new(known.Limits), limitsFrom, retiredFrom, now));
            }
        }
        return items;
    }

    /// <summary>
    /// What a known camera's entry changes: retired from a day (once: a later entry without the day, or the same day,
    /// changes nothing, and a retired camera is never moved or brought back: a device back in service gets a new id), or
    /// moved to this site (on the stream of the enterprise it now serves).
    /// </summary>
    static IEnumerable<IngestItem> CameraRevision(Camera known, string siteId, string enterpriseId, string regionId, DateTimeOffset? retiredFrom, DateTimeOffset now)
    {
        var who = $"camera '{known.CameraId}'";
        if (known.RetiredFrom is { } retired)
        {
            if (retiredFrom is { } day && day != retired)
                throw new RecordRejected($"'retiredOn' of {who}: it was retired from {retired:yyyy-MM-dd} already");
            if (known.SiteId != siteId)
                throw new RecordRejected($"'siteId' of {who}: it was retired from {retired:yyyy-MM-dd} at site '{known.SiteId}'; a retired camera does not move (register the device under a new id)");
            return [];
        }
        if (retiredFrom is { } from)
            return [new(Key("camera-retired", known.CameraId), Streams.Enterprise(known.EnterpriseId),
                [new CameraRetired(known.CameraId, known.SiteId, known.EnterpriseId, known.RegionId, known.DeviceCode, from, now)])];
        if (known.SiteId == siteId) return [];
        var revision = known.Revision + 1;
        return [new(Key("camera-moved", $"{known.CameraId}:{revision}:{siteId}"), Streams.Enterprise(enterpriseId),
            [new CameraMoved(known.CameraId, revision, siteId, enterpriseId, regionId, known.DeviceCode, known.SiteId, now)])];
    }

    /// <summary>
    /// What a known monitor's entry changes: retired from a day (as for a camera), else moved to this site and/or given other
    /// limits, in force from limitsFrom (or now); limits from a day before the latest ones took effect are refused.
    /// </summary>
    static IEnumerable<IngestItem> MonitorRevision(EmissionMonitor known, string siteId, string enterpriseId, string regionId,
        Dictionary<string, double> limits, DateTimeOffset? limitsFrom, DateTimeOffset? retiredFrom, DateTimeOffset now)
    {
        var who = $"monitor '{known.MonitorId}'";
        var sameLimits = known.Limits.Count == limits.Count && limits.All(l => known.Limits.TryGetValue(l.Key, out var v) && v == l.Value);
        if (known.RetiredFrom is { } retired)
        {
            if (retiredFrom is { } day && day != retired)
                throw new RecordRejected($"'retiredOn' of {who}: it was retired from {retired:yyyy-MM-dd} already");
            if (known.SiteId != siteId || !sameLimits)
                throw new RecordRejected($"'{(known.SiteId != siteId ? "siteId" : "limits")}' of {who}: it was retired from {retired:yyyy-MM-dd}; a retired monitor does not move or change limits (register it under a new MN)");
            return [];
        }
        if (retiredFrom is { } from)
            return [new(Key("monitor-retired", known.MonitorId), Streams.Enterprise(known.EnterpriseId),
                [new MonitorRetired(known.MonitorId, known.SiteId, known.EnterpriseId, known.RegionId, from, now)])];
        var items = new List<IngestItem>();
        var revision = known.Revision;
        if (known.SiteId != siteId)
        {
            revision++;
            items.Add(new(Key("monitor-moved", $"{known.MonitorId}:{revision}:{siteId}"), Streams.Enterprise(enterpriseId),
                [new MonitorMoved(known.MonitorId, revision, siteId, enterpriseId, regionId, known.SiteId, now)]));
        }
        if (!sameLimits)
        {
            var effective = limitsFrom ?? now;
            if (known.LimitHistory.LastOrDefault()?.From is { } latest && effective <= latest)
                throw new RecordRejected($"'limitsFrom' of {who} is {effective:yyyy-MM-dd HH:mm}, before its limits in force from {latest:yyyy-MM-dd HH:mm}; limits change forward only");
            revision++;
            var content = Hash(string.Join(";", limits.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => FormattableString.Invariant($"{l.Key}={l.Value:R}")))
                               + (limitsFrom is { } day ? $"@{day:yyyyMMdd}" : ""));
            items.Add(new(Key("monitor-limits", $"{known.MonitorId}:{revision}:{content}"), Streams.Enterprise(enterpriseId),
                [new MonitorLimitsChanged(known.MonitorId, revision, siteId, enterpriseId, regionId, limits, effective, now)]));
        }
        return items;
    }

    static DateTimeOffset? RetiredOn(RecordReader r, string who, DateTimeOffset now)
    {
        if (!r.Has("retiredOn")) return null;
        var day = r.Date("retiredOn");
        var from = Tenures.StartOf(day);
        if (day.Year < 1949) throw new RecordRejected($"'retiredOn' of {who} is {day:yyyy-MM-dd}; that cannot be right");
        if (from > now) throw new RecordRejected($"'retiredOn' of {who} is {day:yyyy-MM-dd}, a day still to come; {NotAhead}");
        return from;
    }

    // Every time an event carries lies within the ingest window (IngestBounds), which ends at now: a change is recorded when it is in force.
    const string NotAhead = "post the change on or after the day it takes effect";

    static string Hash(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)))[..16];

    /// <summary>A rejected entry's raw text for the quarantine, its monitors' access passwords left out.</summary>
    public static string WithoutPasswords(JsonElement entry)
    {
        var text = RecordReader.Raw(entry);
        if (!text.Contains("\"accessPassword\"", StringComparison.Ordinal)) return text;
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is System.Text.Json.Nodes.JsonObject o)
            {
                o.Remove("accessPassword");
                foreach (var (_, child) in o) Strip(child);
            }
            else if (n is System.Text.Json.Nodes.JsonArray a)
                foreach (var child in a) Strip(child);
        }
    }

    static Dictionary<string, double> Limits(RecordReader m)
    {
        var limits = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!m.TryGet("limits", out var obj) || obj.ValueKind == JsonValueKind.Null) return limits;
        if (obj.ValueKind != JsonValueKind.Object) throw new RecordRejected($"'limits' of monitor '{m.OptionalString("monitorId")}' should map pollutant codes to numbers");
        var reader = new RecordReader(obj);
        foreach (var p in obj.EnumerateObject()) limits[p.Name] = reader.Number(p.Name);
        return limits;
    }

    static IngestItem Zone(RecordReader r, MasterDataCatalog catalog, DateTimeOffset now)
    {
        var id = r.String("zoneId");
        var regionId = r.String("regionId");
        if (!catalog.Regions.ContainsKey(regionId)) throw new RecordRejected($"region '{regionId}' of zone '{id}' is not registered");
        var ring = Ring(r, "polygon", $"zone '{id}'");
        return new IngestItem(Key("zone", id), Streams.ProtectedZone(id),
            [new ProtectedZoneDesignated(id, r.String("name"), r.String("nameZh"), r.String("kind"), regionId, ring, now)]);
    }

    static readonly Dictionary<string, LeaderLevel?> LeaderLevels = new()
    {
        ["enterprise"] = LeaderLevel.Enterprise, ["region"] = LeaderLevel.Region, ["county"] = LeaderLevel.Region, ["prefecture"] = LeaderLevel.Prefecture,
    };

    static IEnumerable<IngestItem> Leader(RecordReader r, MasterDataCatalog catalog, DateTimeOffset now)
    {
        var id = r.String("leaderId");
        var area = r.String("areaId");
        if (!catalog.Regions.ContainsKey(area) && !catalog.Enterprises.ContainsKey(area))
            throw new RecordRejected($"area '{area}' of leader '{id}' is neither a registered region nor enterprise");
        var level = r.OptionalChoice("level", LeaderLevels);
        if (level is LeaderLevel.Enterprise != catalog.Enterprises.ContainsKey(area) && level is not null and not LeaderLevel.Prefecture)
            throw new RecordRejected($"leader '{id}' of level '{r.OptionalString("level")}' needs {(level is LeaderLevel.Enterprise ? "an enterprise" : "a region")} as area, not '{area}'");
        var (name, title, phone, email) = (r.String("name"), r.String("title"), r.OptionalString("phone"), r.OptionalString("email"));
        var known = catalog.Leaders.GetValueOrDefault(id);
        var resolvedLevel = level ?? known?.Level ?? (catalog.Enterprises.ContainsKey(area) ? LeaderLevel.Enterprise : LeaderLevel.Region);
        return Assignment($"leader '{id}'", Key("leader", id), Streams.Leader(id), known?.Tenures, area, known is not null && (known.AreaId != area || (level is not null && level != known.Level)),
            DateOf(r, "from", id), DateOf(r, "until", id), now,
            from => new LeaderAssigned(id, name, title, area, phone, email, level, from, now),
            from => new LeaderReassigned(id, name, title, area, phone, email, resolvedLevel, known!.AreaId, from, now),
            until => new LeaderAssignmentEnded(id, area, until, now));
    }

    static IEnumerable<IngestItem> Commissioner(RecordReader r, MasterDataCatalog catalog, DateTimeOffset now)
    {
        var id = r.String("commissionerId");
        var region = r.String("regionId");
        if (!catalog.Regions.ContainsKey(region)) throw new RecordRejected($"region '{region}' of commissioner '{id}' is not registered");
        var (name, phone, email) = (r.String("name"), r.OptionalString("phone"), r.OptionalString("email"));
        var known = catalog.Commissioners.GetValueOrDefault(id);
        return Assignment($"commissioner '{id}'", Key("commissioner", id), Streams.Commissioner(id), known?.Tenures, region, known is not null && known.RegionId != region,
            DateOf(r, "from", id), DateOf(r, "until", id), now,
            from => new CommissionerAssigned(id, name, region, phone, email, from, now),
            from => new CommissionerReassigned(id, name, region, phone, email, known!.RegionId, from, now),
            until => new CommissionerAssignmentEnded(id, region, until, now));
    }

    static IngestItem Expert(RecordReader r, DateTimeOffset now)
    {
        var id = r.String("expertId");
        return new IngestItem(Key("expert", id), Streams.Expert(id),
            [new ExpertRegistered(id, r.String("name"), r.String("field"), r.OptionalString("organisation"), r.OptionalString("phone"), r.OptionalString("email"), now)]);
    }

    static IngestItem Steward(RecordReader r, MasterDataCatalog catalog, DateTimeOffset now)
    {
        var id = r.String("stewardId");
        var code = r.OptionalString("creditCode");
        if (code is not null && CreditCode.Problem(code) is { } problem) throw new RecordRejected($"steward '{id}': {problem}");
        if (!r.TryGet("servedAreas", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new RecordRejected($"steward '{id}' needs 'servedAreas', a list of the parks (regions) and enterprises it serves");
        var areas = new List<string>();
        foreach (var a in list.EnumerateArray())
        {
            var area = a.ValueKind == JsonValueKind.String ? a.GetString()! : throw new RecordRejected($"steward '{id}': each served area is a region or enterprise id");
            if (!catalog.Regions.ContainsKey(area) && !catalog.Enterprises.ContainsKey(area))
                throw new RecordRejected($"served area '{area}' of steward '{id}' is neither a registered region nor enterprise");
            areas.Add(area);
        }
        return new IngestItem(Key("steward", id), Streams.Steward(id),
            [new StewardRegistered(id, r.String("name"), code, areas, r.OptionalString("phone"), r.OptionalString("email"), now)]);
    }

    static DateTimeOffset? DateOf(RecordReader r, string field, string id)
    {
        if (!r.Has(field)) return null;
        var day = r.Date(field);
        if (day.Year < 1949) throw new RecordRejected($"'{field}' of '{id}' is {day:yyyy-MM-dd}; that cannot be right");
        return Tenures.StartOf(day);
    }

    /// <summary>
    /// An assignment entry as events. The first assignment of a person has the person as its key, as it always had, so
    /// the same entry again is a duplicate; so is an undated entry naming an area the person held before (the seed or an
    /// old document again, after a reassignment). Another area from a date reassigns the person then (its key the
    /// person, date and area, so it too is a duplicate when repeated); an undated entry naming an area they never held is
    /// refused, asking for the date. Until ends the assignment that day. Dates before the latest assignment began are
    /// refused, so assignments never overlap and "who answered for it then" has one answer.
    /// </summary>
    static IEnumerable<IngestItem> Assignment(string who, string key, string stream, IReadOnlyList<Tenure>? history, string area, bool moves,
        DateTimeOffset? from, DateTimeOffset? until, DateTimeOffset now,
        Func<DateTimeOffset?, object> assigned, Func<DateTimeOffset, object> reassigned, Func<DateTimeOffset, object> ended)
    {
        if (from is { } f && until is { } u && u <= f)
            throw new RecordRejected($"{who}: 'until' {u:yyyy-MM-dd} should come after 'from' {f:yyyy-MM-dd}");
        if (from > now.AddYears(1) || until > now.AddYears(1))
            throw new RecordRejected($"{who}: an assignment's dates should be within a year from now");
        var items = new List<IngestItem>();
        Tenure? tenure;
        if (history is not { Count: > 0 })
        {
            items.Add(new IngestItem(key, stream, [assigned(from)]));
            tenure = null;
        }
        else
        {
            var latest = history[^1];
            var same = history.FirstOrDefault(t => t.AreaId == area && (from is null || t.From == from));
            if (same is not null)
            {
                // Already in the history: the first assignment's key is the person, a later one's its date and area.
                items.Add(ReferenceEquals(same, history[0]) || from is null
                    ? new IngestItem(key, stream, [assigned(from)])
                    : new IngestItem($"{key}:from:{from:yyyyMMdd}:{area}", stream, [reassigned(from!.Value)]));
                tenure = same;
            }
            else if (!moves && latest.Until is null)
            {
                items.Add(new IngestItem(key, stream, [assigned(null)]));   // holds that area now: nothing changes
                tenure = latest;
            }
            else if (from is not { } start)
                throw new RecordRejected($"{who} answers for '{latest.AreaId}'{(latest.Until is { } endedOn ? $" until {endedOn:yyyy-MM-dd}" : "")}; " +
                                         $"to assign them to '{area}' give 'from', the date it takes effect (yyyy-MM-dd)");
            else if (latest.From is { } began && start <= began)
                throw new RecordRejected($"{who} answers for '{latest.AreaId}' from {began:yyyy-MM-dd}; a reassignment from {start:yyyy-MM-dd} would come before it");
            else
            {
                items.Add(new IngestItem($"{key}:from:{start:yyyyMMdd}:{area}", stream, [reassigned(start)]));
                tenure = null;
            }
        }
        if (until is { } end)
        {
            if (tenure is { Until: { } endedOn } && endedOn != end)
                throw new RecordRejected($"{who}'s assignment to '{tenure.AreaId}' already ended on {endedOn:yyyy-MM-dd}");
            if (tenure?.From is { } began && end <= began)
                throw new RecordRejected($"{who} answers for '{tenure.AreaId}' from {began:yyyy-MM-dd}; it cannot end on {end:yyyy-MM-dd}");
            items.Add(new IngestItem($"{key}:until:{end:yyyyMMdd}", stream, [ended(end)]));
        }
        return items;
    }

    static string Key(string kind, string id) => $"{Name}:{kind}:{id}";
}
