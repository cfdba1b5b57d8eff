using Fusion.Domain.Common;

namespace Fusion.Connectors.Ingest;

/// <summary>The severity names every feed takes.</summary>
public static class Severities
{
    public static readonly IReadOnlyDictionary<string, Severity> Names = new Dictionary<string, Severity>
    {
        ["low"] = Severity.Low, ["medium"] = Severity.Medium, ["high"] = Severity.High, ["critical"] = Severity.Critical,
    };
}
