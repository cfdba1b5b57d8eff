using System.Text.Json;
using System.Text.RegularExpressions;
using Apache.Arrow.Ipc;
using DuckDB.NET.Data;
using Fusion.Projections.Formats;
using Fusion.Projections.Projection;

namespace Fusion.Projections.Queries;

/// <param name="MaxConcurrent">
/// Queries started through <see cref="AnalyticsQueryRunner.StartAsync"/> whose DuckDB work has not ended — running,
/// streaming, or abandoned at the time limit or by a client that went away — beyond which a new one is refused as busy.
/// </param>
public sealed record QueryLimits(TimeSpan Timeout, int MaxRows, int MaxConcurrent = 4)
{
    public static readonly QueryLimits Default = new(TimeSpan.FromSeconds(30), 1_000_000);
}

/// <summary>
/// Runs named queries and analysts' SQL against the current analytics database: one read-only
/// SELECT, inside a READ ONLY transaction, on an instance whose external access is off and locked,
/// cut off after the time limit, at most MaxRows rows.
/// </summary>
public sealed class AnalyticsQueryRunner(Func<AnalyticsDatabase> database, QueryLimits limits)
{
    public QueryLimits Limits => limits;

    /// <summary>Accepts exactly one SELECT statement (DuckDB's parser decides); anything else is refused with the reason.</summary>
    public BoundQuery CheckSql(string? sql)
    {
        var text = (sql ?? "").Trim().TrimEnd(';').Trim();
        if (text.Length == 0) throw AnalyticsQueryException.BadRequest("The SQL is empty.");
        using var c = database().Connect();
        using var cmd = c.CreateCommand();
        // json_serialize_sql takes only a constant: the text goes in as a literal, its quotes doubled.
        cmd.CommandText = $"SELECT json_serialize_sql('{text.Replace("'", "''")}')";
        using var parsed = JsonDocument.Parse((string)cmd.ExecuteScalar()!);
        var root = parsed.RootElement;
        if (root.GetProperty("error").GetBoolean())
        {
            var type = root.TryGetProperty("error_type", out var t) ? t.GetString() : null;
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : "the SQL could not be parsed";
            if (type == "not implemented" || message?.Contains("Only SELECT", StringComparison.OrdinalIgnoreCase) == true)
                throw AnalyticsQueryException.Forbidden(
                    $"{FirstKeyword(text)} statements are refused: analytics SQL is read-only, one SELECT query at a time (no ATTACH, COPY, INSTALL, LOAD, SET, PRAGMA or writes).");
            throw AnalyticsQueryException.BadRequest(message ?? "the SQL could not be parsed");
        }
        var statements = root.GetProperty("statements").GetArrayLength();
        if (statements != 1)
            throw AnalyticsQueryException.Forbidden($"The SQL holds {statements} statements; send one SELECT query at a time.");
        return new BoundQuery("sql", text, []);
    }

    /// <summary>
    /// Starts the query: planning and binding errors surface here (before any response is written);
    /// the rows are then streamed by <see cref="QueryRun.WriteToAsync"/>.
    /// </summary>
    public QueryRun Start(BoundQuery query, ResultFormat format, CancellationToken ct = default)
    {
        var db = database();
        var run = new QueryRun(db.Connect(), format, limits, this);
        try
        {
            run.Begin(query, db.ExportDirectory, ct);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Start"/> with the time limit held for every query shape: DuckDB cannot interrupt some work (a scalar
    /// function over one huge value, a constant folded while planning), so the answer does not wait for it — at the
    /// limit the query is refused as too long and left to end on DuckDB's own threads (bounded by its memory limit and
    /// thread count), its connection closed when it does (<see cref="Abandoned"/> counts those still running).
    /// </summary>
    /// <remarks>
    /// At most <see cref="QueryLimits.MaxConcurrent"/> such queries hold DuckDB at once (abandoned ones included, until
    /// their work ends); one more is refused with <see cref="QueryProblem.Busy"/>. A caller that cancels
    /// <paramref name="ct"/> (a client gone) interrupts the query and is not waited for either.
    /// </remarks>
    /// <param name="counted">False for the platform's own queries (board refresh, analytical warning rules): they keep the time limit but are never refused as busy.</param>
    public async Task<QueryRun> StartAsync(BoundQuery query, ResultFormat format, CancellationToken ct = default, bool counted = true)
    {
        if (counted && !TryEnter())
            throw AnalyticsQueryException.Busy($"{limits.MaxConcurrent} analytics queries are running already (those past their time limit or left by their client count until DuckDB ends them); try again shortly.");
        QueryRun run;
        AnalyticsDatabase db;
        try
        {
            db = database();
            run = new QueryRun(db.Connect(), format, limits, this, holdsSlot: counted);
        }
        catch
        {
            if (counted) Leave();
            throw;
        }
        var begin = Task.Run(() => run.Begin(query, db.ExportDirectory, ct), CancellationToken.None);
        try
        {
            await run.WithinLimitAsync(begin, ct);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    int inFlight;

    /// <summary>Queries started by <see cref="StartAsync"/> whose DuckDB work has not ended (abandoned ones included).</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    bool TryEnter()
    {
        for (var seen = Volatile.Read(ref inFlight); seen < limits.MaxConcurrent; seen = Volatile.Read(ref inFlight))
            if (Interlocked.CompareExchange(ref inFlight, seen + 1, seen) == seen) return true;
        return false;
    }

    internal void Leave() => Interlocked.Decrement(ref inFlight);

    int abandoned;

    /// <summary>Queries answered as too long whose DuckDB work has not ended yet.</summary>
    public int Abandoned => Volatile.Read(ref abandoned);

    internal void Abandon(Task work)
    {
        Interlocked.Increment(ref abandoned);
        work.ContinueWith(_ => Interlocked.Decrement(ref abandoned), TaskScheduler.Default);
    }

    static string FirstKeyword(string sql)
    {
        var m = Regex.Match(sql, @"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*([A-Za-z_]+)", RegexOptions.Singleline);
        return m.Success ? m.Groups[1].Value.ToUpperInvariant() : "Such";
    }
}

/// <summary>One running query: its connection, read-only transaction, time limit and result.</summary>
public sealed class QueryRun : IDisposable
{
    readonly DuckDBConnection _connection;
    readonly ResultFormat _format;
    readonly QueryLimits _limits;
    DuckDBCommand? _command;
    Timer? _timer;
    CancellationTokenRegistration _cancel;
    volatile bool _timedOut;
    DuckDBDataReader? _reader;
    IArrowArrayStream? _arrow;
    string? _parquetFile;
    readonly HashSet<string> _jsonColumns = new(StringComparer.Ordinal);

    public ResultFormat Format => _format;
    public string ContentType => ResultFormats.ContentType(_format);
    /// <summary>Rows written; for Parquet, known once the file is written (before streaming).</summary>
    public long Rows { get; private set; }

    readonly AnalyticsQueryRunner? _runner;
    readonly System.Diagnostics.Stopwatch _elapsed = System.Diagnostics.Stopwatch.StartNew();
    Task? _abandoned;

    int _holdsSlot;

    internal QueryRun(DuckDBConnection connection, ResultFormat format, QueryLimits limits, AnalyticsQueryRunner? runner = null, bool holdsSlot = false) =>
        (_connection, _format, _limits, _runner, _holdsSlot) = (connection, format, limits, runner, holdsSlot ? 1 : 0);

    AnalyticsQueryException TooLong() => new(QueryProblem.TooLong, $"The query ran longer than the {_limits.Timeout.TotalSeconds:0.#}-second limit and was stopped.");

    /// <summary>
    /// Waits for the work no longer than what is left of the time limit; past it the query is interrupted, the run
    /// abandoned (closed when the work ends) and the answer is that it took too long.
    /// </summary>
    internal async Task WithinLimitAsync(Task work, CancellationToken ct = default)
    {
        try
        {
            await work.WaitAsync(_limits.Timeout - _elapsed.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
        }
        catch (TimeoutException)
        {
            _timedOut = true;
            Abandon(work);
            throw TooLong();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !work.IsCompleted)
        {
            // Nobody waits for the answer any more: the work is interrupted and left to end, as at the time limit.
            Abandon(work);
            throw;
        }
    }

    void Abandon(Task work)
    {
        _abandoned = work;
        _runner?.Abandon(work);
        _ = InterruptUntilEndedAsync(work);
    }

    /// <summary>An interrupt that reaches DuckDB before the statement starts is lost: it is repeated until the work ends.</summary>
    async Task InterruptUntilEndedAsync(Task work)
    {
        while (!work.IsCompleted)
        {
            Cancel();
            await Task.WhenAny(work, Task.Delay(100));
        }
    }

    internal void Begin(BoundQuery query, string exportDirectory, CancellationToken ct)
    {
        AnalyticsDatabase.Execute(_connection, "BEGIN TRANSACTION READ ONLY");
        _command = _connection.CreateCommand();
        foreach (var (name, value) in query.Parameters)
            _command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        // The newline before ')' keeps a trailing line comment in the caller's SQL from swallowing it.
        var limit = _format == ResultFormat.Parquet ? _limits.MaxRows : _limits.MaxRows + 1L;
        var wrapped = $"SELECT * FROM (\n{query.Sql}\n) AS result LIMIT {limit}";
        _timer = new Timer(_ => { _timedOut = true; Cancel(); }, null, _limits.Timeout, Timeout.InfiniteTimeSpan);
        _cancel = ct.Register(Cancel);
        Guard(() =>
        {
            if (_format is ResultFormat.Json or ResultFormat.Csv) wrapped = AsText(wrapped);
            switch (_format)
            {
                case ResultFormat.Arrow:
                    _command.CommandText = wrapped;
                    _arrow = _command.ExecuteArrowStream();
                    break;
                case ResultFormat.Parquet:
                    _parquetFile = Path.Combine(exportDirectory, $"{Guid.NewGuid():N}.parquet");
                    _command.CommandText = $"COPY ({wrapped}) TO '{_parquetFile.Replace("'", "''")}' (FORMAT parquet, COMPRESSION zstd)";
                    Rows = _command.ExecuteNonQuery();
                    break;
                default:
                    _command.CommandText = wrapped;
                    _command.UseStreamingMode = true;
                    _reader = _command.ExecuteReader();
                    break;
            }
        });
    }

    /// <summary>
    /// For JSON and CSV, nested values (lists, structs, maps, unions, arrays) become JSON text made by DuckDB
    /// itself (the .NET reader cannot hold every one of them, e.g. a list with a NULL in it) and a BLOB its
    /// base64 text; Arrow and Parquet carry every type as it is.
    /// </summary>
    string AsText(string wrapped)
    {
        var replace = new List<string>();
        _command!.CommandText = $"DESCRIBE {wrapped}";
        using (var describe = _command.ExecuteReader())
            while (describe.Read())
            {
                var name = '"' + describe.GetString(0).Replace("\"", "\"\"") + '"';
                var type = describe.GetString(1);
                if (IsNested(type))
                {
                    replace.Add($"to_json({name}) AS {name}");
                    _jsonColumns.Add(describe.GetString(0));
                }
                else if (type == "BLOB") replace.Add($"base64({name}) AS {name}");
            }
        return replace.Count == 0 ? wrapped : $"SELECT * REPLACE ({string.Join(", ", replace)}) FROM (\n{wrapped}\n) AS typed";
    }

    static bool IsNested(string type) =>
        type.EndsWith(']') || type.StartsWith("STRUCT", StringComparison.Ordinal) || type.StartsWith("MAP", StringComparison.Ordinal)
        || type.StartsWith("UNION", StringComparison.Ordinal);

    public async Task<long> WriteToAsync(Stream output, CancellationToken ct = default)
    {
        if (_runner is null) return await WriteCoreAsync(output, ct);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var gate = new GatedStream(output);
        var write = Task.Run(() => WriteCoreAsync(gate, abandon.Token), CancellationToken.None);
        try
        {
            await WithinLimitAsync(write, ct);
        }
        catch (Exception e) when (_timedOut && e is AnalyticsQueryException || e is OperationCanceledException && ct.IsCancellationRequested)
        {
            // The abandoned writer may still wake up: nothing of it reaches the answer any more.
            gate.Close();
            await abandon.CancelAsync();
            throw;
        }
        return await write;
    }

    /// <summary>Passes writes through until closed; after that every write fails.</summary>
    sealed class GatedStream(Stream inner) : Stream
    {
        volatile bool closed;
        public override void Close() => closed = true;
        Stream Open => closed ? throw new OperationCanceledException("the query was answered as too long") : inner;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !closed;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => Open.Flush();
        public override Task FlushAsync(CancellationToken ct) => Open.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Open.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => Open.Write(buffer);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Open.WriteAsync(buffer, offset, count, ct);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => Open.WriteAsync(buffer, ct);
    }

    async Task<long> WriteCoreAsync(Stream output, CancellationToken ct)
    {
        try
        {
            Rows = _format switch
            {
                ResultFormat.Json => await JsonResult.WriteAsync(_reader!, output, _limits.MaxRows, ct, _jsonColumns),
                ResultFormat.Csv => await CsvResult.WriteAsync(_reader!, output, _limits.MaxRows, ct, _jsonColumns),
                ResultFormat.Arrow => await ArrowResult.WriteAsync(_arrow!, output, _limits.MaxRows, ct),
                _ => await CopyFile(output, ct),
            };
            return Rows;
        }
        catch (Exception e) when (Translate(e) is { } problem) { throw problem; }
    }

    async Task<long> CopyFile(Stream output, CancellationToken ct)
    {
        await using (var file = File.OpenRead(_parquetFile!)) await file.CopyToAsync(output, ct);
        return Rows;
    }

    void Guard(Action action)
    {
        try { action(); }
        catch (Exception e) when (Translate(e) is { } problem) { throw problem; }
    }

    AnalyticsQueryException? Translate(Exception e)
    {
        if (_timedOut) return TooLong();
        if (e is not DuckDBException d) return null;
        if (d.Message.Contains("Permission Error", StringComparison.OrdinalIgnoreCase) || d.Message.Contains("disabled by configuration", StringComparison.OrdinalIgnoreCase))
            return AnalyticsQueryException.Forbidden($"Refused: analytics SQL has no access to files, the network or extensions. DuckDB said: {d.Message}");
        return AnalyticsQueryException.BadRequest(d.Message);
    }

    void Cancel()
    {
        try { _command?.Cancel(); }
        catch (Exception) { /* the query may have finished meanwhile */ }
    }

    public void Dispose()
    {
        // Work past the time limit still holds the connection: it is closed when that work ends.
        if (_abandoned is { IsCompleted: false } work)
        {
            work.ContinueWith(_ => DisposeNow(), TaskScheduler.Default);
            return;
        }
        DisposeNow();
    }

    void DisposeNow()
    {
        _timer?.Dispose();
        _cancel.Dispose();
        _reader?.Dispose();
        _arrow?.Dispose();
        _command?.Dispose();
        _connection.Dispose();
        if (_parquetFile is not null) File.Delete(_parquetFile);
        if (Interlocked.Exchange(ref _holdsSlot, 0) == 1) _runner?.Leave();
    }
}
