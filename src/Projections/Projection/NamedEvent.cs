namespace Fusion.Projections.Projection;

/// <summary>
/// Events this assembly has no CLR type for yet (they belong to other areas), projected by type name
/// with their fields read from the payload JSON. Each area lists the names it understands.
/// </summary>
public static class NamedEvent
{
    /// <summary>The id after the "prefix:" of a lifecycle stream key, when the event itself lacks it.</summary>
    public static string? IdFromStream(string streamKey, string prefix) =>
        streamKey.StartsWith(prefix + ":", StringComparison.Ordinal) ? streamKey[(prefix.Length + 1)..] : null;
}
