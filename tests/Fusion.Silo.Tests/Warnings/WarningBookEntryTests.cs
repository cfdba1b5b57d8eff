using System.Collections.Immutable;
using System.Text.Json;
using Fusion.Domain.Warnings;
using Fusion.Silo.Tests.Hosting;
using Fusion.Silo.Tests.Rectification;
using Fusion.Silo.Warnings;
using Marten;
using Microsoft.Extensions.Time.Testing;
using static Fusion.Silo.Tests.Hosting.TestData;

namespace Fusion.Silo.Tests.Warnings;

/// <summary>A warning book's open deadlines and verified evidence, each stored as a document of its own beside the book.</summary>
public sealed class WarningBookEntryTests
{
    static readonly DateTimeOffset T0 = FusionApp.T0;
    const string Rule = "rectification-overdue";
    /// <summary>2026-11-30 is over in Beijing at 2026-11-30T16:00Z.</summary>
    static readonly DateTimeOffset AfterRectifyBy = new(2026, 11, 30, 16, 0, 0, TimeSpan.Zero);

    static async Task<(WarningBook Book, IReadOnlyList<WarningBookEntry> Entries)> StoredAsync(IDocumentStore store, string scope)
    {
        await using var session = store.QuerySession();
        var book = (await session.LoadAsync<WarningBookDocument>(scope))!.Book;
        return (book, await session.Query<WarningBookEntry>().Where(e => e.Scope == scope).ToListAsync());
    }

    static async Task<JsonElement> OverdueAsync(FusionApp app, int evidence) =>
        (await WarningTests.WaitForAsync(app.CreateClient(), $"/api/warnings?rule={Rule}",
            w => w.GetArrayLength() == 1 && w[0].GetProperty("evidence").GetArrayLength() == evidence, $"overdue warning with {evidence} findings"))[0];

    static string[] EvidenceOf(JsonElement warning) =>
        [.. warning.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).Order()];

    static PendingDeadline Deadline(string finding, DateTimeOffset due) =>
        new(Rule, Potash, Potash, "GOLMUD-IP", new WarningEvidence($"inspection:{finding}", 7, "InspectionFinding", $"finding {finding}", T0), due);

    [Fact]
    public void GivenABook_WhenDeadlinesAreAddedChangedAndLetGoAndEvidenceVerified_ThenTheChangesAreExactlyThoseEntries_AndTheEntriesMakeTheBookAgain()
    {
        var before = WarningBook.Empty(Potash) with
        {
            Deadlines = ImmutableDictionary<string, PendingDeadline>.Empty.Add("r|a", Deadline("a", T0)).Add("r|b", Deadline("b", T0)).Add("r|c", Deadline("c", T0)),
            Verified = ["inspection:x"],
        };
        var after = before with
        {
            Deadlines = before.Deadlines.SetItem("r|a", Deadline("a", T0.AddDays(1))).Remove("r|b").SetItem("r|c", Deadline("c", T0)).Add("r|d", Deadline("d", T0)),
            Verified = before.Verified.Add("inspection:b"),
            LastSequence = 9,
        };

        var (stored, gone) = WarningBookEntry.Changes(Potash, before, after);

        Assert.Equal([("r|a", true), ("r|d", true), ("inspection:b", false)], stored.Select(e => (e.Key, e.Deadline is not null)).OrderBy(e => e.Item2 ? 0 : 1).ThenBy(e => e.Key));
        Assert.All(stored, e => Assert.Equal(Potash, e.Scope));
        Assert.Equal([$"{Potash}/deadline/r|b"], gone.ToArray());
        var (none, noneGone) = WarningBookEntry.Changes(Potash, after, after with { LastSequence = 10 });
        Assert.Empty(none);
        Assert.Empty(noneGone);
        // Read from a document that held them inside: every entry is stored, whatever the book held before.
        var (moved, movedGone) = WarningBookEntry.Changes(Potash, after, after with { LastSequence = 10 }, inside: true);
        Assert.Equal(["inspection:b", "inspection:x", "r|a", "r|c", "r|d"], moved.Select(e => e.Key).Order());
        Assert.Empty(movedGone);

        var (all, _) = WarningBookEntry.Changes(Potash, WarningBookEntry.Outside(after), after);
        var again = WarningBookEntry.Into(WarningBookEntry.Outside(after), all);
        Assert.Equal(after.Deadlines.OrderBy(d => d.Key), again.Deadlines.OrderBy(d => d.Key));
        Assert.Equal(after.Verified.Order(), again.Verified.Order());
        Assert.Equal(all.Select(e => e.Id).Distinct().Count(), all.Length);
    }

    [Fact]
    public async Task GivenThreeFindings_WhenOneIsVerifiedInTime_ThenEachOpenDeadlineIsStoredOnItsOwn_AndNothingOfTheVerifiedOne_AndAfterARestartOnlyTheOpenOnesFallDue()
    {
        var time = new FakeTimeProvider(T0);
        string connection;
        await using (var first = await FusionApp.StartAsync(time: time, settings: WarningTests.Settings()))
        {
            connection = first.ConnectionString;
            var http = first.CreateClient();
            (await http.PostJsonAsync("/api/master-data", RectificationTests.HaixiWithCommissioner())).EnsureSuccessStatusCode();
            (await http.PostJsonAsync("/api/ingest/inspection-findings", new[] { "I-1", "I-2", "I-3" }
                .Select(id => RectificationTests.Finding(id, Potash, new DateOnly(2026, 11, 30), T0.AddDays(-1))).ToArray())).EnsureSuccessStatusCode();
            await first.CaughtUpAsync();
            const string url = "/api/cases/finding-I-1";
            (await http.PostJsonAsync($"{url}/plan", new { plan = "Reline the pond" })).EnsureSuccessStatusCode();
            (await http.PostJsonAsync($"{url}/plan/accept", new { })).EnsureSuccessStatusCode();
            (await http.PostJsonAsync($"{url}/completion", new { report = "Pond relined" })).EnsureSuccessStatusCode();
            (await http.PostJsonAsync($"{url}/verify", new { note = "Checked on site" })).EnsureSuccessStatusCode();
            await first.CaughtUpAsync();

            var (book, entries) = await StoredAsync(first.Store, Potash);
            Assert.Empty(book.Deadlines);
            Assert.Empty(book.Verified);
            Assert.Equal([$"{Rule}|inspection:I-2", $"{Rule}|inspection:I-3"], entries.Where(e => e.Deadline is not null).Select(e => e.Key).Order());
            // Verified in time: its deadline goes, and nothing is kept of it.
            Assert.DoesNotContain(entries, e => e.Deadline is null);
            Assert.All(entries.Where(e => e.Deadline is not null), e => Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), e.Deadline!.DueAt));
        }

        time.SetUtcNow(AfterRectifyBy);
        await using var second = await FusionApp.StartAsync(connection, time, WarningTests.Settings());
        var overdue = await OverdueAsync(second, evidence: 2);
        Assert.Equal(["inspection:I-2", "inspection:I-3"], EvidenceOf(overdue));
        // The deadlines that fell due are let go: the overdue warning holds their findings now.
        var (_, left) = await StoredAsync(second.Store, Potash);
        Assert.Empty(left);
    }

    /// <summary>
    /// A host with the test master data that stops once it has stored, as a book was stored before its entries had documents of
    /// their own, SodaAsh's book with a deadline due at <paramref name="firstDue"/>, one in ten days and one finding verified,
    /// all inside the book. Answers the database.
    /// </summary>
    static async Task<string> BookStoredTheOldWayAsync(FakeTimeProvider time, DateTimeOffset firstDue)
    {
        await using var app = await FusionApp.StartAsync(time: time, settings: WarningTests.Settings());
        (await app.CreateClient().PostJsonAsync("/api/master-data", Haixi())).EnsureSuccessStatusCode();
        await app.CaughtUpAsync();
        await using var session = app.Store.LightweightSession();
        var stored = await session.LoadAsync<WarningBookDocument>(SodaAsh) ?? new WarningBookDocument { Id = SodaAsh, Book = WarningBook.Empty(SodaAsh) };
        PendingDeadline Due(string finding, DateTimeOffset at) =>
            new(Rule, SodaAsh, SodaAsh, "GOLMUD", new WarningEvidence($"inspection:{finding}", 40, "InspectionFinding", $"finding {finding}", T0.AddDays(-3)), at);
        stored.Book = stored.Book with
        {
            Deadlines = ImmutableDictionary<string, PendingDeadline>.Empty
                .Add($"{Rule}|inspection:I-7", Due("I-7", firstDue)).Add($"{Rule}|inspection:I-8", Due("I-8", T0.AddDays(10))),
            Verified = ["inspection:I-6"],
        };
        stored.DueAt = firstDue;
        stored.Revision++;
        session.Store(stored);
        await session.SaveChangesAsync();
        return app.ConnectionString;
    }

    static async Task<IReadOnlyList<(string Key, bool Deadline)>> MovedOutAsync(FusionApp app)
    {
        var (book, entries) = await StoredAsync(app.Store, SodaAsh);
        Assert.Empty(book.Deadlines);
        Assert.Empty(book.Verified);
        return [.. entries.Select(e => (e.Key, e.Deadline is not null)).OrderBy(e => e.Key, StringComparer.Ordinal)];
    }

    [Fact]
    public async Task GivenABookStoredWithItsEntriesInside_WhenADeadlineFallsDue_ThenTheOthersAndTheVerifiedEvidenceMoveIntoEntriesOfTheirOwn()
    {
        var time = new FakeTimeProvider(T0);
        var connection = await BookStoredTheOldWayAsync(time, T0.AddHours(1));

        time.SetUtcNow(T0.AddHours(2));
        await using var second = await FusionApp.StartAsync(connection, time, WarningTests.Settings());
        Assert.Equal(["inspection:I-7"], EvidenceOf(await OverdueAsync(second, evidence: 1)));
        Assert.Equal([("inspection:I-6", false), ($"{Rule}|inspection:I-8", true)], await MovedOutAsync(second));
    }

    [Fact]
    public async Task GivenABookStoredWithItsEntriesInside_WhenAPageAddsAFinding_ThenItsEntriesMoveOutWithTheNewOne()
    {
        var time = new FakeTimeProvider(T0);
        var connection = await BookStoredTheOldWayAsync(time, T0.AddDays(5));

        await using var second = await FusionApp.StartAsync(connection, time, WarningTests.Settings());
        (await second.CreateClient().PostJsonAsync("/api/ingest/inspection-findings",
            new[] { RectificationTests.Finding("I-9", SodaAsh, new DateOnly(2026, 12, 20), T0.AddHours(-1)) })).EnsureSuccessStatusCode();
        await second.CaughtUpAsync();

        Assert.Equal([("inspection:I-6", false), ($"{Rule}|inspection:I-7", true), ($"{Rule}|inspection:I-8", true), ($"{Rule}|inspection:I-9", true)],
            await MovedOutAsync(second));
    }
}
