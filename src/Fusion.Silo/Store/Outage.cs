using System.Net.Sockets;
using Npgsql;

namespace Fusion.Silo.Store;

/// <summary>
/// Tells an outage of something the platform depends on (PostgreSQL unreachable, shutting down or out of
/// resources; a timeout; the silo going away) from a failure that lies in the data. An outage passes
/// by itself, so whoever hit it retries or answers 503; a data failure does not, so a consumer parks the
/// event and the API answers 4xx.
/// </summary>
public static class Outage
{
    public const string Database = "PostgreSQL (event store)";

    /// <summary>The dependency that is out, or null when the failure is not an outage.</summary>
    public static string? Of(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p:
                    // 08 connection, 40 rollback (serialization, deadlock), 53 resources, 57 operator intervention, 58 system.
                    if (p.SqlState[..2] is "08" or "40" or "53" or "57" or "58") return Database;
                    return null;
                case NpgsqlException:
                    return Database;

                case SocketException or TimeoutException or OperationCanceledException:
                    return "a dependency (timed out or unreachable)";
                case SiloUnavailableException or OrleansMessageRejectionException:
                    return "the Orleans silo";
                case AggregateException a when a.InnerExceptions.Count > 0:
                    return a.InnerExceptions.Select(Of).FirstOrDefault(d => d is not null);
            }
        }
        return null;
    }

    public static bool Is(Exception e) => Of(e) is not null;
}
