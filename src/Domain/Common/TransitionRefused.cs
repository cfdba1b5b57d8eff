namespace Fusion.Domain.Common;

/// <summary>
/// The command is well formed but the state it would act on does not allow it (verifying a case whose
/// work was never reported complete, delisting an enterprise that is not listed). The edge maps it to
/// 409 Conflict; an invalid command itself is <see cref="DomainRejected"/> (422).
/// </summary>
public sealed class TransitionRefused(string message) : Exception(message);
