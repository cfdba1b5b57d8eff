using Fusion.Connectors.Simulation;

namespace Fusion.Connectors.Tests.Simulation;

/// <summary>The committed seed file, found from the test's output folder up to the solution folder.</summary>
static class SeedFile
{
    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "FusionPlatform.sln")))
                    return System.IO.Path.Combine(dir.FullName, HaixiSeed.RelativePath);
            throw new InvalidOperationException($"FusionPlatform.sln not found above {AppContext.BaseDirectory}");
        }
    }
}
