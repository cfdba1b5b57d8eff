using System.Net;
using System.Text;
using Fusion.Silo.Security;
using Fusion.Silo.Tests.Hosting;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Security;

/// <summary>Machines push with a key of their own: stored hashed, limited to its feeds, refused once revoked.</summary>
public sealed class ConnectorKeyTests
{
    [Fact]
    public async Task GivenAKeyForCameraAlarms_ThenItPushesAlarms_IsRefusedOtherFeedsAndEverythingElse_AndNothingOnceRevoked()
    {
        await using var app = await FusionApp.StartAsync();
        var admin = app.ClientAs(Roles.Admin, "运维 admin");
        (await admin.PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();

        var issued = await admin.PostJsonAsync("/api/connector-keys", new { name = "NVR platform, Golmud park", feeds = new[] { "camera-alarms", "gb28181" } });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = (await issued.JsonAsync()).GetProperty("key").GetString()!;
        var id = (await issued.JsonAsync()).GetProperty("id").GetString()!;
        var machine = app.AnonymousClient();
        machine.DefaultRequestHeaders.Add(ConnectorKeys.Header, key);

        var pushed = await machine.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-KEY-1", "CAM-POTASH-1", FusionApp.T0.AddHours(-1)) });
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        Assert.Equal(1, (await pushed.JsonAsync()).GetProperty("accepted").GetInt32());

        var otherFeed = await machine.PostJsonAsync("/api/ingest/fund-deposits", Array.Empty<object>());
        Assert.Equal(HttpStatusCode.Forbidden, otherFeed.StatusCode);
        Assert.Contains("admits the feeds camera-alarms, gb28181; not fund-deposits", (await otherFeed.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync("/api/regions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.PostJsonAsync("/api/master-data", Haixi())).StatusCode);

        // Only the hash is kept: the secret is nowhere in the database.
        var secret = key[(key.IndexOf('_', 3) + 1)..];
        await using (var db = new NpgsqlConnection(app.ConnectionString))
        {
            await db.OpenAsync();
            await using var all = new NpgsqlCommand("select count(*) from mt_doc_connectorkey where data::text like '%' || @s || '%'", db) { Parameters = { new("s", secret) } };
            Assert.Equal(0L, await all.ExecuteScalarAsync());
        }
        var listed = await admin.GetJsonAsync("/api/connector-keys");
        Assert.DoesNotContain("secretHash", listed.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("NVR platform, Golmud park", listed[0].GetProperty("name").GetString());

        (await admin.PostAsync($"/api/connector-keys/{id}/revoke", null)).EnsureSuccessStatusCode();
        var revoked = await machine.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-KEY-2", "CAM-POTASH-1", FusionApp.T0) });
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("revoked", (await revoked.JsonAsync()).GetProperty("detail").GetString());

        var forged = app.AnonymousClient();
        forged.DefaultRequestHeaders.Add(ConnectorKeys.Header, $"fk_{id}_not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsync("/api/ingest/camera-alarms", new StringContent("[]", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task AKeyNeedsKnownFeeds_AndOnlyAnAdminIssuesOne()
    {
        await using var app = await FusionApp.StartAsync();

        var unknown = await app.ClientAs(Roles.Admin).PostJsonAsync("/api/connector-keys", new { name = "x", feeds = new[] { "camera-alarms", "tweets" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("there is no feed 'tweets'", (await unknown.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Roles.Connector).PostJsonAsync("/api/connector-keys", new { name = "x", feeds = new[] { "hj212" } })).StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocument_DeclaresTheBearerScheme_AndEachProtectedOperationItsRoles()
    {
        await using var app = await FusionApp.StartAsync();

        var doc = await app.AnonymousClient().GetJsonAsync("/openapi/v1.json");

        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var sql = doc.GetProperty("paths").GetProperty("/api/analytics/sql").GetProperty("post");
        Assert.True(sql.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.Contains("Roles: analyst.", sql.GetProperty("description").GetString());
        Assert.False(doc.GetProperty("paths").GetProperty("/api/blacklist").GetProperty("get").TryGetProperty("security", out _));

        // A connector's key beside the bearer token, offered where a connector may call.
        var key = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (key.GetProperty("type").GetString(), key.GetProperty("in").GetString(), key.GetProperty("name").GetString()));
        var ingest = doc.GetProperty("paths").GetProperty("/api/ingest/camera-alarms").GetProperty("post").GetProperty("security").EnumerateArray().ToList();
        Assert.Contains(ingest, r => r.TryGetProperty("Bearer", out _));
        Assert.Contains(ingest, r => r.TryGetProperty("ApiKey", out _));
        Assert.DoesNotContain(sql.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("ApiKey", out _));
    }
}
