using System.Collections.Immutable;
using System.Text.Json;
using Fusion.Domain.Common;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Warnings;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>
/// The live warning rules decide within the live-risk pass and their writes (the book, the warning events, the views) are
/// stored with the page's, not ahead of it: a page that fails to store leaves no warning behind, and delivered again it
/// raises the warning once. Real host, real PostgreSQL.
/// </summary>
public sealed class WarningPageTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;
    const string Id = "repeated-discharge-alarms.S-POTASH-OUT.1";

    [Fact]
    public async Task GivenAPageThatRaisesAWarning_WhenItWaitsToStoreAndItsConnectionIsCut_ThenNothingOfTheWarningIsStoredAheadOfIt_AndDeliveredAgainItIsRaisedOnce()
    {
        await using var app = await FusionApp.StartAsync();
        var http = app.CreateClient();
        await http.PostJsonAsync("/api/master-data", Haixi());
        await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-1", "CAM-POTASH-1", T0.AddHours(-5)), Alarm("A-2", "CAM-POTASH-1", T0.AddHours(-3)) });
        await app.CaughtUpAsync();
        var raised = $"SELECT count(*) FROM fusion.mt_events WHERE stream_id = 'warning:{Id}' AND type = 'warning_raised'";
        var bookRevision = $"SELECT coalesce((data->>'revision')::bigint, 0) FROM fusion.mt_doc_warningbookdocument WHERE id = '{Potash}'";
        var revisionBefore = await TestDatabase.ScalarAsync(app.ConnectionString, bookRevision);

        // Another writer holds the Potash grain's stored risk state: the page with the third alarm is staged and waits to store.
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using (var hold = await conn.BeginTransactionAsync())
        {
            await using (var lockRow = new NpgsqlCommand($"SELECT id FROM fusion.mt_doc_risksnapshot WHERE id = 'enterprise:{Potash}' FOR UPDATE", conn, hold))
                Assert.NotNull(await lockRow.ExecuteScalarAsync());
            await http.PostJsonAsync("/api/ingest/camera-alarms", new[] { Alarm("A-3", "CAM-POTASH-1", T0.AddHours(-1)) });
            await using var observer = new NpgsqlConnection(app.ConnectionString);
            await observer.OpenAsync();
            var blocked = await TestDatabase.WaitingOnLockAsync(observer, "mt_doc_risksnapshot");

            // The warning is decided and waits with the page: neither it nor the book that holds it is stored yet.
            Assert.Equal(0, await TestDatabase.ScalarAsync(app.ConnectionString, raised));
            Assert.Equal(revisionBefore, await TestDatabase.ScalarAsync(app.ConnectionString, bookRevision));
            Assert.Equal(0, (await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).GetArrayLength());

            await using (var cut = new NpgsqlCommand($"SELECT pg_terminate_backend({blocked})", observer))
                await cut.ExecuteScalarAsync();
            await hold.RollbackAsync();
        }
        await app.CaughtUpAsync();

        Assert.Equal(1, await TestDatabase.ScalarAsync(app.ConnectionString, raised));
        Assert.True(await TestDatabase.ScalarAsync(app.ConnectionString, bookRevision) > revisionBefore);
        var warning = Assert.Single((await http.GetJsonAsync("/api/warnings?rule=repeated-discharge-alarms")).EnumerateArray());
        Assert.Equal(["camera-alarm:A-1", "camera-alarm:A-2", "camera-alarm:A-3"], warning.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal(0, await TestDatabase.ScalarAsync(app.ConnectionString, "SELECT count(*) FROM fusion.mt_doc_deadletterevent"));
        Assert.All((await http.GetJsonAsync("/health")).GetProperty("consumers").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("parked").GetInt32()));
    }

    [Fact]
    public async Task GivenAWarningGrainsWrites_WhenTheyCrossFromOneSiloToAnother_ThenEveryEventKeepsItsTypeAndContent()
    {
        await using var app = await FusionApp.StartAsync();
        var serializer = app.Services.GetRequiredService<Orleans.Serialization.Serializer>();
        var evidence = new WarningEvidence("camera-alarm:A-3", 12, "camera-alarm", "abnormal discharge at S-POTASH-OUT", T0);
        var raisedEvent = new WarningRaised(Id, "repeated-discharge-alarms", "count", WarningSubject.Site, "S-POTASH-OUT", Potash, "GOLMUD-IP",
            Severity.High, "三次异常排放", [evidence], 61.5, RiskLevel.Yellow, [new ExplanationLine("camera-alarm:A-3", "abnormal discharge", 12.25)],
            [new WarningRecipient("L-GOLMUD", RecipientRole.RegionLeader, "格尔木市长", "l-golmud@example.cn")], T0);
        var repeated = new WarningRepeated(Id, [evidence with { EventId = "camera-alarm:A-4", Sequence = 13 }], 2, T0.AddMinutes(5));
        var writes = new WarningWrites(new WarningBookDocument { Id = Potash, Book = WarningBook.Empty(Potash) with { LastSequence = 13 }, DueAt = T0.AddMinutes(10), Revision = 4 },
            [raisedEvent, repeated], [WarningView.Apply(WarningView.Apply(null, raisedEvent), repeated)!], 3,
            [new WarningBookEntry { Id = $"{Potash}/deadline/rectification-overdue|inspection:I-1", Scope = Potash, Key = "rectification-overdue|inspection:I-1",
                Deadline = new PendingDeadline("rectification-overdue", Potash, Potash, "GOLMUD-IP", evidence with { EventId = "inspection:I-1" }, T0.AddDays(3)) }],
            [$"{Potash}/verified/inspection:I-0"]);

        var back = serializer.Deserialize<WarningWrites>(serializer.SerializeToArray(writes))!;

        Assert.Equal([typeof(WarningRaised), typeof(WarningRepeated)], back.Events.Select(e => e.GetType()));
        Assert.Equal(writes.Events.Select(e => JsonSerializer.Serialize(e, e.GetType())), back.Events.Select(e => JsonSerializer.Serialize(e, e.GetType())));
        Assert.Equal(JsonSerializer.Serialize(writes.Views), JsonSerializer.Serialize(back.Views));
        Assert.Equal((Potash, 13L, T0.AddMinutes(10), 4L, 3L), (back.Book.Id, back.Book.Book.LastSequence, back.Book.DueAt!.Value, back.Book.Revision, back.Based));
        Assert.Equal(JsonSerializer.Serialize(writes.Entries), JsonSerializer.Serialize(back.Entries));
        Assert.Equal(writes.EntriesGone.ToArray(), back.EntriesGone.ToArray());
    }
}
