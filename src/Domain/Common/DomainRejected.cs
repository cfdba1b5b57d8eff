namespace Fusion.Domain.Common;

/// <summary>A business rule said no. The edge maps it to a 4xx problem response, never a 500.</summary>
public sealed class DomainRejected(string message) : Exception(message);
