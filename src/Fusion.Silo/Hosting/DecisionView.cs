using System.Globalization;
using System.Text.Json;
using JasperFx.Events;
using Marten;

namespace Fusion.Silo.Hosting;

/// <summary>
/// The view an officer's decision was taken on (measure 13): the moment of the data they looked at (the body's asOf,
/// else the moment of the decision) and the position in the store of the last event stored by then. Recorded as headers
/// of the decision's events, so a later review reads the same evidence with <c>?asOf=</c>.
/// </summary>
public sealed record DecisionView(DateTimeOffset AsOf, long SeenThrough)
{
    const string AsOfHeader = "viewAsOf";
    const string SeenThroughHeader = "viewSeenThrough";

    /// <summary>The view now, or as of the moment the caller says they looked at (not after now).</summary>
    public static async Task<DecisionView> TakeAsync(IDocumentStore store, DateTimeOffset? viewed, PlatformClock clock, CancellationToken ct)
    {
        var now = clock.Now;
        if (viewed > now.AddSeconds(1))
            throw new Fusion.Domain.Common.DomainRejected($"'asOf' is {viewed:yyyy-MM-dd HH:mm:ss zzz}, after now: the view a decision was taken on cannot lie ahead of it");
        var asOf = viewed ?? now;
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        var table = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        cmd.CommandText = viewed is null
            ? $"SELECT coalesce(max(seq_id), 0) FROM {table}"
            : $"SELECT coalesce((SELECT seq_id FROM {table} WHERE timestamp <= $1 ORDER BY seq_id DESC LIMIT 1), 0)";
        if (viewed is not null) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = asOf.ToUniversalTime() });
        return new DecisionView(asOf, (long)(await cmd.ExecuteScalarAsync(ct))!);
    }

    /// <summary>Every event the session appends carries the view.</summary>
    public void Stamp(IDocumentSession session)
    {
        // Ticks in a string: a header that looks like a date is read back as one, without its fraction of a second.
        session.SetHeader(AsOfHeader, $"utc-ticks:{AsOf.UtcTicks.ToString(CultureInfo.InvariantCulture)}");
        session.SetHeader(SeenThroughHeader, SeenThrough.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The view an event was decided on, when it carries one.</summary>
    public static DecisionView? Of(IEvent e)
    {
        if (e.Headers is not { } headers || !headers.TryGetValue(AsOfHeader, out var at) || !headers.TryGetValue(SeenThroughHeader, out var seen)) return null;
        return Text(at) is { } text && text.StartsWith("utc-ticks:", StringComparison.Ordinal)
               && long.TryParse(text["utc-ticks:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
               && long.TryParse(Text(seen), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? new DecisionView(new DateTimeOffset(ticks, TimeSpan.Zero), position)
            : null;

        static string? Text(object? value) => value switch
        {
            JsonElement { ValueKind: JsonValueKind.String } s => s.GetString(),
            JsonElement j => j.GetRawText(),
            null => null,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }
}
