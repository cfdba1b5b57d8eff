using Marten;
using Marten.Services;
using Npgsql;

namespace Fusion.Silo.Store;

/// <summary>
/// What the store's commands leave in the log, for the operator: a failed command with its SQL and the reason, never its
/// parameter values (they are what clients sent, events' payloads among them); a value PostgreSQL itself refused (SQLSTATE
/// class 22: a NUL character in text, a number out of range), which the host answers with a 400 naming it, as a warning,
/// since the fault is the sender's; everything else that fails as an error. Successful commands are not logged.
/// </summary>
public sealed class StoreLog(ILogger<StoreLog> log) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => log.LogInformation("Store schema changed:\n{Sql}", sql);

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(ex, command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception ex) =>
        Failed(ex, string.Join(";\n", batch.BatchCommands.Select((NpgsqlBatchCommand c) => c.CommandText).Distinct()));

    public void LogFailure(Exception ex, string message) => Failed(ex, message);

    /// <summary>Failures already logged: Marten reports a failed batch, then the same exception again without its command.</summary>
    readonly System.Runtime.CompilerServices.ConditionalWeakTable<Exception, object> _logged = [];

    void Failed(Exception ex, string what)
    {
        if (!_logged.TryAdd(ex, this)) return;
        var where = string.IsNullOrWhiteSpace(what) ? "" : $" in:\n{what}";
        if (RefusedValue(ex) is { } refused)
            log.LogWarning("The store refused a value ({SqlState}: {Reason}){Where}", refused.SqlState, refused.MessageText, where);
        else
            log.LogError(ex, "A store command failed{Where}", where);
    }

    public void LogSuccess(NpgsqlCommand command) { }
    public void LogSuccess(NpgsqlBatch batch) { }
    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }
    public void OnBeforeExecute(NpgsqlCommand command) { }
    public void OnBeforeExecute(NpgsqlBatch batch) { }

    /// <summary>
    /// PostgreSQL refusing a value itself (SQLSTATE class 22, data exception), wherever in the chain Marten or Npgsql
    /// wrapped it: a request's own value, not a fault of the platform.
    /// </summary>
    public static PostgresException? RefusedValue(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: var state } pg && state.StartsWith("22", StringComparison.Ordinal)) return pg;
        return null;
    }
}
