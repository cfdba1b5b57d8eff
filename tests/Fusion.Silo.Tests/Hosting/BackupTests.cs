using System.Diagnostics;
using static Fusion.Silo.Tests.Hosting.FusionApp;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Hosting;

/// <summary>
/// `./fusion backup` (pg_dump) of a platform's database and `./fusion restore` (pg_restore) into an empty database: a host
/// started on the restored store, with no analytics file of its own, rebuilds its projections from the events and gives
/// the same answers — scores with their signals, analytics, cases, warnings and the boards.
/// </summary>
public sealed class BackupTests
{
    static readonly string[] Questions =
    [
        $"/api/enterprises/{Potash}/risk", $"/api/enterprises/{SodaAsh}/risk", "/api/regions", "/api/cases", "/api/warnings",
        "/api/analytics/queries/top-enterprises?from=2026-11-26&to=2026-11-29&by=signals",
        "/api/analytics/queries/signal-mix?from=2026-11-26&to=2026-11-29",
        $"/api/enterprises/{Potash}/credit",
    ];

    [Fact]
    public async Task GivenABackup_WhenRestoredIntoAnEmptyDatabase_ThenTheRebuiltProjectionsGiveTheSameAnswers()
    {
        var original = await TestDatabase.CreateAsync();
        var before = new List<string>();
        await using (var app = await FusionApp.StartAsync(original))
        {
            var http = app.CreateClient();
            await http.PostJsonAsync("/api/master-data", Haixi());
            await http.PostJsonAsync("/api/ingest/camera-alarms", Enumerable.Range(0, 12).Select(i => Alarm($"B-{i}", i % 2 == 0 ? "CAM-POTASH-1" : "CAM-SODA-1", T0.AddHours(-20 + i))).ToArray());
            await http.PostJsonAsync("/api/ingest/public-reports", new[] { Report("BR-1", "S-POTASH-OUT", T0.AddHours(-3)) });
            await http.PostJsonAsync("/api/ingest/inspection-findings", new[]
            {
                new { findingId = "BF-1", enterpriseId = Potash, siteId = "S-POTASH-TP", violation = "Seepage at the tailings pond", severity = "high", rectifyBy = "2026-12-20", recordedBy = "Inspector Wang", recordedAt = T0.AddHours(-2) },
            });
            await app.CaughtUpAsync();
            foreach (var q in Questions) before.Add((await http.GetJsonAsync(q)).GetRawText());
        }

        var folder = Directory.CreateTempSubdirectory("fusion-backup-");
        using var removed = new Removed(folder);
        var file = Path.Combine(folder.FullName, "fusion.dump");
        await FusionAsync(original, "backup", file);
        Assert.True(new FileInfo(file).Length > 0);
        var restored = await TestDatabase.CreateAsync();
        await FusionAsync(restored, "restore", file);
        // A restore never mixes with what is there.
        var refused = await FusionAsync(restored, "restore", file, expectFailure: true);
        Assert.Contains("not empty", refused);

        await using (var app = await FusionApp.StartAsync(restored))
        {
            var http = app.CreateClient();
            (await http.PostAsync("/api/boards/rebuild", null)).EnsureSuccessStatusCode();
            await app.CaughtUpAsync();
            var after = new List<string>();
            foreach (var q in Questions) after.Add((await http.GetJsonAsync(q)).GetRawText());
            for (var i = 0; i < Questions.Length; i++) Assert.True(before[i] == after[i], $"{Questions[i]}:\nbefore {before[i]}\nafter  {after[i]}");
        }
    }

    /// <summary>Runs ./fusion with the database named in ConnectionStrings__Fusion; its standard error.</summary>
    static async Task<string> FusionAsync(string connection, string verb, string file, bool expectFailure = false)
    {
        var root = RepositoryRoot();
        var info = new ProcessStartInfo(Path.Combine(root, "fusion"), [verb, file]) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.Environment["ConnectionStrings__Fusion"] = connection;
        info.Environment.Remove("FUSION_PG");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await stderr;
        Assert.True(expectFailure ? process.ExitCode != 0 : process.ExitCode == 0, $"./fusion {verb} exited {process.ExitCode}: {text}");
        return text;
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FusionPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (FusionPlatform.sln) is not above the test binaries.");
    }

    /// <summary>Removes the dump's folder when the test ends, passed or failed.</summary>
    sealed class Removed(DirectoryInfo folder) : IDisposable
    {
        public void Dispose() => folder.Delete(recursive: true);
    }
}
