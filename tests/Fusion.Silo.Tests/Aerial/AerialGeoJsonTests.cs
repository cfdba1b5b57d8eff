using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fusion.Silo.Tests.Hosting;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Aerial;

/// <summary>Aerial findings as GeoJSON through the real host: placed by the configured distance, geometry kept on the event and in DuckDB.</summary>
public sealed class AerialGeoJsonTests
{
    static StringContent GeoJson(string body) => new(body, Encoding.UTF8, "application/geo+json");

    [Fact]
    public async Task GivenTheHost_WhenAMissionArrivesAsAFeatureCollection_ThenFindingsArePlacedAndTheirGeometriesKept()
    {
        // 1,500 m instead of the default 800 m: the polygon below starts about 1.1 km north of the slag yard.
        await using var app = await FusionApp.StartAsync(settings: new() { ["AerialAttribution:SiteRadiusMetres"] = "1500" });
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());

        var mission = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"S2-1127-01","geometry":{"type":"Polygon","coordinates":[[[97.395,37.361],[97.410,37.361],[97.410,37.370],[97.395,37.370],[97.395,37.361]]]},
               "properties":{"missionId":"S2-1127","platform":"satellite","findingType":"illegal-dumping","severity":"high","confidence":0.74,"observedAt":"2026-11-27T11:20:00+08:00"}},
              {"type":"Feature","id":"S2-1127-02","geometry":{"type":"LineString","coordinates":[[97.0,37.0],[97.1,37.1]]},
               "properties":{"platform":"satellite","findingType":"illegal-dumping","severity":"high","observedAt":"2026-11-27T11:20:00+08:00"}}]}
            """;
        var response = await http.PostAsync("/api/ingest/aerial-findings", GeoJson(mission));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await response.JsonAsync();
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        Assert.Contains("'geometry' is a LineString; a finding is a Point or a Polygon", answer.ToString());

        var again = await (await http.PostAsync("/api/ingest/aerial-findings", GeoJson(mission))).JsonAsync();
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());

        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"SELECT data::text FROM fusion.mt_events WHERE stream_id = '{SodaAsh}' AND type = 'aerial_finding_recorded'", conn);
            var stored = JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync())!).RootElement;
            Assert.Equal(("S-SODA-SLAG", "S2-1127", 0.74), (stored.GetProperty("siteId").GetString(), stored.GetProperty("missionId").GetString(), stored.GetProperty("confidence").GetDouble()));
            Assert.Equal("Polygon", JsonDocument.Parse(stored.GetProperty("geometry").GetString()!).RootElement.GetProperty("type").GetString());
        }

        await app.CaughtUpAsync();
        var rows = (await (await http.PostAsync("/api/analytics/sql", new StringContent(JsonSerializer.Serialize(new
        {
            sql = "SELECT finding_id, enterprise_id, mission_id, geometry FROM aerial_findings",
        }), Encoding.UTF8, "application/json"))).JsonAsync()).GetProperty("rows");
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal(("S2-1127-01", SodaAsh, "S2-1127"), (row.GetProperty("finding_id").GetString(), row.GetProperty("enterprise_id").GetString(), row.GetProperty("mission_id").GetString()));
        Assert.Contains("97.395", row.GetProperty("geometry").GetString());

        // A drone then sees the slag yard itself: satellite and drone are independent sources, so both become "highest",
        // and the earliest detection (the satellite's) is kept.
        var drone = new[] { new { findingId = "UAV-1128-01", platform = "drone", findingType = "illegal-dumping", severity = "high",
            longitude = 97.401, latitude = 37.352, observedAt = "2026-11-28T09:00:00+08:00" } };
        Assert.Equal(1, (await (await http.PostJsonAsync("/api/ingest/aerial-findings", drone)).JsonAsync()).GetProperty("accepted").GetInt32());
        await app.CaughtUpAsync();
        var risk = await http.GetJsonAsync($"/api/enterprises/{SodaAsh}/risk");
        var signals = risk.GetProperty("signals").EnumerateArray().ToDictionary(x => x.GetProperty("signalId").GetString()!);
        Assert.Equal(("highest", "aerial-findings/satellite"), (signals["aerial:UAV-1128-01"].GetProperty("corroboration").GetString(),
            signals["aerial:UAV-1128-01"].GetProperty("corroboratedBy")[0].GetString()));
        Assert.Equal("highest", signals["aerial:S2-1127-01"].GetProperty("corroboration").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T11:20:00+08:00"), signals["aerial:UAV-1128-01"].GetProperty("firstDetectedAt").GetDateTimeOffset());

        var csv = new ByteArrayContent("findingId\nA-1\n"u8.ToArray());
        csv.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        var refused = await http.PostAsync("/api/ingest/aerial-findings", csv);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("application/json, application/geo+json", await refused.Content.ReadAsStringAsync());
    }
}
