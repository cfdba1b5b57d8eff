using Fusion.Silo.Store;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fusion.Silo.Tests.Store;

/// <summary>What a failed store command leaves in the log: its SQL and reason, never its values, once per failure.</summary>
public sealed class StoreLogSpecs
{
    sealed class Captured : ILogger<StoreLog>
    {
        public List<(LogLevel Level, string Text)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    static NpgsqlCommand Insert(string value) => new("insert into fusion.mt_doc_connectorkey (id, data) values ($1, $2)")
    {
        Parameters = { new NpgsqlParameter { Value = "key-1" }, new NpgsqlParameter { Value = value } },
    };

    [Fact]
    public void GivenAValuePostgreSqlRefused_WhenMartenReportsTheBatchAndThenTheSameFailureAgain_ThenOneWarningWithTheSqlAndNoValue()
    {
        var captured = new Captured();
        var log = new StoreLog(captured);
        var refused = new Marten.Exceptions.MartenCommandException(Insert("{\"name\":\"李明 13800000000\"}"),
            new PostgresException("unsupported Unicode escape sequence", "ERROR", "ERROR", "22P05"));

        log.LogFailure(Insert("{\"name\":\"李明 13800000000\"}"), refused);
        log.LogFailure(new NpgsqlCommand(), refused);

        var (level, text) = Assert.Single(captured.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("22P05: unsupported Unicode escape sequence", text);
        Assert.Contains("insert into fusion.mt_doc_connectorkey", text);
        Assert.DoesNotContain("13800000000", text);
    }

    [Fact]
    public void GivenAnyOtherFailure_WhenLogged_ThenAnErrorWithTheSqlAndNoValue()
    {
        var captured = new Captured();
        new StoreLog(captured).LogFailure(Insert("13800000000"), new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"));

        var (level, text) = Assert.Single(captured.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Contains("insert into fusion.mt_doc_connectorkey", text);
        Assert.DoesNotContain("13800000000", text);
    }
}
